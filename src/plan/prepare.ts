/**
 * The plan step with its I/O: reads the metadata of both environments, builds the plan (pure), then counts rows and
 * pages when asked (estimates from the service's counts, or an exact walk of every key) and matches the reference
 * tables (a source currency without a match that copied rows with money use is a problem: currencies.ts). Shared by
 * the CLI `plan` command, POST /api/plans, the plan activity of a run and verify. Environment
 * failures (unreachable, rejected token) become plan problems, so the caller reports them with the rest and exits 2.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import type { EnvironmentMetadata } from '../dataverse/metadata-types.js';
import { PARTY_TABLE } from './parties.js';
import { readAllTableNames, readEnvironmentMetadata } from '../dataverse/metadata.js';
import { DEFAULT_REFERENCE_MATCH, type MigrationSpec } from '../spec/index.js';
import { buildPlan, planOptions } from './build.js';
import { probeBulkWrites } from './bulk-writes.js';
import { checkContentLimits } from './content-limits.js';
import { readKeyCollation } from './key-collation.js';
import { CURRENCY_TABLE, unmatchedCurrencyIssues } from './currencies.js';
import { estimateRows } from './estimates.js';
import { estimateRequests, type RequestEstimates } from './request-estimates.js';
import { countByKeys, type KeyWalkProgress } from './exact-counts.js';
import { planNewTables } from './new-tables.js';
import { preflightPermissions } from './preflight.js';
import { describeReferenceRow, loadReferenceMatches, type ReferenceMatches } from './references.js';
import type { Plan, PlanEstimates, PlanIssue } from './types.js';
import { setsOwners } from './unusable-owners.js';

export interface PrepareProgress extends KeyWalkProgress {
    phase?(name: 'metadata' | 'permissions' | 'counts' | 'keys' | 'references'): void;
}

export interface PreparedPlan {
    plan: Plan;
    /** Rows and pages per run table, when `counts` asked for them. */
    estimates: PlanEstimates;
    /** Requests per table and environment, when rows were counted. */
    requests?: RequestEstimates;
    references?: ReferenceMatches;
}

export interface PrepareOptions {
    /**
     * Rows and pages per run table: `estimate` from the service's cheap counts (a few requests whatever the size),
     * `exact` by walking every primary key (one request per 5,000 rows). Absent: not counted (a run lists its own
     * pages).
     */
    counts?: 'estimate' | 'exact';
    /** Match reference tables (users, teams, ...) in the target. Default true. */
    matchReferences?: boolean;
    /**
     * `false` when the plan only reads the target (verify): its write, assign, append and delete privileges are not
     * checked, so a read-only target identity can verify. Default true.
     */
    targetWrites?: boolean;
    progress?: PrepareProgress;
    signal?: AbortSignal;
}

/** The client's errors already say what to check (URL, network, application user); keep them as they are. */
function environmentProblem(side: 'source' | 'target', url: string, error: unknown): PlanIssue {
    const detail = error instanceof Error ? error.message : String(error);
    return { path: `${side}.url`, message: `cannot read ${side} environment ${url}: ${detail}` };
}

/** Tables whose metadata the plan needs: the run tables and the reference tables that exist. */
function wantedTables(spec: MigrationSpec, side: 'source' | 'target', existing: ReadonlySet<string>): string[] {
    const names = spec.tables.map((t) => (side === 'source' ? t.name : (t.targetName ?? t.name)));
    const references = Object.keys(spec.references).filter((k) => k !== 'fallbackOwner');
    // activityparty: the party lists of activities are copied through it (plan/parties.ts).
    return [...new Set([...names, ...references, ...Object.keys(DEFAULT_REFERENCE_MATCH), PARTY_TABLE])].filter((n) =>
        existing.has(n),
    );
}

async function readSide(
    spec: MigrationSpec,
    side: 'source' | 'target',
    client: DataverseClient,
    signal?: AbortSignal,
): Promise<EnvironmentMetadata | PlanIssue> {
    try {
        const allTableNames = await readAllTableNames(client, { signal });
        return await readEnvironmentMetadata(client, wantedTables(spec, side, new Set(allTableNames)), {
            includeLookupTargets: true,
            allTableNames,
            ...(signal ? { signal } : {}),
        });
    } catch (error) {
        return environmentProblem(side, client.url, error);
    }
}

function isIssue(value: EnvironmentMetadata | PlanIssue): value is PlanIssue {
    return 'message' in value;
}

/** An empty plan carrying only problems (when an environment could not be read at all). */
function problemPlan(spec: MigrationSpec, problems: PlanIssue[]): Plan {
    return {
        version: 1,
        name: spec.name,
        sourceUrl: spec.source.url,
        targetUrl: spec.target.url,
        tables: {},
        tiers: [],
        deferredPhase: [],
        manyToMany: [],
        deletePhase: [],
        references: [],
        onUnresolvedLookup: spec.onUnresolvedLookup,
        options: planOptions(spec),
        warnings: [],
        problems,
    };
}

export async function preparePlan(
    spec: MigrationSpec,
    clients: { source: DataverseClient; target: DataverseClient },
    options: PrepareOptions = {},
): Promise<PreparedPlan> {
    const { progress, signal } = options;
    progress?.phase?.('metadata');
    const [source, target] = await Promise.all([
        readSide(spec, 'source', clients.source, signal),
        readSide(spec, 'target', clients.target, signal),
    ]);
    const environmentProblems = [source, target].filter(isIssue);
    if (isIssue(source) || isIssue(target)) {
        return { plan: problemPlan(spec, environmentProblems), estimates: {} };
    }
    // Tables loaded as new: the copy is planned against the target as the schema phase will leave it.
    const schema = await planNewTables(spec, clients, { source, target }, signal);
    const plan = buildPlan(spec, source, schema?.projected ?? target);
    if (schema) {
        plan.problems.push(...schema.problems);
        plan.warnings.push(...schema.warnings);
        if (schema.schema) plan.schema = schema.schema;
    }
    const prepared: PreparedPlan = { plan, estimates: {} };
    if (plan.problems.length > 0) return prepared;
    progress?.phase?.('permissions');
    await preflightPermissions(spec, plan, { source, target }, clients, {
        targetWrites: options.targetWrites !== false,
        ...(signal ? { signal } : {}),
    });
    if (plan.problems.length > 0) return prepared;
    await probeBulkWrites(plan, clients.target, signal);
    await readKeyCollation(plan, clients.target, signal);
    await checkContentLimits(plan, clients, signal);

    if (options.counts === 'estimate') {
        progress?.phase?.('counts');
        const counted = await estimateRows(spec, plan, clients.source, signal ? { signal } : {});
        prepared.estimates = counted.estimates;
        plan.warnings.push(...counted.warnings);
        plan.problems.push(...counted.problems);
    } else if (options.counts === 'exact') {
        progress?.phase?.('keys');
        const counted = await countByKeys(spec, plan, clients.source, {
            ...(progress ? { progress } : {}),
            ...(signal ? { signal } : {}),
        });
        prepared.estimates = counted.estimates;
        plan.problems.push(...counted.problems);
    }
    if (options.counts !== undefined && plan.problems.length === 0) {
        prepared.requests = estimateRequests(plan, prepared.estimates);
        plan.problems.push(...requestCapProblems(plan, prepared.requests));
    }

    if (options.matchReferences !== false && plan.references.length > 0) {
        progress?.phase?.('references');
        try {
            const references = await loadReferenceMatches(clients.source, clients.target, plan.references, {
                ...(plan.fallbackOwner !== undefined ? { fallbackOwner: plan.fallbackOwner } : {}),
                checkOwners: setsOwners(plan),
                ...(signal ? { signal } : {}),
            });
            prepared.references = references;
            if (references.fallbackOwnerProblem !== undefined)
                plan.problems.push({ path: 'references.fallbackOwner', message: references.fallbackOwnerProblem });
            plan.warnings.push(...references.warnings.map((message) => ({ message })));
            plan.warnings.push(...unmatchedSideWarnings(plan, references));
        } catch (error) {
            plan.problems.push({
                message: `cannot match reference tables: ${error instanceof Error ? error.message : String(error)}`,
            });
        }
        const currencies = prepared.references?.tables[CURRENCY_TABLE];
        try {
            const issues = await unmatchedCurrencyIssues(plan, currencies, clients.source, signal);
            plan.problems.push(...issues.problems);
            plan.warnings.push(...issues.warnings);
        } catch (error) {
            // The copy still fails such rows one by one (UnmatchedCurrency), so an unanswered count only warns.
            plan.warnings.push({
                table: CURRENCY_TABLE,
                message: `cannot count the copied rows in source currencies that have no match in the target (rows with money values in them will fail): ${error instanceof Error ? error.message : String(error)}`,
            });
        }
    }
    return prepared;
}

/**
 * Many-to-many pairs whose matched side (a user, a role) has no match in the target are skipped: say which rows,
 * so that a skipped assignment is never a surprise.
 */
function unmatchedSideWarnings(plan: Plan, references: ReferenceMatches): PlanIssue[] {
    const warnings: PlanIssue[] = [];
    plan.manyToMany.forEach((relationship, index) => {
        const tables = new Set(relationship.match.filter((m) => m.kind === 'reference').map((m) => m.table));
        for (const table of tables) {
            const result = references.tables[table];
            const rule = plan.references.find((r) => r.table === table);
            if (!result || !rule) continue;
            const base = { path: `manyToMany[${index}]`, table };
            const rows = result.unmatched;
            const count = (n: number) => `${n} source ${table} row${n === 1 ? '' : 's'}`;
            if (rows.length > 0) {
                const shown = rows.slice(0, 5).map((row) => describeReferenceRow(row, rule));
                const more = rows.length > shown.length ? `, and ${rows.length - shown.length} more` : '';
                warnings.push({
                    ...base,
                    message: `${relationship.name}: ${count(rows.length)} without a match in the target (${shown.join(', ')}${more}): their pairs are skipped`,
                });
            }
            if (result.fallbacks.length > 0) {
                warnings.push({
                    ...base,
                    message: `${relationship.name}: ${count(result.fallbacks.length)} only matched the fallback row, which many-to-many pairs never use (it would grant them to another ${table}): their pairs are skipped`,
                });
            }
        }
    });
    return warnings;
}

/** An estimate past options.maxRequests: the run would stop part-way, so the plan refuses it before anything is sent. */
function requestCapProblems(plan: Plan, requests: RequestEstimates): PlanIssue[] {
    const cap = plan.options.maxRequests;
    if (cap === undefined) return [];
    return (['source', 'target'] as const)
        .filter((side) => requests.total[side] > cap)
        .map((side) => ({
            path: 'options.maxRequests',
            message: `the run is estimated to send about ${requests.total[side].toLocaleString('en-US')} requests to the ${side}, more than options.maxRequests ${cap.toLocaleString('en-US')}: raise it, or copy fewer tables or rows`,
        }));
}
