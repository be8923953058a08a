/**
 * What `run` shows while it runs, from the local host's activity events: on a terminal one bar per
 * table and phase (pages done, rows/s, throttled requests), otherwise one plain line per table and
 * phase as it completes. Nothing in --json mode (stdout carries only the summary).
 */
import type { ActivityName, ActivityResult } from '../activities/index.js';
import type { PhasePageOutcome } from '../activities/phase-page.js';
import type { CliIo } from './io.js';
import { createProgress, type ProgressTask } from './progress.js';

/** The part of the host's activity event the display needs. */
export interface ActivityNotice {
    type: 'scheduled' | 'completed' | 'failed';
    name: string;
    input: unknown;
    output?: unknown;
    error?: string;
}

interface Track {
    task: ProgressTask;
    label: string;
    done: number;
    total: number;
    rows: number;
    failed: number;
    started: number;
    /** More listing chunks are coming: the total will grow. */
    listing: boolean;
}

const PHASE_OF: Partial<Record<ActivityName, string>> = {
    patchDeferredPage: 'deferred',
    setStatePage: 'state',
    deletePage: 'delete',
};

/** An activity's result as its completed event carries it. */
function outputOf<N extends ActivityName>(_name: N, event: ActivityNotice): ActivityResult<N> {
    return event.output as ActivityResult<N>;
}

export interface RunDisplay {
    onActivity(event: ActivityNotice): void;
    stop(): void;
}

function rate(rows: number, ms: number): string {
    return ms > 0 ? `${Math.round((rows * 1000) / ms).toLocaleString('en-US')} rows/s` : '';
}

export function createRunDisplay(io: CliIo, options: { json: boolean; throttled: () => number }): RunDisplay {
    const progress = createProgress(io, { json: options.json });
    const plain = !io.isTty && !options.json;
    const tracks = new Map<string, Track>();
    const line = (text: string) => {
        if (plain) io.stderr(`${text}\n`);
    };
    const track = (key: string, label: string, total: number, unit: string): Track => {
        let t = tracks.get(key);
        if (!t) {
            t = {
                task: progress.task(label, { total, unit }),
                label,
                done: 0,
                total,
                rows: 0,
                failed: 0,
                started: Date.now(),
                listing: false,
            };
            tracks.set(key, t);
        }
        return t;
    };
    const advance = (t: Track, rows: number, failed: number) => {
        t.done++;
        t.rows += rows;
        t.failed += failed;
        const detail = [
            rate(t.rows, Date.now() - t.started),
            `${options.throttled()} throttled`,
            t.failed > 0 ? `${t.failed} failed` : '',
        ]
            .filter(Boolean)
            .join(', ');
        t.task.update(t.done, t.total, detail);
        if (t.done >= t.total && !t.listing) {
            t.task.done(detail);
            line(
                `${t.label}: ${t.rows.toLocaleString('en-US')} rows in ${t.total} pages${t.failed > 0 ? `, ${t.failed} failed` : ''} (${((Date.now() - t.started) / 1000).toFixed(1)} s)`,
            );
        }
    };
    return {
        onActivity(event) {
            if (event.type === 'failed') {
                line(`${event.name} failed (will be retried): ${event.error?.split('\n')[0] ?? ''}`);
                return;
            }
            if (event.type === 'scheduled') {
                const phase = PHASE_OF[event.name as ActivityName];
                const table = (event.input as { table?: unknown } | undefined)?.table;
                if (phase && typeof table === 'string') {
                    const t = track(`${phase}:${table}`, `${phase} ${table}`, 0, 'pages');
                    t.total++;
                    t.task.update(t.done, t.total);
                }
                return;
            }
            switch (event.name) {
                case 'planRun':
                    line('planned');
                    break;
                case 'listPages': {
                    const out = outputOf('listPages', event);
                    const key = `copy:${out.table}`;
                    const known = tracks.get(key);
                    const t = known ?? track(key, out.table, Math.max(out.pages, 0), 'pages');
                    // Chunked listings add their pages as they come.
                    if (known && out.chunk !== undefined && out.chunk > 0) t.total += out.pages;
                    t.listing = out.more;
                    t.task.update(t.done, t.total);
                    if (out.chunk !== undefined && out.chunk > 0) break;
                    if (out.pages === 0) t.task.done('nothing to copy');
                    line(
                        `${out.table}: ${out.mode}${out.fallback ? ' (fallback)' : ''}, ${out.rows.toLocaleString('en-US')} rows in ${out.pages} pages`,
                    );
                    break;
                }
                case 'copyPage': {
                    const out = outputOf('copyPage', event);
                    const t = tracks.get(`copy:${out.table}`);
                    if (t) advance(t, out.counts.read, out.counts.failed);
                    break;
                }
                case 'listRelationshipPages': {
                    const out = outputOf('listRelationshipPages', event);
                    const t = track(`m2m:${out.relationship}`, out.relationship, out.pages, 'pages');
                    if (out.pages === 0) t.task.done();
                    break;
                }
                case 'associatePage': {
                    const out = outputOf('associatePage', event);
                    const t = tracks.get(`m2m:${out.relationship}`);
                    if (t) advance(t, out.counts.read, out.counts.failed);
                    break;
                }
                default: {
                    const phase = PHASE_OF[event.name as ActivityName];
                    if (!phase) break;
                    const out = event.output as PhasePageOutcome;
                    const key = `${phase}:${out.table}`;
                    const t = tracks.get(key);
                    if (t) advance(t, out.counts.read, out.counts.failed);
                }
            }
        },
        stop: () => progress.stop(),
    };
}
