/**
 * The planRun activity: validates the spec, records the run, reads both environments' metadata,
 * builds the plan, matches the reference tables, decides per table whether this run is full or
 * incremental, and stores the spec, the plan and the matches in the run store. It returns only a
 * small descriptor (tiers, modes, names): the plan itself travels by reference (docs/architecture.md, principle 3).
 * Problems are returned, not thrown: nothing is written to the target when there is one.
 */
import { preparePlan } from '../plan/prepare.js';
import { incompleteViews } from '../plan/incomplete-views.js';
import type { Plan, PlanIssue } from '../plan/types.js';
import { readRunFailedRows } from '../runlog/failed-rows.js';
import { legacyStatePath, runPaths } from '../runlog/layout.js';
import { SPEC_DEFAULTS, validateSpec, type MigrationSpec } from '../spec/index.js';
import { CredentialProblemsError } from '../environments/index.js';
import { appendEvents } from '../run/events.js';
import { modeFor, readSyncState, type TableMode } from '../run/sync-state.js';
import { storedReferences, type ActivityDeps } from '../run/run-context.js';
import { addNoticed, readPlatformOwned } from '../run/platform-owned.js';
import type { ActivityOptions, PlanRunInput } from './contract.js';
import { computeSubset } from '../copy/subset.js';
import { storeSubset } from '../run/subset-store.js';

export interface PlannedTable {
    mode: TableMode;
    /** Why this mode (`full: no state for this source and target`, `delta since <time>`), for the events. */
    reason: string;
    deleteMissing: boolean;
    matchById: boolean;
    /** The many-to-many relationships of the run with this table on a side: its state waits for them too. */
    relationships?: string[];
    /** The table has content columns (files, images, note bodies): it owes a content phase. */
    content?: boolean;
}

export interface PlanRunOutcome {
    runId: string;
    spec: string;
    /** Non-empty: the run stops here, nothing written to the target. */
    problems: PlanIssue[];
    tiers: string[][];
    tables: Record<string, PlannedTable>;
    manyToMany: string[];
    /** Tables with deleteMissing, children before parents. */
    deletes: string[];
    /** Relationships with deleteMissing (absent in runs planned before it existed). */
    disassociations?: string[];
    /** Tables and relationships with deleteMissing whose deletes this run skips: the source view is not complete. */
    skippedDeletes?: Array<{ table: string; reason: string }>;
    options: {
        maxFailedRows?: number;
        maxFailureRatio?: number;
        maxDeleteShare: number;
        maxRequests?: number;
        /** The orchestrators' page budget (absent in runs planned before it existed: the default). */
        pagesPerOrchestration?: number;
    };
    warnings: number;
    source: string;
    target: string;
    /** Metadata operations the schema phase sends before the tiers (tables loaded as `new`); absent: none. */
    schemaOperations?: number;
}

/** The tables and relationships an earlier run failed rows of (a retry copies only those). */
async function failedInRun(store: ActivityDeps['store'], runId: string, plan: Plan): Promise<Set<string>> {
    const rows = await readRunFailedRows(store, runId);
    const names = new Set(rows.map((r) => r.table));
    return new Set([...Object.keys(plan.tables), ...plan.manyToMany.map((m) => m.name)].filter((n) => names.has(n)));
}

/** Why a table with state under the layout keyed by spec name only runs in full (README "Incremental refresh"). */
const LEGACY_STATE_REASON =
    'full: its state from an earlier version (state/{spec}/{table}.json, keyed by the spec name only) is not read, as the spec may have pointed at another target then; this run keeps its state by source and target';

async function hasLegacyState(store: ActivityDeps['store'], spec: string, table: string): Promise<boolean> {
    return (await store.readJson<unknown>(legacyStatePath(spec, table))) !== undefined;
}

/** Why a subset's table runs in full on every refresh (README "Subsets"). */
const SUBSET_REASON = (rows: number) =>
    `full: the subset's ${rows} rows are read by id and compared on every run (change tracking is not used: the subset may take other rows each run)`;

/** Problems beyond this many are summarised: the outcome travels through orchestration history. */
const MAX_PROBLEMS = 100;

function outcomeWithProblems(
    input: PlanRunInput,
    name: string,
    problems: PlanIssue[],
    spec?: MigrationSpec,
): PlanRunOutcome {
    const kept = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > MAX_PROBLEMS)
        kept.push({ message: `... and ${problems.length - MAX_PROBLEMS} more problems` });
    return {
        runId: input.runId,
        spec: name,
        problems: kept,
        tiers: [],
        tables: {},
        manyToMany: [],
        deletes: [],
        options: { maxDeleteShare: spec?.options.maxDeleteShare ?? 0.1 },
        warnings: 0,
        source: spec?.source.url ?? '',
        target: spec?.target.url ?? '',
    };
}

function specName(raw: unknown): string {
    const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
    return typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name) ? name : 'unnamed';
}

export async function planRun(
    deps: ActivityDeps,
    input: PlanRunInput,
    { signal }: ActivityOptions = {},
): Promise<PlanRunOutcome> {
    const { store } = deps;
    const now = deps.now ?? (() => new Date());
    const paths = runPaths(input.runId);
    const validated = validateSpec(input.spec);
    const name = validated.ok ? validated.spec.name : specName(input.spec);
    await store.writeJson(paths.spec, input.spec);
    await store.indexRun({
        runId: input.runId,
        spec: name,
        startedAt: input.startedAt,
        status: 'running',
        trigger: input.trigger,
    });
    const by = input.requestedBy !== undefined ? { requestedBy: input.requestedBy } : {};
    await appendEvents(store, input.runId, [{ type: 'run-started', spec: name, trigger: input.trigger, ...by }], now);
    if (!validated.ok) return outcomeWithProblems(input, name, validated.problems);
    const spec = validated.spec;

    let clients;
    try {
        clients = deps.connect(spec);
    } catch (error) {
        if (error instanceof CredentialProblemsError) return outcomeWithProblems(input, name, error.problems, spec);
        throw error;
    }
    // A request cap is checked against the estimate: the rows are counted for it (one request or a few).
    const prepared = await preparePlan(spec, clients, {
        ...(signal ? { signal } : {}),
        ...(spec.options.maxRequests !== undefined ? { counts: 'estimate' as const } : {}),
    });
    const { plan } = prepared;
    // Columns earlier runs found the target's own logic rewriting: neither compared nor written any more.
    if (plan.problems.length === 0) addNoticed(plan, await readPlatformOwned(store, plan.targetUrl));
    await store.writeJson(paths.plan, plan);
    if (plan.problems.length > 0) return outcomeWithProblems(input, name, plan.problems, spec);

    await store.writeJson(paths.references, storedReferences(prepared.references));
    // A subset: the ids it takes of each table, from the source now; every listing reads them (list-pages.ts).
    const subset = spec.subset ? await computeSubset(plan, spec.subset, clients.source, { signal }) : undefined;
    if (subset)
        for (const [table, ids] of Object.entries(subset))
            await storeSubset(
                store,
                { runId: input.runId, source: spec.source.url, target: spec.target.url },
                table,
                ids,
            );

    const retry = input.retryOf ? await failedInRun(store, input.retryOf, plan) : undefined;
    if (input.retryOf) await store.writeJson(paths.retry, { retryOf: input.retryOf });
    const skippedDeletes = retry ? [] : incompleteViews(plan);
    const skipped = new Set(skippedDeletes.map((s) => s.table));
    const tables: Record<string, PlannedTable> = {};
    const manyToMany = plan.manyToMany.filter((m) => !retry || retry.has(m.name));
    const relationshipsOf = (table: string) =>
        manyToMany
            .filter((m) => m.match.some((side) => side.kind === 'run' && side.table === table))
            .map((m) => m.name);
    await Promise.all(
        Object.values(plan.tables).map(async (table) => {
            const state = plan.options.incremental
                ? await readSyncState(store, spec.source.url, spec.target.url, table.name)
                : undefined;
            const decided = retry
                ? { mode: 'retry' as const, reason: `retry: the failed rows of run ${input.retryOf}` }
                : subset
                  ? { mode: 'full' as const, reason: SUBSET_REASON(subset[table.name]!.length) }
                  : modeFor(table, plan.options.incremental, state);
            if (plan.options.incremental && !retry && !state && (await hasLegacyState(store, spec.name, table.name)))
                decided.reason = LEGACY_STATE_REASON;
            tables[table.name] = {
                ...decided,
                // A retry copies failed rows again: it never deletes, nor decides what else is gone.
                deleteMissing: retry || skipped.has(table.name) ? false : table.deleteMissing,
                matchById: table.match.kind === 'id',
                ...(relationshipsOf(table.name).length > 0 ? { relationships: relationshipsOf(table.name) } : {}),
                ...(table.content ? { content: true } : {}),
            };
        }),
    );
    await appendEvents(
        store,
        input.runId,
        [
            {
                type: 'planned',
                tiers: plan.tiers.map((t) => t.tables),
                modes: Object.fromEntries(Object.entries(tables).map(([t, p]) => [t, p.mode])),
                warnings: plan.warnings.length,
                ...(subset
                    ? { subset: Object.fromEntries(Object.entries(subset).map(([t, ids]) => [t, ids.length])) }
                    : {}),
            },
            // One line per table saying why it runs in full or incrementally (incremental or retry runs only).
            ...(plan.options.incremental || retry
                ? Object.keys(plan.tables).map((table) => ({
                      type: 'table-mode' as const,
                      table,
                      mode: tables[table]!.mode,
                      message: tables[table]!.reason,
                  }))
                : []),
            ...plan.warnings
                .filter((w) => !w.routine)
                .map((w) => ({ type: 'warning' as const, ...(w.table ? { table: w.table } : {}), message: w.message })),
            ...(prepared.references?.warnings ?? []).map((message) => ({ type: 'references' as const, message })),
            ...skippedDeletes.map((s) => ({ type: 'deletes-skipped' as const, table: s.table, message: s.reason })),
        ],
        now,
    );
    return {
        runId: input.runId,
        spec: spec.name,
        problems: [],
        tiers: plan.tiers.map((t) => t.tables),
        tables,
        manyToMany: manyToMany.map((m) => m.name),
        deletes: retry ? [] : plan.deletePhase.filter((t) => !skipped.has(t)),
        disassociations: retry
            ? []
            : plan.manyToMany.filter((m) => m.deleteMissing && !skipped.has(m.name)).map((m) => m.name),
        ...(skippedDeletes.length > 0 ? { skippedDeletes } : {}),
        options: {
            maxDeleteShare: plan.options.maxDeleteShare,
            ...(plan.options.maxFailedRows !== undefined ? { maxFailedRows: plan.options.maxFailedRows } : {}),
            ...(plan.options.maxFailureRatio !== undefined ? { maxFailureRatio: plan.options.maxFailureRatio } : {}),
            ...(plan.options.maxRequests !== undefined ? { maxRequests: plan.options.maxRequests } : {}),
            pagesPerOrchestration: spec.options.pagesPerOrchestration ?? SPEC_DEFAULTS.pagesPerOrchestration,
        },
        warnings: plan.warnings.length,
        source: spec.source.url,
        target: spec.target.url,
        ...(plan.schema ? { schemaOperations: plan.schema.operations.length } : {}),
    };
}
