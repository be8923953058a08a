/**
 * The per-page activities of the later phases (deferred lookups, state, deletes) share one shape:
 * stop if a cancel was requested, read the page's work list, apply it, count every item as written,
 * unchanged or failed (failed rows to the error log), check the counts add up, log the page.
 */
import type { WriteResult } from '../dataverse/client-types.js';
import { isCancelRequested } from '../run/cancel.js';
import { appendEvent } from '../run/events.js';
import { FailureLog, type Phase } from '../run/failures.js';
import { countsAddUp, emptyCounts, type PhaseCounts } from '../run/outcomes.js';
import type { RunContext } from '../run/run-context.js';

export interface PhasePageOutcome {
    table: string;
    page: number;
    counts: PhaseCounts;
    cancelled?: boolean;
    ms: number;
}

/** Chunks of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += Math.max(1, size)) chunks.push(items.slice(i, i + Math.max(1, size)));
    return chunks;
}

/**
 * Counts one write result per item: an ok result with `unchangedStatus` (already as wanted: a 404 on
 * delete, a duplicate association) is unchanged, other ok results are written, the rest are failed rows
 * (logged as they are, or handed to `onFailed` to log with more detail); `onWritten` sees each written item.
 */
export function settle<T>(
    items: readonly T[],
    results: readonly WriteResult[],
    idOf: (item: T) => string,
    counts: PhaseCounts,
    failures: FailureLog,
    options: {
        unchangedStatus?: number;
        onWritten?: (item: T) => void;
        onFailed?: (item: T, result: WriteResult | undefined) => void;
    } = {},
): void {
    items.forEach((item, i) => {
        const result = results[i];
        if (result?.ok && options.unchangedStatus !== undefined && result.status === options.unchangedStatus) {
            counts.skipped++;
            counts.unchanged++;
        } else if (result?.ok) {
            counts.written++;
            options.onWritten?.(item);
        } else if (options.onFailed) options.onFailed(item, result);
        else failures.addResult(idOf(item), result ?? { index: i, ok: false, message: 'no result for this row' });
    });
}

export interface PhaseWork<T> {
    phase: Phase;
    load(): Promise<T[]>;
    /** Applies the items; records outcomes in `counts` (written, unchanged) and `failures`. */
    apply(items: T[], counts: PhaseCounts, failures: FailureLog): Promise<void>;
}

export async function runPhasePage<T>(
    ctx: RunContext,
    input: { table: string; page: number },
    work: PhaseWork<T>,
): Promise<PhasePageOutcome> {
    const started = Date.now();
    const table = ctx.table(input.table);
    const counts = emptyCounts();
    if (await isCancelRequested(ctx)) return { table: table.name, page: input.page, counts, cancelled: true, ms: 0 };
    const items = await work.load();
    counts.read = items.length;
    const failures = new FailureLog(ctx, table.name, work.phase);
    if (items.length > 0) await work.apply(items, counts, failures);
    counts.failed = failures.count;
    await failures.flush();
    const ms = Date.now() - started;
    if (!countsAddUp(counts))
        throw new Error(`internal error: ${work.phase} counts of ${table.name} page ${input.page} do not add up`);
    await appendEvent(ctx, { type: 'page', phase: work.phase, table: table.name, page: input.page, counts, ms });
    return { table: table.name, page: input.page, counts, ms };
}
