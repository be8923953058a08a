/**
 * The tiers, parents before children: every table of a tier at once, each in its own sub-orchestration,
 * the next tier only after the last page of this one. The first tier's tables list their own pages in
 * chunks (copying while they walk); every later tier's listings run while the previous tier copies.
 */
import type { ListPagesOutcome } from '../../activities/list-pages.js';
import type { PlanRunOutcome } from '../../activities/plan-run.js';
import { addCounts } from '../../run/outcomes.js';
import { stopAfterPhase } from '../../run/stop-rules.js';
import { activity, allOf, child } from '../call.js';
import { OrchestratorName } from '../names.js';
import { failureLimits, pageBudget, showProgress, type RunState } from './state.js';

export function* tierPhase(run: RunState, plan: PlanRunOutcome) {
    const { context, runId } = run;
    const listed = new Map<string, ListPagesOutcome>();
    const listings = (tier: readonly string[] | undefined) =>
        (tier ?? []).map((table) => activity(context, 'listPages', { runId, table, mode: plan.tables[table]!.mode }));
    for (const [tierIndex, tier] of plan.tiers.entries()) {
        if (run.stop) break;
        showProgress(run, { phase: 'copy', tier: tierIndex + 1, tiers: plan.tiers.length });
        const copies = tier.map((table, index) => {
            const listing = listed.get(table);
            return child(
                context,
                OrchestratorName.tableCopy,
                { runId, table, mode: plan.tables[table]!.mode, ...(listing ? { listing } : {}), ...pageBudget(plan) },
                `${run.instanceId}:copy:${tierIndex}-${index}`,
            );
        });
        const [results, ahead] = yield* allOf(context, copies, listings(plan.tiers[tierIndex + 1]));
        for (const outcome of ahead) listed.set(outcome.table, outcome);
        for (const result of results) {
            run.copies.set(result.table, result);
            const summary = run.tables[result.table]!;
            summary.mode = result.mode;
            if (result.fallback) summary.fallback = result.fallback;
            summary.pages = result.pages;
            summary.copy = addCounts(summary.copy, result.counts);
            summary.ms = result.ms;
            summary.completed = !result.cancelled;
            summary.done.copy = !result.cancelled;
        }
        run.stop = stopAfterPhase(
            results.some((r) => r.cancelled),
            failureLimits(run, plan),
            run.tables,
            run.manyToMany,
        );
    }
}
