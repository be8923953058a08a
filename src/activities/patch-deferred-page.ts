/**
 * The patchDeferredPage activity: the lookups that close a cycle (and the update-only columns of rows
 * created in this run) are patched once every tier is written, so their targets exist. Updates only
 * (UpdateMultiple, row by row where a chunk fails): a row that is not in the target fails here instead
 * of being created half-empty.
 */
import { targetWriteTable, writeOptions } from '../copy/writes.js';
import type { WriteResult } from '../dataverse/client-types.js';
import type { RunContext } from '../run/run-context.js';
import { readWork, workKinds } from '../run/work.js';
import type { ActivityOptions, PhasePageInput } from './contract.js';
import { MissingParents } from './missing-parents.js';
import { runPhasePage, settle, type PhasePageOutcome } from './phase-page.js';
import type { DeferredItem } from './work-items.js';

export function patchDeferredPage(
    ctx: RunContext,
    input: PhasePageInput,
    { signal }: ActivityOptions = {},
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    return runPhasePage<DeferredItem>(ctx, input, {
        phase: 'deferred',
        load: () => readWork<DeferredItem>(ctx, workKinds(input.kind).deferred, table.name, input.page),
        async apply(items, counts, failures) {
            const results = await ctx.target.updateMultiple(
                targetWriteTable(table),
                items.map((i) => i.row),
                writeOptions(ctx.plan, table, signal),
            );
            const parents = new MissingParents(ctx, table);
            const refused: Array<{ item: DeferredItem; result: WriteResult | undefined }> = [];
            settle(items, results, (i) => i.sourceId, counts, failures, {
                onFailed: (item, result) => refused.push({ item, result }),
            });
            for (const { item, result } of refused)
                failures.add(await parents.describe(item.sourceId, item.row, result));
        },
    });
}
