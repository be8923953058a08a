/**
 * Row counts of a phase, the same shape for every phase so that they add up the same way:
 * read = written + skipped + failed, always. `unchanged` rows (already as the source wants them)
 * are part of `skipped`; so are rows skipped by a rule (outside the filter scope, a side of an
 * association that is not in the target).
 */
import { z } from 'zod';

const count = z.number().int().min(0);

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
    return sum;
}

export function sumCounts(list: readonly PhaseCounts[]): PhaseCounts {
    return list.reduce(addCounts, emptyCounts());
}

/** The invariant every phase keeps; a violation is a bug in the engine, reported as such. */
export function countsAddUp(counts: PhaseCounts): boolean {
    return counts.read === counts.written + counts.skipped + counts.failed && counts.unchanged <= counts.skipped;
}
