/**
 * The deletePage activity (`deleteMissing`): deletes the candidates findDeletes stored for one page, once
 * the orchestrator has checked the whole table against the safety share (children before parents). The rows
 * are read first: one already gone is unchanged. A delete whose answer was lost is settled by reading again: gone
 * means deleted by this run, still there means it is sent again.
 */
import { filterBudget, idFilters } from '../copy/addressing.js';
import { readFiltered } from '../copy/page-read.js';
import { writeSettled } from '../copy/settle-writes.js';
import { targetWriteTable, writeOptions } from '../copy/writes.js';
import type { RunContext } from '../run/run-context.js';
import { readWork } from '../run/work.js';
import type { ActivityOptions, DeletePageInput } from './contract.js';
import { runPhasePage, type PhasePageOutcome } from './phase-page.js';
import type { DeleteItem } from './work-items.js';

export function deletePage(
    ctx: RunContext,
    input: DeletePageInput,
    { signal }: ActivityOptions = {},
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    const pk = table.target.primaryId;
    /** The ids of these rows still in the target. */
    async function present(items: readonly DeleteItem[]): Promise<Set<string>> {
        const filters = idFilters(
            pk,
            items.map((i) => i.id),
            filterBudget([pk]),
        );
        const rows = await readFiltered(ctx.target, table.target.entitySetName, [pk], filters, { signal });
        return new Set(rows.map((r) => String(r[pk]).toLowerCase()));
    }
    return runPhasePage<DeleteItem>(ctx, input, {
        phase: 'delete',
        load: () => readWork<DeleteItem>(ctx, 'delete', table.name, input.page),
        async apply(items, counts, failures) {
            // Read first: a page deleted again (activities run at least once) finds its rows gone already.
            const there = await present(items);
            const pending = items.filter((i) => there.has(i.id.toLowerCase()));
            counts.skipped += items.length - pending.length;
            counts.unchanged += items.length - pending.length;
            const settled = await writeSettled(pending, {
                write: (batch) =>
                    ctx.target.deleteMultiple(
                        targetWriteTable(table),
                        batch.map((i) => i.id),
                        writeOptions(ctx.plan, table, signal),
                    ),
                recheck: async (batch) => {
                    const still = await present(batch);
                    return batch.map((item) => ({ item, then: still.has(item.id.toLowerCase()) ? 'write' : 'done' }));
                },
            });
            for (const s of settled) {
                // A row already gone is what the delete wanted.
                if (s.outcome === 'written') counts.written++;
                else if (s.outcome === 'unchanged') {
                    counts.skipped++;
                    counts.unchanged++;
                } else failures.add({ sourceId: s.item.id, ...s.failure });
            }
        },
    });
}
