/**
 * The run orchestrator. The order matters on real Dataverse: plan (and reference matches); the tiers
 * in order, every table of a tier at once, each table's pages at once, the next tier only after the
 * last page of the previous one; then the deferred lookups, the states, the many-to-many rows, the
 * deletes (checked against the safety share before the first one); then the summary. It stops
 * cleanly at a tier or phase boundary when the failure threshold is passed or a cancel was requested,
 * and writes the summary whatever happens. Deterministic: only SDK tasks and currentUtcDateTime;
 * child instance ids are derived from its own.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { addCounts as add, emptyCounts, type PhaseCounts } from '../run/outcomes.js';
import type { ListPagesOutcome } from '../activities/list-pages.js';
import type { PlanRunOutcome } from '../activities/plan-run.js';
import {
    emptyTableSummary,
    failedRows,
    type DeleteRefusal,
    type RunSummary,
    type TableSummary,
} from '../run/summary.js';
import type { RunStatus } from '../runlog/types.js';
import type {
    RelationshipCopyResult,
    RunInput,
    RunProgress,
    TableCopyInput,
    TableCopyResult,
    TableFollowUpInput,
    TableFollowUpResult,
    TablePhaseInput,
    TablePhaseName,
    TablePhaseResult,
} from './contracts.js';
import { ActivityName, OrchestratorName } from './names.js';
import { activityRetry } from './retry.js';

interface Stop {
    status: RunStatus;
    reason: string;
}

const ZERO: PhaseCounts = emptyCounts();

function percent(share: number): string {
    return `${Math.round(share * 1000) / 10}%`;
}

export const migrationRun: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<RunInput>();
    const { runId } = input;
    const retry = activityRetry();
    const id = context.df.instanceId;
    const startedAt = context.df.currentUtcDateTime;
    const tables: Record<string, TableSummary> = {};
    const manyToMany: Record<string, PhaseCounts> = {};
    const copies = new Map<string, TableCopyResult>();
    let plan: PlanRunOutcome | undefined;
    let stop: Stop | undefined;
    let refusedDeletes: DeleteRefusal[] | undefined;

    /** Custom status is limited to 16 KB on Azure Storage: per-table detail only while it fits. */
    const progress = (update: Omit<RunProgress, 'runId'>): void => {
        const status: RunProgress = { runId, ...update, failedRows: failedRows(tables, manyToMany) };
        const detail: RunProgress['tables'] = {};
        for (const [name, t] of Object.entries(tables))
            detail[name] = { read: t.copy.read, written: t.copy.written, failed: t.copy.failed, pages: t.pages };
        const withTables = { ...status, tables: detail };
        context.df.setCustomStatus(JSON.stringify(withTables).length <= 12_000 ? withTables : status);
    };
    const logEvent = (event: Record<string, unknown>): Task =>
        context.df.callActivityWithRetry(ActivityName.logEvent, retry, { runId, event });

    /** Stops after a tier or phase when a cancel came in or failures passed the spec's threshold. */
    const checkStop = (cancelled: boolean): Stop | undefined => {
        if (cancelled) return { status: 'cancelled', reason: 'cancelled on request: stopped at a page boundary' };
        const options = plan!.options;
        const failed = failedRows(tables, manyToMany);
        if (options.maxFailedRows !== undefined && failed > options.maxFailedRows)
            return {
                status: 'failed',
                reason: `stopped: ${failed} failed rows, more than maxFailedRows ${options.maxFailedRows}`,
            };
        const read = Object.values(tables).reduce((n, t) => n + t.copy.read, 0);
        if (options.maxFailureRatio !== undefined && read > 0 && failed / read > options.maxFailureRatio)
            return {
                status: 'failed',
                reason: `stopped: ${failed} of ${read} rows failed (${percent(failed / read)}), more than maxFailureRatio ${percent(options.maxFailureRatio)}`,
            };
        return undefined;
    };

    /** One sub-orchestration per table of a later phase; `pagesOf` says which tables have work. */
    function* tablePhases(
        phase: TablePhaseName,
        names: readonly string[],
        pagesOf: (table: string) => number[],
        extra: (table: string) => Partial<TablePhaseInput> = () => ({}),
    ): Generator<Task, TablePhaseResult[], unknown> {
        const tasks: Task[] = [];
        names.forEach((table, index) => {
            const copy = copies.get(table);
            if (!copy) return;
            const pages = pagesOf(table);
            if (phase !== 'find-deletes' && pages.length === 0) return;
            const phaseInput: TablePhaseInput = { runId, table, phase, kind: copy.kind, pages, ...extra(table) };
            tasks.push(
                context.df.callSubOrchestrator(OrchestratorName.tablePhase, phaseInput, `${id}:${phase}:${index}`),
            );
        });
        if (tasks.length === 0) return [];
        return (yield context.df.Task.all(tasks)) as TablePhaseResult[];
    }

    try {
        progress({ phase: 'plan' });
        plan = (yield context.df.callActivityWithRetry(ActivityName.planRun, retry, {
            runId,
            spec: input.spec,
            trigger: input.trigger,
            startedAt: startedAt.toISOString(),
        })) as PlanRunOutcome;
        if (plan.problems.length > 0) {
            stop = { status: 'invalid', reason: `the plan has ${plan.problems.length} problems: nothing was written` };
        }
        for (const [name, planned] of Object.entries(plan.tables)) {
            tables[name] = emptyTableSummary(planned.mode);
            tables[name].copy = { ...ZERO, created: 0, updated: 0, cleared: 0 };
        }

        // Tiers: parents before children. The first tier's tables list their own pages in chunks (copying
        // while they walk); every later tier's listings run while the previous tier copies.
        const listed = new Map<string, ListPagesOutcome>();
        const listings = (tier: readonly string[] | undefined): Task[] =>
            (tier ?? []).map((table) =>
                context.df.callActivityWithRetry(ActivityName.listPages, retry, {
                    runId,
                    table,
                    mode: plan!.tables[table]!.mode,
                }),
            );
        const keep = (outcomes: readonly ListPagesOutcome[]): void => {
            for (const outcome of outcomes) listed.set(outcome.table, outcome);
        };
        for (const [tierIndex, tier] of plan.tiers.entries()) {
            if (stop) break;
            progress({ phase: 'copy', tier: tierIndex + 1, tiers: plan.tiers.length });
            const tierCopies = tier.map((table, index) => {
                const listing = listed.get(table);
                const tableInput: TableCopyInput = {
                    runId,
                    table,
                    mode: plan!.tables[table]!.mode,
                    ...(listing ? { listing } : {}),
                };
                return context.df.callSubOrchestrator(
                    OrchestratorName.tableCopy,
                    tableInput,
                    `${id}:copy:${tierIndex}-${index}`,
                );
            });
            const ahead = listings(plan.tiers[tierIndex + 1]);
            const all = [...tierCopies, ...ahead];
            const done = (all.length > 0 ? yield context.df.Task.all(all) : []) as unknown[];
            const results = done.slice(0, tierCopies.length) as TableCopyResult[];
            keep(done.slice(tierCopies.length) as ListPagesOutcome[]);
            for (const result of results) {
                copies.set(result.table, result);
                const summary = tables[result.table]!;
                summary.mode = result.mode;
                if (result.fallback) summary.fallback = result.fallback;
                summary.pages = result.pages;
                summary.copy = add(summary.copy, result.counts);
                summary.ms = result.ms;
                summary.completed = !result.cancelled;
            }
            stop = checkStop(results.some((r) => r.cancelled));
        }

        // Follow-up: per table its deferred lookups then its states, all tables and the many-to-many
        // relationships side by side (associations change no row, so they need not wait).
        const followUps = Object.keys(tables).filter(
            (t) => (copies.get(t)?.deferredPages.length ?? 0) + (copies.get(t)?.statePages.length ?? 0) > 0,
        );
        if (!stop && (followUps.length > 0 || plan.manyToMany.length > 0)) {
            progress({ phase: 'follow-up' });
            yield logEvent({ type: 'phase', phase: 'follow-up', tables: followUps, relationships: plan.manyToMany });
            const tableTasks = followUps.map((table, index) => {
                const copy = copies.get(table)!;
                const followInput: TableFollowUpInput = {
                    runId,
                    table,
                    kind: copy.kind,
                    deferredPages: copy.deferredPages,
                    statePages: copy.statePages,
                };
                return context.df.callSubOrchestrator(
                    OrchestratorName.tableFollowUp,
                    followInput,
                    `${id}:follow:${index}`,
                );
            });
            const relationshipTasks = plan.manyToMany.map((relationship, index) =>
                context.df.callSubOrchestrator(
                    OrchestratorName.relationshipCopy,
                    { runId, relationship },
                    `${id}:m2m:${index}`,
                ),
            );
            const done = (yield context.df.Task.all([...tableTasks, ...relationshipTasks])) as unknown[];
            const tableResults = done.slice(0, tableTasks.length) as TableFollowUpResult[];
            const relationshipResults = done.slice(tableTasks.length) as RelationshipCopyResult[];
            for (const result of tableResults) {
                const summary = tables[result.table]!;
                summary.deferred = add(summary.deferred, result.deferred);
                summary.state = add(summary.state, result.state);
            }
            for (const result of relationshipResults) manyToMany[result.relationship] = result.counts;
            stop = checkStop([...tableResults, ...relationshipResults].some((r) => r.cancelled));
        }

        const deleting = plan.deletes.filter((t) => copies.get(t) && tables[t]?.completed);
        if (!stop && deleting.length > 0) {
            progress({ phase: 'deletes' });
            yield logEvent({ type: 'phase', phase: 'deletes', tables: deleting });
            const deltaDeletes = (t: string) => copies.get(t)?.kind === 'delta' && plan!.tables[t]?.matchById === true;
            const found = yield* tablePhases(
                'find-deletes',
                deleting,
                () => [],
                (t) => ({
                    deleteSource: deltaDeletes(t) ? 'delta' : 'range',
                    deletedPages: copies.get(t)?.deletedPages ?? 0,
                }),
            );
            const share = plan.options.maxDeleteShare;
            const refusals = found
                .filter((f) => (f.wouldDelete ?? 0) > 0 && (f.wouldDelete ?? 0) > share * (f.targetRows ?? 0))
                .map((f) => ({
                    table: f.table,
                    wouldDelete: f.wouldDelete ?? 0,
                    targetRows: f.targetRows ?? 0,
                    maxShare: share,
                }));
            if (found.some((f) => f.cancelled)) stop = checkStop(true);
            else if (refusals.length > 0) {
                refusedDeletes = refusals;
                const detail = refusals
                    .map(
                        (r) =>
                            `${r.table} would lose ${r.wouldDelete} of ${r.targetRows} rows (${percent(r.wouldDelete / Math.max(1, r.targetRows))})`,
                    )
                    .join('; ');
                stop = {
                    status: 'failed',
                    reason: `refused to delete: ${detail}, more than maxDeleteShare ${percent(share)}; nothing was deleted (raise options.maxDeleteShare to allow it)`,
                };
                yield logEvent({ type: 'stopped', phase: 'deletes', message: stop.reason });
            } else {
                // Children before parents: one table at a time, in the plan's delete order.
                const byTable = new Map(found.map((f) => [f.table, f]));
                for (const table of deleting) {
                    const pages = byTable.get(table)?.pagesWithWork ?? [];
                    if (pages.length === 0) continue;
                    const [result] = yield* tablePhases('delete', [table], () => pages);
                    if (result) tables[table]!.delete = add(tables[table]!.delete, result.counts);
                    stop = checkStop(result?.cancelled === true);
                    if (stop) break;
                }
            }
        }
        if (stop?.status === 'cancelled') yield logEvent({ type: 'cancelled', message: stop.reason });
    } catch (error) {
        // An activity that failed after its retries (or a bug): the run is failed, the summary still written.
        stop = {
            status: 'failed',
            reason: `the run failed: ${error instanceof Error ? error.message : String(error)}`,
        };
    }

    progress({ phase: 'finish' });
    const finishedAt = context.df.currentUtcDateTime;
    let total: PhaseCounts = { ...ZERO };
    for (const t of Object.values(tables)) total = add(total, t.copy);
    const failed = failedRows(tables, manyToMany);
    const status: RunStatus = stop?.status ?? (failed > 0 ? 'failed' : 'succeeded');
    const summary: Omit<RunSummary, 'log'> = {
        runId,
        spec: plan?.spec ?? 'unknown',
        status,
        ...(stop ? { reason: stop.reason } : failed > 0 ? { reason: `${failed} rows failed; see the errors log` } : {}),
        trigger: input.trigger,
        source: plan?.source ?? '',
        target: plan?.target ?? '',
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        tables,
        manyToMany,
        totals: { read: total.read, written: total.written, skipped: total.skipped, failed },
        ...(refusedDeletes ? { refusedDeletes } : {}),
        ...(plan && plan.problems.length > 0 ? { problems: plan.problems } : {}),
        ...(plan ? { warnings: plan.warnings } : {}),
    };
    return (yield context.df.callActivityWithRetry(ActivityName.finishRun, retry, summary)) as RunSummary;
};
