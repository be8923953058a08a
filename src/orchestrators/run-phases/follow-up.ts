/**
 * Follow-up after the tiers: per table its deferred lookups then its states, all tables and the
 * many-to-many relationships side by side (associations change no row, so they need not wait).
 */
import type { PlanRunOutcome } from '../../activities/plan-run.js';
import { addCounts, emptyCounts } from '../../run/outcomes.js';
import { stopAfterPhase } from '../../run/stop-rules.js';
import { allOf, child } from '../call.js';
import { OrchestratorName } from '../names.js';
import { failureLimits, logEvent, pageBudget, showProgress, type RunState } from './state.js';

export function* followUpPhase(run: RunState, plan: PlanRunOutcome) {
    const { context, runId } = run;
    const followUps = Object.keys(run.tables).filter(
        (t) =>
            (run.copies.get(t)?.deferredPages.length ?? 0) +
                (run.copies.get(t)?.statePages.length ?? 0) +
                (run.copies.get(t)?.contentPages?.length ?? 0) >
            0,
    );
    // Reached: a copied table with no deferred lookups or states to set has finished both phases.
    for (const [table, summary] of Object.entries(run.tables))
        if (summary.done.copy && !followUps.includes(table)) {
            summary.done.deferred = summary.done.state = true;
            if (summary.done.content !== undefined) summary.done.content = true;
        }
    if (followUps.length === 0 && plan.manyToMany.length === 0) return;
    showProgress(run, { phase: 'follow-up' });
    yield* logEvent(run, { type: 'phase', phase: 'follow-up', tables: followUps, relationships: plan.manyToMany });
    const tables = followUps.map((table, index) => {
        const copy = run.copies.get(table)!;
        return child(
            context,
            OrchestratorName.tableFollowUp,
            {
                runId,
                table,
                kind: copy.kind,
                deferredPages: copy.deferredPages,
                statePages: copy.statePages,
                ...(copy.contentPages?.length ? { contentPages: copy.contentPages } : {}),
                ...pageBudget(plan),
            },
            `${run.instanceId}:follow:${index}`,
        );
    });
    const relationships = plan.manyToMany.map((relationship, index) =>
        child(
            context,
            OrchestratorName.relationshipCopy,
            { runId, relationship, ...pageBudget(plan) },
            `${run.instanceId}:m2m:${index}`,
        ),
    );
    const [tableResults, relationshipResults] = yield* allOf(context, tables, relationships);
    for (const result of tableResults) {
        const summary = run.tables[result.table]!;
        summary.deferred = addCounts(summary.deferred, result.deferred);
        summary.state = addCounts(summary.state, result.state);
        summary.done.deferred = result.done?.deferred ?? false;
        summary.done.state = result.done?.state ?? false;
        if (result.content) summary.content = addCounts(summary.content ?? emptyCounts(), result.content);
        if (summary.done.content !== undefined) summary.done.content = result.done?.content ?? true;
    }
    for (const result of relationshipResults) run.manyToMany[result.relationship] = result.counts;
    const relationshipDone = new Map(
        relationshipResults.map((r) => [r.relationship, !r.cancelled && r.counts.failed === 0]),
    );
    for (const [table, planned] of Object.entries(plan.tables))
        if (planned.relationships && run.tables[table])
            run.tables[table].done.manyToMany = planned.relationships.every((r) => relationshipDone.get(r) === true);
    run.stop = stopAfterPhase(
        [...tableResults, ...relationshipResults].some((r) => r.cancelled),
        failureLimits(run, plan),
        run.tables,
        run.manyToMany,
    );
}
