/**
 * What the run orchestrator keeps while it runs: the plan's descriptor, the summary of every table and
 * relationship so far, each table's copy result (the later phases need its pages), and why it stopped,
 * if it did. The phases (plan, tiers, follow-up, deletes, finish) each take and update this one value.
 */
import type { OrchestrationContext } from 'durable-functions';
import type { PlanRunOutcome } from '../../activities/plan-run.js';
import type { PhaseCounts } from '../../run/outcomes.js';
import type { Stop } from '../../run/stop-rules.js';
import { failedRows, type DeleteRefusal, type TableSummary } from '../../run/summary.js';
import { activity, one } from '../call.js';
import type { RunInput, RunProgress, TableCopyResult } from '../contracts.js';

export interface RunState {
    context: OrchestrationContext;
    input: RunInput;
    runId: string;
    /** The orchestration's own instance id: children's ids derive from it (deterministic on replay). */
    instanceId: string;
    startedAt: Date;
    plan?: PlanRunOutcome;
    tables: Record<string, TableSummary>;
    manyToMany: Record<string, PhaseCounts>;
    /** Relationships with deleteMissing: their disassociations. */
    disassociated: Record<string, PhaseCounts>;
    copies: Map<string, TableCopyResult>;
    stop?: Stop;
    refusedDeletes?: DeleteRefusal[];
}

export function newRunState(context: OrchestrationContext): RunState {
    const input = context.df.getInput<RunInput>();
    return {
        context,
        input,
        runId: input.runId,
        instanceId: context.df.instanceId,
        startedAt: context.df.currentUtcDateTime,
        tables: {},
        manyToMany: {},
        disassociated: {},
        copies: new Map(),
    };
}

/** The run's failure thresholds, and the failed rows it had reported before a continuation. */
export function failureLimits(run: RunState, plan: PlanRunOutcome) {
    return { ...plan.options, acknowledgedFailedRows: run.input.acknowledgedFailedRows ?? 0 };
}

/** The page budget of the table and relationship orchestrations, as planned (absent in runs planned before it). */
export function pageBudget(plan: PlanRunOutcome): { pagesPerOrchestration?: number } {
    const limit = plan.options.pagesPerOrchestration;
    return limit !== undefined ? { pagesPerOrchestration: limit } : {};
}

/** Custom status is limited to 16 KB on Azure Storage: per-table detail only while it fits. */
export function showProgress(run: RunState, update: Omit<RunProgress, 'runId'>): void {
    const status: RunProgress = { runId: run.runId, ...update, failedRows: failedRows(run.tables, run.manyToMany) };
    const detail: RunProgress['tables'] = {};
    for (const [name, t] of Object.entries(run.tables))
        detail[name] = { read: t.copy.read, written: t.copy.written, failed: t.copy.failed, pages: t.pages };
    const withTables = { ...status, tables: detail };
    run.context.df.setCustomStatus(JSON.stringify(withTables).length <= 12_000 ? withTables : status);
}

/** One line in the run's events log. */
export function* logEvent(
    run: RunState,
    event: { type: 'phase' | 'cancelled' | 'stopped' | 'warning' } & Record<string, unknown>,
) {
    yield* one(activity(run.context, 'logEvent', { runId: run.runId, event }));
}
