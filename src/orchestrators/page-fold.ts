/**
 * What a table's page activities add up to, however they were split over orchestrations: their row counts, whether
 * one saw the cancel request, and for the outcome fields a later phase needs (`deferredWork`, `candidates`) the
 * pages where the field is above 0 and its total. An orchestration folds its own pages' outcomes and merges the
 * folds its page batches return, with the same code, so the sums are the same whichever way a table went.
 */
import { addCounts, emptyCounts, withRequests, type PhaseCounts } from '../run/outcomes.js';

export interface PageFold {
    /** Page outcomes folded. */
    pages: number;
    counts: PhaseCounts;
    cancelled: boolean;
    /** Per marked field: the pages whose outcome has it above 0, in the order they were scheduled, and its sum. */
    marked: Record<string, { pages: number[]; total: number }>;
}

export function emptyFold(mark: readonly string[] = []): PageFold {
    return {
        pages: 0,
        counts: emptyCounts(),
        cancelled: false,
        marked: Object.fromEntries(mark.map((field) => [field, { pages: [], total: 0 }])),
    };
}

/** Folds the outcomes of `pages` (outcome i is page i's); a field an outcome lacks counts as 0. */
export function foldOutcomes(pages: readonly number[], outcomes: readonly unknown[], mark: readonly string[] = []) {
    const fold = emptyFold(mark);
    outcomes.forEach((outcome, i) => {
        const o = (outcome ?? {}) as Record<string, unknown>;
        fold.pages += 1;
        if (o.counts) fold.counts = addCounts(fold.counts, o.counts as PhaseCounts);
        // An outcome without row counts (finding deletes) still sent requests: they count in the fold.
        else if (o.requests) fold.counts = withRequests(fold.counts, o.requests);
        if (o.cancelled === true) fold.cancelled = true;
        for (const field of mark) {
            const value = typeof o[field] === 'number' ? o[field] : 0;
            if (value <= 0) continue;
            fold.marked[field]!.pages.push(pages[i]!);
            fold.marked[field]!.total += value;
        }
    });
    return fold;
}

/** Folds added up in order (their pages stay in the order the folds come). */
export function mergeFolds(folds: readonly PageFold[], mark: readonly string[] = []): PageFold {
    const merged = emptyFold(mark);
    for (const fold of folds) {
        merged.pages += fold.pages;
        merged.counts = addCounts(merged.counts, fold.counts);
        merged.cancelled ||= fold.cancelled;
        for (const field of mark) {
            const part = fold.marked[field];
            if (!part) continue;
            merged.marked[field]!.pages.push(...part.pages);
            merged.marked[field]!.total += part.total;
        }
    }
    return merged;
}

/** The pages of a marked field, and its total (empty and 0 for a field not marked). */
export function marked(fold: PageFold, field: string): { pages: number[]; total: number } {
    return fold.marked[field] ?? { pages: [], total: 0 };
}
