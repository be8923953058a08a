/**
 * The patchDeferredPage activity: the lookups that close a cycle (and the update-only columns of rows
 * created in this run) are patched once every tier is written, so their targets exist. Updates only
 * (UpdateMultiple, row by row where a chunk fails): a row that is not in the target fails here instead
 * of being created half-empty. An update is idempotent, so one whose answer was lost is simply sent again
 * (settle-writes.ts bounds how often); it counts once, as written.
 */
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
    return runPhasePage<DeferredItem>(ctx, input, {
        phase: 'deferred',
        load: () => readWork<DeferredItem>(ctx, workKinds(input.kind).deferred, table.name, input.page),
        async apply(items, counts, failures) {
            const settled = await writeSettled(items, {
                write: (batch) =>
                    ctx.target.updateMultiple(
                        targetWriteTable(table),
                        batch.map((i) => i.row),
                        writeOptions(ctx.plan, table, signal),
                    ),
                recheck: (batch) => Promise.resolve(batch.map((item) => ({ item, then: 'write' as const }))),
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
