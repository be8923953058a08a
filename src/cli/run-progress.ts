/**
 * What `run` shows while it runs, from the local host's activity events: on a terminal one bar per
 * table and phase (pages done, time left, failed rows, rows/s) and an overall line under them (rows read of
 * the rows listed, time left, rows/s, throttled requests), otherwise one plain line per table and phase as it
 * completes. A page that found the run cancelled is not counted as done, so no bar claims work that was not.
 * Nothing in --json mode (stdout carries only the summary).
 */
import type { ActivityName, ActivityResult } from '../activities/index.js';
import type { PhasePageOutcome } from '../activities/phase-page.js';
import type { CliIo } from './io.js';
import { createProgress, type ProgressTask } from './progress.js';
import { formatBytes, formatRate, renderOverall } from './progress-format.js';

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
    /** Content phase: bytes written to the target (and read from the source). */
    bytesWritten: number;
    bytesRead: number;
    started: number;
    /** More listing chunks are coming: the total will grow. */
    listing: boolean;
    ended: boolean;
}

const PHASE_OF: Partial<Record<ActivityName, string>> = {
    patchDeferredPage: 'deferred',
    setStatePage: 'state',
    copyContentPage: 'content',
    deletePage: 'delete',
};

/** An activity's result as its completed event carries it. */
function outputOf<N extends ActivityName>(_name: N, event: ActivityNotice): ActivityResult<N> {
    return event.output as ActivityResult<N>;
}

export interface RunDisplay {
    onActivity(event: ActivityNotice): void;
    /** The user asked to cancel: says `text` above the bars; tables left with pages end as cancelled. */
    cancelling(text: string): void;
    /** The user asked to stop now and resume later: tables stay as they stood, nothing is called cancelled. */
    stopping(): void;
    stop(): void;
}

export function createRunDisplay(
    io: CliIo,
    options: { json: boolean; throttled: () => number; now?: () => number },
): RunDisplay {
    const now = options.now ?? Date.now;
    const progress = createProgress(io, { json: options.json, now });
    // The overall line: copy-phase rows read of the rows the listings found, from the first listing on.
    const overall = {
        planned: 0,
        read: 0,
        failed: 0,
        started: undefined as number | undefined,
        last: 0,
        ended: undefined as 'done' | 'cancelled' | undefined,
    };
    let cancelled = false;
    // Drawn from the first listing on: before it, the terminal is left alone (the run's first line wraps freely).
    const startOverall = () => {
        if (overall.started !== undefined) return;
        const started = now();
        overall.started = started;
        progress.footer((layout) =>
            renderOverall(
                {
                    done: overall.read,
                    planned: overall.planned,
                    // Frozen once every listed row is read (or the run ended), so the rate stays the copy's own.
                    elapsedMs:
                        (overall.read < overall.planned && overall.ended === undefined ? now() : overall.last) -
                        started,
                    throttled: options.throttled(),
                    failed: overall.failed,
                    ...(overall.ended !== undefined ? { ended: overall.ended } : {}),
                },
                layout,
            ),
        );
    };
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
                bytesWritten: 0,
                bytesRead: 0,
                started: now(),
                listing: false,
                ended: false,
            };
            tracks.set(key, t);
        }
        return t;
    };
    const end = (t: Track, outcome: 'done' | 'failed' | 'cancelled') => {
        if (t.ended) return;
        t.ended = true;
        t.task.end(outcome, { failed: t.failed });
        const seconds = ((now() - t.started) / 1000).toFixed(1);
        const failed = t.failed > 0 ? `, ${t.failed} failed` : '';
        const bytes =
            t.bytesRead > 0 ? `, ${formatBytes(t.bytesRead)} read, ${formatBytes(t.bytesWritten)} written` : '';
        line(
            outcome === 'cancelled'
                ? `${t.label}: cancelled after ${t.done} of ${t.total} pages${failed} (${seconds} s)`
                : `${t.label}: ${t.rows.toLocaleString('en-US')} rows in ${t.total} pages${failed}${bytes} (${seconds} s)`,
        );
    };
    const advance = (
        t: Track,
        outcome: {
            counts: { read: number; failed: number; bytesRead?: number; bytesWritten?: number };
            cancelled?: boolean;
        },
    ) => {
        // A page that found the run cancelled did nothing: the table stops where it is.
        if (outcome.cancelled === true) {
            cancelled = true;
            end(t, 'cancelled');
            return;
        }
        t.done++;
        t.rows += outcome.counts.read;
        t.failed += outcome.counts.failed;
        overall.failed += outcome.counts.failed;
        t.bytesRead += outcome.counts.bytesRead ?? 0;
        t.bytesWritten += outcome.counts.bytesWritten ?? 0;
        const rate = formatRate(t.rows, now() - t.started);
        const details = [
            ...(rate === undefined ? [] : [rate]),
            ...(t.bytesRead > 0 ? [`${formatBytes(t.bytesWritten)} written`] : []),
        ];
        t.task.update(t.done, t.total, { failed: t.failed, details });
        if (t.done >= t.total && !t.listing) end(t, t.failed > 0 ? 'failed' : 'done');
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
                    startOverall();
                    overall.planned += out.rows;
                    // Chunked listings add their pages as they come.
                    if (known && out.chunk !== undefined && out.chunk > 0) t.total += out.pages;
                    t.listing = out.more;
                    t.task.update(t.done, t.total);
                    if (out.chunk !== undefined && out.chunk > 0) break;
                    if (out.pages === 0 && !out.more) {
                        t.ended = true;
                        t.task.done();
                    }
                    line(
                        `${out.table}: ${out.mode}${out.fallback ? ' (fallback)' : ''}, ${out.rows.toLocaleString('en-US')} rows in ${out.pages} pages`,
                    );
                    break;
                }
                case 'copyPage': {
                    const out = outputOf('copyPage', event);
                    const t = tracks.get(`copy:${out.table}`);
                    if (!out.cancelled) overall.read += out.counts.read;
                    overall.last = now();
                    if (t) advance(t, out);
                    break;
                }
                case 'listRelationshipPages': {
                    const out = outputOf('listRelationshipPages', event);
                    const t = track(`m2m:${out.relationship}`, out.relationship, out.pages, 'pages');
                    if (out.pages === 0) end(t, 'done');
                    break;
                }
                case 'associatePage': {
                    const out = outputOf('associatePage', event);
                    const t = tracks.get(`m2m:${out.relationship}`);
                    if (t) advance(t, out);
                    break;
                }
                default: {
                    const phase = PHASE_OF[event.name as ActivityName];
                    if (!phase) break;
                    const out = event.output as PhasePageOutcome;
                    const key = `${phase}:${out.table}`;
                    const t = tracks.get(key);
                    if (t) advance(t, out);
                }
            }
        },
        cancelling(text) {
            cancelled = true;
            progress.notice(text);
        },
        stopping() {
            cancelled = false;
        },
        stop() {
            // After a cancel, tables that had pages left stopped with them; otherwise they stay as they stood.
            if (cancelled) for (const t of tracks.values()) if (!t.ended && t.done < t.total) end(t, 'cancelled');
            overall.ended = cancelled ? 'cancelled' : 'done';
            progress.stop();
        },
    };
}
