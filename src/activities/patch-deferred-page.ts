/**
 * The deferred-lookup phase, per page: the lookups that close a cycle (and the update-only columns of
 * rows created in this run) are patched once every tier is written, so their targets exist. Updates
 * only (UpdateMultiple, row by row where a chunk fails): a row that is not in the target fails here
 * instead of being created half-empty.
 */
import { workKinds, type DeferredItem } from './copy-page.js';
import {
    runPhasePage,
    settle,
    targetWriteTable,
    writeOptions,
    type PhasePageInput,
    type PhasePageOutcome,
} from './phase-page.js';
import type { RunContext } from '../run/run-context.js';
import { readWork } from '../run/work.js';

export function patchDeferredPage(
    ctx: RunContext,
    input: PhasePageInput,
    signal?: AbortSignal,
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    return runPhasePage<DeferredItem>(ctx, input, {
        phase: 'deferred',
        load: () => readWork<DeferredItem>(ctx, workKinds(input.kind).deferred, table.name, input.page),
        async apply(items, counts, failures) {
            const results = await ctx.target.updateMultiple(
                targetWriteTable(table),
                items.map((i) => i.row),
                writeOptions(ctx, table, signal),
            );
            settle(items, results, (i) => i.sourceId, counts, failures);
        },
    });
}
