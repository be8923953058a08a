/**
 * The patchDeferredPage activity: the lookups that close a cycle (and the update-only columns of rows
 * created in this run) are patched once every tier is written, so their targets exist. The rows are read
 * first and only what they do not hold yet is written (a page patched again changes nothing); updates only
 * (UpdateMultiple, row by row where a chunk fails): a row that is not in the target fails here instead
 * of being created half-empty. A patch whose answer was lost is settled by reading the row again.
 */
import { readPatchedRows, remainingPatch, type DeferredPatch } from '../copy/deferred-patch.js';
import { writeSettled } from '../copy/settle-writes.js';
import { targetWriteTable, writeOptions } from '../copy/writes.js';
import type { RunContext } from '../run/run-context.js';
import { readWork, workKinds } from '../run/work.js';
import type { ActivityOptions, PhasePageInput } from './contract.js';
import { MissingParents } from './missing-parents.js';
import { runPhasePage, type PhasePageOutcome } from './phase-page.js';
import type { DeferredItem } from './work-items.js';

export function patchDeferredPage(
    ctx: RunContext,
    input: PhasePageInput,
    { signal }: ActivityOptions = {},
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    /** Each item with only what its row lacks now; undefined for a row that holds it all. */
    async function remaining(items: readonly DeferredItem[]): Promise<Array<DeferredItem | undefined>> {
        const readable = items.filter((i): i is DeferredItem & DeferredPatch => i.address !== undefined);
        const targets = await readPatchedRows(ctx.target, table, readable, { signal });
        return items.map((item) => {
            if (!item.address) return item; // a list without addresses (an older run): sent as it is
            const row = remainingPatch(table, { address: item.address, row: item.row }, targets);
            return row ? { ...item, row } : undefined;
        });
    }
    return runPhasePage<DeferredItem>(ctx, input, {
        phase: 'deferred',
        load: () => readWork<DeferredItem>(ctx, workKinds(input.kind).deferred, table.name, input.page),
        async apply(items, counts, failures) {
            const now = await remaining(items);
            const pending = now.filter((i): i is DeferredItem => i !== undefined);
            counts.skipped += items.length - pending.length;
            counts.unchanged += items.length - pending.length;
            const settled = await writeSettled(pending, {
                write: (batch) =>
                    ctx.target.updateMultiple(
                        targetWriteTable(table),
                        batch.map((i) => i.row),
                        writeOptions(ctx.plan, table, signal),
                    ),
                recheck: async (batch) =>
                    (await remaining(batch)).map((item, i) =>
                        item ? { item, then: 'write' as const } : { item: batch[i]!, then: 'done' as const },
                    ),
            });
            const parents = new MissingParents(ctx, table);
            for (const s of settled) {
                if (s.outcome === 'written') counts.written++;
                else if (s.outcome === 'unchanged') {
                    counts.skipped++;
                    counts.unchanged++;
                } else
                    failures.add(
                        await parents.describe(s.item.sourceId, s.item.row, { index: 0, ok: false, ...s.failure }),
                    );
            }
        },
    });
}
