/**
 * Where a measured run's wall time went, from its own event log (`runs/{runId}/events.jsonl`): how long at
 * least one page activity was running, per phase, and the rest (planning, key walks that list the next tier's
 * pages, phase changes), when the target has no page work to spend its budget on; and how long key walks ran. Explains a ceiling ratio
 * below 1 without guessing.
 */
import { z } from 'zod';
import { createFileRunStore, runPaths } from '../src/runlog/index.js';

const eventSchema = z.object({
    at: z.string(),
    type: z.string(),
    phase: z.string().optional(),
    ms: z.number().optional(),
});

export interface RunTimeline {
    /** Seconds from run-started to run-finished. */
    seconds: number;
    /** Seconds in which at least one page activity was running. */
    pageSeconds: number;
    /** Seconds with no page activity running. */
    idleSeconds: number;
    /** Seconds with no page running in which a list-pages activity (a table's or relationship's key walk) was. */
    listingSeconds: number;
    /** Per phase (copy, deferred, state, associate, ...): seconds in which one of its pages was running. */
    phases: Record<string, number>;
}

type Interval = [number, number];

/** Total length of the union of intervals. */
export function unionLength(intervals: Interval[]): number {
    const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
    let total = 0;
    let current: Interval | undefined;
    for (const [start, end] of sorted) {
        if (!current || start > current[1]) {
            if (current) total += current[1] - current[0];
            current = [start, end];
        } else current[1] = Math.max(current[1], end);
    }
    return total + (current ? current[1] - current[0] : 0);
}

export function timelineOf(lines: string[]): RunTimeline {
    let started: number | undefined;
    let finished: number | undefined;
    const pages: Interval[] = [];
    const listings: Interval[] = [];
    const byPhase = new Map<string, Interval[]>();
    lines.forEach((line, i) => {
        if (line.trim() === '') return;
        const parsed = eventSchema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(`events line ${i + 1}: ${z.prettifyError(parsed.error)}`);
        const event = parsed.data;
        const at = Date.parse(event.at);
        if (event.type === 'run-started') started = at;
        else if (event.type === 'run-finished') finished = at;
        else if (event.type === 'table-listed' && event.ms !== undefined) listings.push([at - event.ms, at]);
        else if (event.type === 'page' && event.ms !== undefined) {
            const interval: Interval = [at - event.ms, at];
            pages.push(interval);
            const phase = event.phase ?? 'unknown';
            const list = byPhase.get(phase);
            if (list) list.push(interval);
            else byPhase.set(phase, [interval]);
        }
    });
    if (started === undefined || finished === undefined) {
        throw new Error('events log: no run-started or run-finished event (did the run finish?)');
    }
    const seconds = (finished - started) / 1000;
    const pageSeconds = unionLength(pages) / 1000;
    return {
        seconds,
        pageSeconds,
        idleSeconds: Math.max(0, seconds - pageSeconds),
        listingSeconds: (unionLength([...pages, ...listings]) - unionLength(pages)) / 1000,
        phases: Object.fromEntries([...byPhase].map(([phase, list]) => [phase, unionLength(list) / 1000])),
    };
}

/** The timeline of run `runId` in the CLI run store at `logDir`. */
export async function readRunTimeline(logDir: string, runId: string): Promise<RunTimeline> {
    return timelineOf(await createFileRunStore(logDir).readLines(runPaths(runId).events));
}
