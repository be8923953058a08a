/**
 * The per-page activities of the later phases (deferred lookups, state, deletes) share one shape:
 * stop if a cancel was requested, read the page's work list, apply it (settle-writes.ts settles writes whose
 * answer was lost), count every item as written, unchanged or failed (failed rows to the error log), check the
 * counts add up, log the page.
 */
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
