/**
 * The deferred-lookup phase, per page: the lookups that close a cycle (and the update-only columns of
 * rows created in this run) are patched once every tier is written, so their targets exist. Updates
 * only (UpdateMultiple, row by row where a chunk fails): a row that is not in the target fails here
 * instead of being created half-empty.
 */
import { isCancelRequested } from './cancel.js';
import { workKinds, type DeferredItem } from './copy-page.js';
import { appendEvent } from './events.js';
import { FailureLog } from './failures.js';
import { countsAddUp, emptyCounts } from './outcomes.js';
import type { PhasePageInput, PhasePageOutcome } from './phase-page.js';
import type { RunContext } from './run-context.js';
import { readWork } from './work.js';

export async function patchDeferredPage(
    ctx: RunContext,
    input: PhasePageInput,
    signal?: AbortSignal,
): Promise<PhasePageOutcome> {
    const started = Date.now();
    const table = ctx.table(input.table);
    const counts = emptyCounts();
    if (await isCancelRequested(ctx)) return { table: table.name, page: input.page, counts, cancelled: true, ms: 0 };
    const items = await readWork<DeferredItem>(ctx, workKinds(input.kind).deferred, table.name, input.page);
    counts.read = items.length;
    const failures = new FailureLog(ctx, table.name, 'deferred');
    if (items.length > 0) {
        const results = await ctx.target.updateMultiple(
            {
                logicalName: table.target.logicalName,
                entitySetName: table.target.entitySetName,
                primaryIdAttribute: table.target.primaryId,
            },
            items.map((i) => i.row),
            {
                batchSize: ctx.plan.options.writeBatchSize,
                ...(table.bypass ? { bypass: table.bypass } : {}),
                ...(signal ? { signal } : {}),
            },
        );
        items.forEach((item, i) => {
            const result = results[i];
            if (result?.ok) counts.written++;
            else
                failures.addResult(item.sourceId, result ?? { index: i, ok: false, message: 'no result for this row' });
        });
    }
    counts.failed = failures.count;
    await failures.flush();
    const ms = Date.now() - started;
    if (!countsAddUp(counts)) throw new Error(`internal error: deferred counts of ${table.name} do not add up`);
    await appendEvent(ctx, { type: 'page', phase: 'deferred', table: table.name, page: input.page, counts, ms });
    return { table: table.name, page: input.page, counts, ms };
}
