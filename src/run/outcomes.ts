/**
 * Row counts of a phase, the same shape for every phase so that they add up the same way:
 * read = written + skipped + failed, always. `unchanged` rows (already as the source wants them)
 * are part of `skipped`; so are rows skipped by a rule (outside the filter scope, a side of an
 * association that is not in the target).
 */
import { z } from 'zod';
import type { RequestCounts } from '../dataverse/index.js';

const count = z.number().int().min(0);

/** Requests one environment was sent (src/dataverse/request-tally.ts says what counts). */
export const requestCountsSchema = z.object({
    reads: count,
    writes: count,
    retries: count,
    throttled: count,
    failed: count,
}) satisfies z.ZodType<RequestCounts>;

/** Requests per environment of the run. */
export const sideRequestsSchema = z.object({
    source: requestCountsSchema.optional(),
    target: requestCountsSchema.optional(),
});

export type SideRequests = z.infer<typeof sideRequestsSchema>;

/** Row counts of one phase; the schema checks them where they cross a host boundary (the finish activity). */
export const phaseCountsSchema = z.object({
    /** Rows (or pairs, or work items) this phase considered. */
    read: count,
    /** Rows created, updated, patched, set, associated or deleted. */
    written: count,
    /** Skipped by a rule, including `unchanged`. */
    skipped: count,
    /** Already as wanted (part of skipped). */
    unchanged: count,
    failed: count,
    /** Copy phase only: rows created and updated (part of written). */
    created: count.optional(),
    updated: count.optional(),
    /** Lookup values cleared because they could not be resolved (onUnresolvedLookup 'clear'). */
    cleared: count.optional(),
    /** Content phase only: bytes read from the source and written to the target. */
    bytesRead: count.optional(),
    bytesWritten: count.optional(),
    /** Requests the phase's activities sent to each environment (listings included), retries and 429s counted. */
    requests: sideRequestsSchema.optional(),
});

export type PhaseCounts = z.infer<typeof phaseCountsSchema>;

export function emptyCounts(): PhaseCounts {
    return { read: 0, written: 0, skipped: 0, unchanged: 0, failed: 0 };
}

const OPTIONAL = ['created', 'updated', 'cleared', 'bytesRead', 'bytesWritten'] as const;

/** Sums counts (returns a new object). */
export function addCounts(a: PhaseCounts, b: PhaseCounts): PhaseCounts {
    const sum: PhaseCounts = {
        read: a.read + b.read,
        written: a.written + b.written,
        skipped: a.skipped + b.skipped,
        unchanged: a.unchanged + b.unchanged,
        failed: a.failed + b.failed,
    };
    for (const key of OPTIONAL) {
        if (a[key] !== undefined || b[key] !== undefined) sum[key] = (a[key] ?? 0) + (b[key] ?? 0);
    }
    const requests = addRequests(a.requests, b.requests);
    if (requests) sum.requests = requests;
    return sum;
}

const SIDES = ['source', 'target'] as const;

function addRequestCounts(a: RequestCounts | undefined, b: RequestCounts | undefined): RequestCounts | undefined {
    if (!a || !b) return a ?? b;
    return {
        reads: a.reads + b.reads,
        writes: a.writes + b.writes,
        retries: a.retries + b.retries,
        throttled: a.throttled + b.throttled,
        failed: a.failed + b.failed,
    };
}

/** Sums requests per environment; undefined when neither has any. */
export function addRequests(a: SideRequests | undefined, b: SideRequests | undefined): SideRequests | undefined {
    if (!a || !b) return a ?? b;
    const sum: SideRequests = {};
    for (const side of SIDES) {
        const counts = addRequestCounts(a[side], b[side]);
        if (counts) sum[side] = counts;
    }
    return sum;
}

/** Requests sent: every HTTP request, retries and 429s included (the reads and the writes). */
export function requestsSent(requests: SideRequests | undefined): number {
    let n = 0;
    for (const side of SIDES) n += (requests?.[side]?.reads ?? 0) + (requests?.[side]?.writes ?? 0);
    return n;
}

/** Counts with more requests added (a listing's, say); the same object when there are none. */
export function withRequests(counts: PhaseCounts, requests: SideRequests | undefined): PhaseCounts {
    if (!requests) return counts;
    const sum = addRequests(counts.requests, requests);
    return sum ? { ...counts, requests: sum } : counts;
}

export function sumCounts(list: readonly PhaseCounts[]): PhaseCounts {
    return list.reduce(addCounts, emptyCounts());
}

/** The invariant every phase keeps; a violation is a bug in the engine, reported as such. */
export function countsAddUp(counts: PhaseCounts): boolean {
    return counts.read === counts.written + counts.skipped + counts.failed && counts.unchanged <= counts.skipped;
}

/** The requests an activity without row counts sent (a listing, the plan): request-outcome.ts adds them. */
export function requestsOf(outcome: object): SideRequests | undefined {
    return (outcome as { requests?: SideRequests }).requests;
}
