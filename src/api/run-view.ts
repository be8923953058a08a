/**
 * GET /api/migrations/{id}: one run as scripts poll it. Status, phase, current tier and per-table counts come from
 * the orchestration's custom status while it runs, and from the summary once it has finished (the summary also
 * answers after the Durable history is purged). A cancel that was asked for but not reached yet shows as
 * `cancelRequested`. Planned totals (pages and rows per table, from the run's listings) let a client show a percentage.
 */
import { z } from 'zod';
import type { CancelRequest } from '../run/cancel.js';
import { plannedTotals, type PlannedTotals } from '../run/planned.js';
import { isRunId } from '../run/run-id.js';
import type { SideRequests } from '../run/outcomes.js';
import { tableRequests, type RunSummary } from '../run/summary.js';
import type { RunInput, RunProgress } from '../orchestrators/contracts.js';
import { runPaths } from '../runlog/layout.js';
import { runState, type RunState, type RunStateInfo } from '../schedule/index.js';
import { badRequest, notFound } from './errors.js';
import { runLinks, type RunLinks } from './links.js';
import { isRecord } from './spec-input.js';
import type { ApiDeps, ApiRequest } from './types.js';

export interface TableProgress {
    read: number;
    written: number;
    failed: number;
    pages: number;
    /** Once finished: the requests the table's phases sent to each environment. */
    requests?: SideRequests;
}

export interface RunView extends RunLinks {
    id: string;
    spec?: string;
    trigger?: string;
    /** Who asked for the run, when a caller of the API did. */
    requestedBy?: string;
    status: RunState;
    /** The orchestration's runtime status, while the host still has the instance. */
    runtimeStatus?: string;
    cancelRequested?: { at: string; reason?: string; by?: string };
    phase?: RunProgress['phase'];
    tier?: number;
    tiers?: number;
    tables: Record<string, TableProgress>;
    failedRows: number;
    /** What the run's listings found so far, per table and in all; `complete` once every table is listed. */
    planned?: PlannedTotals;
    startedAt?: string;
    finishedAt?: string;
    reason?: string;
    /** The whole summary, once the run has finished. */
    summary?: RunSummary;
}

/** The run id of a route, or 400. */
export function routeRunId(request: ApiRequest): string {
    const id = request.params.id ?? '';
    if (!isRunId(id))
        throw badRequest('bad run id', [
            { path: 'id', message: `'${id}' is not a run id (<spec>-<yyyyMMdd>-<HHmmss>-<4 hex>)` },
        ]);
    return id;
}

function specNameOf(input: unknown): string | undefined {
    const spec = isRecord(input) ? (input as Partial<RunInput>).spec : undefined;
    return isRecord(spec) && typeof spec.name === 'string' ? spec.name : undefined;
}

function tablesOfSummary(summary: RunSummary): Record<string, TableProgress> {
    return Object.fromEntries(
        Object.entries(summary.tables).map(([name, t]) => {
            const requests = tableRequests(t);
            return [
                name,
                {
                    read: t.copy.read,
                    written: t.copy.written,
                    failed: t.copy.failed,
                    pages: t.pages,
                    ...(requests ? { requests } : {}),
                },
            ];
        }),
    );
}

/** The tables a run's spec names (its plan's tables carry the same source names). */
const specTables = z.looseObject({ tables: z.array(z.looseObject({ name: z.string() })) });

async function planned(deps: ApiDeps, runId: string): Promise<PlannedTotals | undefined> {
    const spec = specTables.safeParse(await deps.store.readJson(runPaths(runId).spec));
    if (!spec.success) return undefined;
    return plannedTotals(
        deps.store,
        runId,
        spec.data.tables.map((t) => t.name),
    );
}

/** The run's state, or 404 when neither the host nor the run store knows it. */
export async function knownRun(deps: ApiDeps, runId: string): Promise<RunStateInfo> {
    const info = await runState(deps, runId);
    if (info !== undefined) return info;
    // A run whose instance is gone but whose plan step ran (a purged history, a crashed local host).
    if ((await deps.store.readJson(runPaths(runId).spec)) !== undefined)
        return { runId, state: 'failed', detail: 'the run stopped before it wrote a summary' };
    throw notFound(`no run '${runId}'`);
}

export async function runView(request: ApiRequest, deps: ApiDeps, runId: string): Promise<RunView> {
    const [info, cancel, totals] = await Promise.all([
        knownRun(deps, runId),
        deps.store.readJson<CancelRequest>(runPaths(runId).cancel),
        planned(deps, runId),
    ]);
    const { instance, summary } = info;
    const progress = isRecord(instance?.customStatus) ? (instance.customStatus as Partial<RunProgress>) : undefined;
    const view: RunView = {
        id: runId,
        status: info.state,
        ...runLinks(request, runId),
        tables: summary ? tablesOfSummary(summary) : (progress?.tables ?? {}),
        failedRows: summary?.failedRows ?? progress?.failedRows ?? 0,
    };
    const spec = summary?.spec ?? specNameOf(instance?.input);
    if (spec !== undefined) view.spec = spec;
    const trigger = summary?.trigger ?? (isRecord(instance?.input) ? instance.input.trigger : undefined);
    if (typeof trigger === 'string') view.trigger = trigger;
    const requestedBy = summary?.requestedBy ?? (isRecord(instance?.input) ? instance.input.requestedBy : undefined);
    if (typeof requestedBy === 'string') view.requestedBy = requestedBy;
    if (instance) view.runtimeStatus = instance.runtimeStatus;
    if (cancel && !summary) view.cancelRequested = cancel;
    if (progress?.phase !== undefined && !summary) view.phase = progress.phase;
    if (progress?.tier !== undefined && !summary) view.tier = progress.tier;
    if (progress?.tiers !== undefined && !summary) view.tiers = progress.tiers;
    if (totals !== undefined && info.state !== 'invalid') view.planned = totals;
    const startedAt = summary?.startedAt ?? instance?.createdTime.toISOString();
    if (startedAt !== undefined) view.startedAt = startedAt;
    if (summary) {
        view.finishedAt = summary.finishedAt;
        view.summary = summary;
    }
    if (info.detail !== undefined) view.reason = info.detail;
    return view;
}
