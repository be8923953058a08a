/**
 * The deletePage activity (`deleteMissing`): deletes the candidates findDeletes stored for one page, once
 * the orchestrator has checked the whole table against the safety share (children before parents).
 */
import { targetWriteTable, writeOptions } from '../copy/writes.js';
import type { RunContext } from '../run/run-context.js';
import { readWork } from '../run/work.js';
import type { ActivityOptions, DeletePageInput } from './contract.js';
import { runPhasePage, settle, type PhasePageOutcome } from './phase-page.js';
import type { DeleteItem } from './work-items.js';

export function deletePage(
    ctx: RunContext,
    input: DeletePageInput,
    { signal }: ActivityOptions = {},
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    return runPhasePage<DeleteItem>(ctx, input, {
        phase: 'delete',
        load: () => readWork<DeleteItem>(ctx, 'delete', table.name, input.page),
        async apply(items, counts, failures) {
            const results = await ctx.target.deleteMultiple(
                targetWriteTable(table),
                items.map((i) => i.id),
                writeOptions(ctx.plan, table, signal),
            );
            // A row already gone is what the delete wanted.
            settle(items, results, (i) => i.id, counts, failures, { unchangedStatus: 404 });
        },
    });
}
