/**
 * The delete phase (`deleteMissing`): find every table's candidates and every relationship's pairs the source no
 * longer has first, refuse the whole phase when a table or relationship would lose more than the safety share
 * (nothing deleted, every one named), otherwise disassociate the pairs, then delete the rows table by table,
 * children before parents, in the plan's delete order.
 */
import type { PlanRunOutcome } from '../../activities/plan-run.js';
import { addCounts, emptyCounts } from '../../run/outcomes.js';
import { CANCELLED, deleteRefusals, refusedDeletesStop, stopAfterPhase } from '../../run/stop-rules.js';
import { activity, all, child, one } from '../call.js';
import type { TablePhaseInput } from '../contracts.js';
import { OrchestratorName } from '../names.js';
import { failureLimits, logEvent, pageBudget, showProgress, type RunState } from './state.js';

/**
 * One sub-orchestration per table of a delete step; tables without a copy result have no work. Each table keeps its
 * index in the delete order in its instance id (`<run>:delete:<index>`), so the tables deleted one after another
 * never share an id (nor do their page batches), and a resume finds each one's own journal.
 */
function* tablePhases(
    run: RunState,
    plan: PlanRunOutcome,
    tables: ReadonlyArray<readonly [table: string, index: number]>,
    step: (table: string) => Omit<TablePhaseInput, 'runId' | 'table' | 'kind'>,
) {
    const tasks = tables.flatMap(([table, index]) => {
        const copy = run.copies.get(table);
        if (!copy) return [];
        const input: TablePhaseInput = {
            runId: run.runId,
            table,
            kind: copy.kind,
            ...step(table),
            ...pageBudget(plan),
        };
        return [child(run.context, OrchestratorName.tablePhase, input, `${run.instanceId}:${input.phase}:${index}`)];
    });
    return yield* all(run.context, tasks);
}

export function* deletePhase(run: RunState, plan: PlanRunOutcome) {
    const deleting = plan.deletes.filter((t) => run.copies.get(t) && run.tables[t]?.completed);
    // Relationships with deleteMissing whose associations ran: their pairs the source no longer has.
    const unlinking = (plan.disassociations ?? []).filter((r) => run.manyToMany[r] !== undefined);
    if (deleting.length === 0 && unlinking.length === 0) return;
    showProgress(run, { phase: 'deletes' });
    yield* logEvent(run, { type: 'phase', phase: 'deletes', tables: deleting, relationships: unlinking });
    const fromDelta = (t: string) => run.copies.get(t)?.kind === 'delta' && plan.tables[t]?.matchById === true;
    const pairs = yield* all(
        run.context,
        unlinking.map((relationship) =>
            activity(run.context, 'findDisassociations', { runId: run.runId, relationship }),
        ),
    );
    const found = yield* tablePhases(
        run,
        plan,
        [...deleting.entries()].map(([i, t]) => [t, i] as const),
        (t) => ({
            phase: 'find-deletes',
            pages: [],
            deleteSource: fromDelta(t) ? 'delta' : 'range',
            deletedPages: run.copies.get(t)?.deletedPages ?? 0,
        }),
    );
    for (const f of found) {
        const summary = run.tables[f.table]!;
        summary.done.findDeletes = !f.cancelled;
        // Finding the candidates sent requests (the target's listing, reads by id): they count in the delete phase.
        summary.delete = addCounts(summary.delete, f.counts);
    }
    if (found.some((f) => f.cancelled)) {
        run.stop = CANCELLED;
        return;
    }
    // Pairs are held to the same safety share as rows: a relationship is refused like a table.
    const share = plan.options.maxDeleteShare;
    const refusals = deleteRefusals(
        [
            ...pairs.map((p) => ({ table: p.relationship, wouldDelete: p.wouldDelete, targetRows: p.targetRows })),
            ...found.map((f) => ({ table: f.table, wouldDelete: f.wouldDelete ?? 0, targetRows: f.targetRows ?? 0 })),
        ],
        share,
    );
    // Refused: nothing is deleted, so no table's delete phase finishes (raising the share must find them again).
    if (refusals.length > 0) {
        run.refusedDeletes = refusals;
        run.stop = refusedDeletesStop(refusals, share);
        yield* logEvent(run, { type: 'stopped', phase: 'deletes', message: run.stop.reason });
        return;
    }
    // Pairs first: deleting a row removes its pairs anyway, and a pair never blocks a row delete.
    for (const found of pairs) {
        if (found.wouldDelete === 0) continue;
        const result = yield* one(
            activity(run.context, 'disassociatePairs', { runId: run.runId, relationship: found.relationship }),
        );
        run.disassociated[found.relationship] = addCounts(
            run.disassociated[found.relationship] ?? emptyCounts(),
            result.counts,
        );
        run.stop = stopAfterPhase(
            result.cancelled === true,
            failureLimits(run, plan),
            run.tables,
            run.manyToMany,
            run.disassociated,
        );
        if (run.stop) return;
    }
    const byTable = new Map(found.map((f) => [f.table, f]));
    for (const [index, table] of deleting.entries()) {
        const pages = byTable.get(table)?.pagesWithWork ?? [];
        const summary = run.tables[table]!;
        if (pages.length === 0) {
            summary.done.delete = true; // nothing to delete
            continue;
        }
        const [result] = yield* tablePhases(run, plan, [[table, index]], () => ({ phase: 'delete', pages }));
        if (result) {
            summary.delete = addCounts(summary.delete, result.counts);
            summary.done.delete = !result.cancelled;
        }
        run.stop = stopAfterPhase(
            result?.cancelled === true,
            failureLimits(run, plan),
            run.tables,
            run.manyToMany,
            run.disassociated,
        );
        if (run.stop) break;
    }
}
