/**
 * buildPlan: spec + metadata of both environments -> Plan. Pure; gathers EVERY problem at once and
 * never throws on bad input (a plan with problems is still returned, for display).
 */
import { keyLookupColumns, keyWithLookupProblem } from './key-parts.js';
import type {
    EnvironmentMetadata,
    ManyToManyRelationshipMetadata,
    TableMetadata,
} from '../dataverse/metadata-types.js';
import { DEFAULT_REFERENCE_MATCH } from '../spec/defaults.js';
import { relationshipEntry, type MigrationSpec } from '../spec/schema.js';
import { didYouMean } from '../util/suggest.js';
import { mapColumns } from './columns.js';
import { planContentColumns } from './content-columns.js';
import { planParties } from './parties.js';
import { sendingStatusWarning } from './email-status.js';
import { declaredPlatformOwned } from './platform-owned.js';
import { maskingIssues } from './masking.js';
import { subsetPlanProblems } from './subset-checks.js';
import { columnNames, tablePath, type PlanContext, type ReferenceRuleInfo, type RunTable } from './context.js';
import type { LookupEdge } from './graph.js';
import { orderTables, type OrderOptions } from './tiers.js';
import { unwritableReason } from './unwritable-tables.js';
import type {
    EndpointNames,
    ManyToManyEnvironmentPlan,
    ManyToManyPlan,
    ManyToManySide,
    ManyToManySideMatch,
    MatchPlan,
    Plan,
    ReferencePlan,
    TablePlan,
} from './types.js';

function endpoint(meta: TableMetadata): EndpointNames {
    return { logicalName: meta.logicalName, entitySetName: meta.entitySetName, primaryId: meta.primaryIdAttribute };
}

function tableNames(env: EnvironmentMetadata): string[] {
    return [...new Set([...env.allTableNames, ...env.tables.keys()])];
}

function referenceRules(spec: MigrationSpec): Map<string, ReferenceRuleInfo> {
    const rules = new Map<string, ReferenceRuleInfo>();
    for (const [table, matchOn] of Object.entries(DEFAULT_REFERENCE_MATCH))
        rules.set(table, { matchOn: [...matchOn], explicit: false });
    for (const [table, rule] of Object.entries(spec.references)) {
        if (table === 'fallbackOwner' || typeof rule !== 'object') continue;
        const { matchOn, fallback } = rule;
        rules.set(table, { matchOn, ...(fallback !== undefined ? { fallback } : {}), explicit: true });
    }
    return rules;
}

function resolveMatch(ctx: PlanContext, index: number, target: TableMetadata): MatchPlan | undefined {
    const table = ctx.spec.tables[index]!;
    if (table.match === 'id') return { kind: 'id' };
    const path = `tables[${index}].match`;
    const key = target.keys.find((k) => k.logicalName === table.match);
    if (!key) {
        const names = target.keys.map((k) => k.logicalName);
        ctx.problems.push({
            path,
            table: table.name,
            message:
                names.length === 0
                    ? `target table '${target.logicalName}' has no alternate keys; match on 'id' or create the key '${table.match}'`
                    : `alternate key '${table.match}' does not exist on target table '${target.logicalName}'${didYouMean(table.match, names)}`,
        });
        return undefined;
    }
    if (key.entityKeyIndexStatus !== 'Active') {
        ctx.problems.push({
            path,
            table: table.name,
            message: `alternate key '${key.logicalName}' of target table '${target.logicalName}' is ${key.entityKeyIndexStatus}, not Active: rows cannot be addressed by it yet`,
        });
        return undefined;
    }
    const inverse = new Map(Object.entries(table.rename ?? {}).map(([from, to]) => [to, from]));
    return {
        kind: 'key',
        key: key.logicalName,
        columns: [...key.keyAttributes],
        sourceColumns: key.keyAttributes.map((c) => inverse.get(c) ?? c),
    };
}

function resolveRunTables(ctx: PlanContext): void {
    const sourceNames = tableNames(ctx.source);
    const targetNames = tableNames(ctx.target);
    ctx.spec.tables.forEach((table, index) => {
        const source = ctx.source.tables.get(table.name);
        if (!source) {
            ctx.problems.push({
                path: `tables[${index}].name`,
                table: table.name,
                message: `table '${table.name}' does not exist in the source environment${didYouMean(table.name, sourceNames)}`,
            });
        }
        const targetName = table.targetName ?? table.name;
        const target = ctx.target.tables.get(targetName);
        if (!target) {
            ctx.problems.push({
                path: `tables[${index}].${table.targetName ? 'targetName' : 'name'}`,
                table: table.name,
                message: `table '${targetName}' does not exist in the target environment${didYouMean(targetName, targetNames)}`,
            });
        }
        if (source?.isIntersect) {
            ctx.problems.push({
                path: `tables[${index}].name`,
                table: table.name,
                message: `'${table.name}' is the intersect table of a many-to-many relationship: list the relationship in manyToMany instead`,
            });
            return;
        }
        if (!source || !target) return;
        const unwritable = unwritableReason(table.name, source, target);
        if (unwritable !== undefined) {
            ctx.problems.push({ path: `tables[${index}].name`, table: table.name, message: unwritable });
            return;
        }
        const match = resolveMatch(ctx, index, target);
        const lookupParts = match ? keyLookupColumns(target, match) : [];
        if (match?.kind === 'key' && lookupParts.length > 0 && table.deleteMissing) {
            ctx.problems.push({
                path: `tables[${index}].deleteMissing`,
                table: table.name,
                message: keyWithLookupProblem(table.name, match.key, lookupParts, 'deleteMissing'),
            });
        }
        ctx.run.set(table.name, { index, spec: table, source, target, match: match ?? { kind: 'id' } });
        if (ctx.referenceRules.get(table.name)?.explicit) {
            ctx.warnings.push({
                path: `references.${table.name}`,
                table: table.name,
                message: `'${table.name}' is copied in this run, so lookups to it bind to the copied rows; its reference rule is not used`,
            });
        }
    });
}

function checkExplicitReferences(ctx: PlanContext): void {
    for (const [table, rule] of ctx.referenceRules) {
        if (!rule.explicit || ctx.run.has(table)) continue;
        const path = `references.${table}`;
        const source = ctx.source.tables.get(table);
        const target = ctx.target.tables.get(table);
        if (!source && !ctx.source.allTableNames.includes(table)) {
            ctx.problems.push({
                path,
                table,
                message: `reference table '${table}' does not exist in the source environment${didYouMean(table, tableNames(ctx.source))}`,
            });
            continue;
        }
        rule.matchOn.forEach((column, i) => {
            for (const [side, meta] of [
                ['source', source],
                ['target', target],
            ] as const) {
                if (meta && !meta.attributes.some((a) => a.logicalName === column)) {
                    ctx.problems.push({
                        path: `${path}.matchOn[${i}]`,
                        table,
                        column,
                        message: `column '${column}' does not exist in ${side} table '${table}'${didYouMean(column, columnNames(meta))}`,
                    });
                }
            }
        });
    }
}

/**
 * Reference tables matched within a scope: every business unit has its own copy of each security role under the
 * same name, so a role matches the role of that name in the business unit its own business unit matches (root to
 * root, the others by name), as the root BU's copy is the one users of the root BU hold.
 */
const REFERENCE_SCOPES: Readonly<Record<string, { column: string; table: string }>> = {
    role: { column: 'businessunitid', table: 'businessunit' },
};

function hasColumn(meta: TableMetadata, column: string): boolean {
    return meta.attributes.some((a) => a.logicalName === column);
}

/** The scope a used reference table is matched in, when both environments have its column; its table is then used too. */
function referenceScope(ctx: PlanContext, table: string): ReferencePlan['scope'] {
    const scope = REFERENCE_SCOPES[table];
    const source = ctx.source.tables.get(table);
    const target = ctx.target.tables.get(table);
    if (!scope || !source || !target || !hasColumn(source, scope.column) || !hasColumn(target, scope.column))
        return undefined;
    return scope;
}

function referencePlans(ctx: PlanContext): ReferencePlan[] {
    const plans: ReferencePlan[] = [];
    const scopes = new Map<string, NonNullable<ReferencePlan['scope']>>();
    for (const table of ctx.usedReferences) {
        const scope = referenceScope(ctx, table);
        if (!scope) continue;
        scopes.set(table, scope);
        ctx.usedReferences.add(scope.table);
    }
    for (const table of [...ctx.usedReferences].sort()) {
        const rule = ctx.referenceRules.get(table)!;
        const source = ctx.source.tables.get(table);
        const target = ctx.target.tables.get(table);
        const missing = [!source && 'source', !target && 'target'].filter(Boolean).join(' and ');
        if (!source || !target) {
            ctx.problems.push({
                table,
                message: `reference table '${table}' is used (by lookups, many-to-many relationships or the matching of another reference table), but its metadata was not read from the ${missing} environment`,
            });
            continue;
        }
        const matchOn = rule.matchOn.filter((c) => hasColumn(source, c) && hasColumn(target, c));
        const lost = rule.matchOn.filter((c) => !matchOn.includes(c));
        if (lost.length > 0 && !rule.explicit) {
            ctx.warnings.push({
                table,
                message: `reference table '${table}': default match column${lost.length > 1 ? 's' : ''} ${lost.join(', ')} missing on one side, matching on ${matchOn.join(', ') || 'nothing'}`,
            });
        }
        const singleton = table === 'organization';
        if (matchOn.length === 0 && !singleton) {
            ctx.problems.push({
                path: rule.explicit ? `references.${table}` : undefined,
                table,
                message: `reference table '${table}' has no column to match rows on in both environments; give it a rule in references`,
            });
        }
        const scope = scopes.get(table);
        plans.push({
            table,
            source: endpoint(source),
            target: endpoint(target),
            matchOn,
            ...(rule.fallback !== undefined ? { fallback: rule.fallback } : {}),
            ...(table === 'businessunit' &&
            hasColumn(source, 'parentbusinessunitid') &&
            hasColumn(target, 'parentbusinessunitid')
                ? { rootColumn: 'parentbusinessunitid' }
                : {}),
            ...(scope ? { scope } : {}),
            ...(singleton ? { singleton } : {}),
        });
    }
    return plans;
}

/** A relationship by schema name or, as CMT schemas name them, by its intersect table (systemuserroles). */
function findManyToMany(env: EnvironmentMetadata, name: string): ManyToManyRelationshipMetadata | undefined {
    const lower = name.toLowerCase();
    const all = [...env.tables.values()].flatMap((t) => t.manyToMany);
    return (
        all.find((r) => r.schemaName.toLowerCase() === lower) ??
        all.find((r) => r.intersectEntityName.toLowerCase() === lower)
    );
}

function manyToManySide(
    env: EnvironmentMetadata,
    rel: ManyToManyRelationshipMetadata,
): ManyToManyEnvironmentPlan | string {
    const ends = ([1, 2] as const).map((n) => {
        const table = n === 1 ? rel.entity1LogicalName : rel.entity2LogicalName;
        return { table, meta: env.tables.get(table), n };
    });
    const unread = ends.filter((e) => !e.meta).map((e) => `'${e.table}'`);
    if (unread.length > 0) return [...new Set(unread)].join(' and ');
    const side = (n: 1 | 2): ManyToManySide => {
        const meta = ends[n - 1]!.meta!;
        return {
            table: meta.logicalName,
            entitySetName: meta.entitySetName,
            primaryId: meta.primaryIdAttribute,
            intersectAttribute: n === 1 ? rel.entity1IntersectAttribute : rel.entity2IntersectAttribute,
            navigationProperty: n === 1 ? rel.entity1NavigationPropertyName : rel.entity2NavigationPropertyName,
        };
    };
    const intersectEntitySet = env.tables.get(rel.intersectEntityName)?.entitySetName;
    return {
        intersectEntity: rel.intersectEntityName,
        ...(intersectEntitySet ? { intersectEntitySet } : {}),
        entity1: side(1),
        entity2: side(2),
    };
}

/** How a side's rows are found in the target: copied in this run, or matched as a reference table. */
function sideMatch(ctx: PlanContext, table: string): { match: ManyToManySideMatch; targetTable: string } | undefined {
    const run = ctx.run.get(table);
    const lookupParts = run ? keyLookupColumns(run.target, run.match) : [];
    if (run?.match.kind === 'key' && lookupParts.length > 0) {
        ctx.problems.push({
            path: 'manyToMany',
            table,
            message: keyWithLookupProblem(table, run.match.key, lookupParts, 'a many-to-many side'),
        });
    }
    if (run) return { match: { kind: 'run', table }, targetTable: run.target.logicalName };
    if (ctx.referenceRules.has(table)) return { match: { kind: 'reference', table }, targetTable: table };
    return undefined;
}

function quoted(names: readonly string[]): string {
    return [...new Set(names)].map((t) => `'${t}'`).join(' and ');
}

function resolveManyToMany(ctx: PlanContext): ManyToManyPlan[] {
    const plans: ManyToManyPlan[] = [];
    ctx.spec.manyToMany.forEach((entry, i) => {
        const { name, deleteMissing } = relationshipEntry(entry);
        const path = `manyToMany[${i}]`;
        const source = findManyToMany(ctx.source, name);
        if (!source) {
            const known = [...ctx.source.tables.values()].flatMap((t) => t.manyToMany.map((r) => r.schemaName));
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${name}' does not exist in the source metadata of the run's tables${didYouMean(name, known)}`,
            });
            return;
        }
        const ends = [source.entity1LogicalName, source.entity2LogicalName];
        const sides = ends.map((t) => sideMatch(ctx, t));
        const outside = ends.filter((_, k) => !sides[k]);
        if (outside.length > 0) {
            const plural = new Set(outside).size > 1;
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${source.schemaName}' joins '${ends[0]}' and '${ends[1]}', but ${quoted(outside)} ${plural ? 'are' : 'is'} neither copied in this run nor matched as a reference table: add ${plural ? 'them' : 'it'} to tables (to copy ${plural ? 'their' : 'its'} rows) or give ${plural ? 'them' : 'it'} a rule in references (to match ${plural ? 'their' : 'its'} rows in the target by a natural key)`,
            });
            return;
        }
        const [side1, side2] = sides as [NonNullable<(typeof sides)[0]>, NonNullable<(typeof sides)[0]>];
        for (const side of [side1, side2])
            if (side.match.kind === 'reference') ctx.usedReferences.add(side.match.table);
        const target = findManyToMany(ctx.target, source.schemaName);
        if (!target) {
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${source.schemaName}' does not exist in the target metadata`,
            });
            return;
        }
        const expected = [side1.targetTable, side2.targetTable];
        if (target.entity1LogicalName !== expected[0] || target.entity2LogicalName !== expected[1]) {
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${source.schemaName}' joins '${target.entity1LogicalName}' and '${target.entity2LogicalName}' in the target, but the run writes '${expected[0]}' and '${expected[1]}'`,
            });
            return;
        }
        const sourcePlan = manyToManySide(ctx.source, source);
        const targetPlan = manyToManySide(ctx.target, target);
        for (const [side, planned] of [
            ['source', sourcePlan],
            ['target', targetPlan],
        ] as const) {
            if (typeof planned === 'string')
                ctx.problems.push({
                    path,
                    message: `many-to-many relationship '${source.schemaName}': the ${side} metadata of ${planned} was not read`,
                });
        }
        if (typeof sourcePlan === 'string' || typeof targetPlan === 'string') return;
        plans.push({
            name: source.schemaName,
            source: sourcePlan,
            target: targetPlan,
            match: [side1.match, side2.match],
            deleteMissing,
        });
    });
    return plans;
}

function tablePlan(ctx: PlanContext, run: RunTable, edges: LookupEdge[]): TablePlan {
    const { columns, edges: columnEdges, state } = mapColumns(ctx, run);
    edges.push(...columnEdges);
    const { parties, edges: partyEdges } = planParties(ctx, run);
    edges.push(...partyEdges);
    sendingStatusWarning(ctx, run, state !== undefined);
    const path = tablePath(run);
    if (run.match.kind === 'key') {
        for (const column of run.match.columns) {
            if (!columns.some((c) => c.target === column)) {
                ctx.problems.push({
                    path: `${path}.match`,
                    table: run.spec.name,
                    column,
                    message: `alternate key '${run.match.key}' uses column '${column}', which is not copied: add it to columns`,
                });
            }
        }
    }
    const platformOwned = declaredPlatformOwned(ctx, run, columns, state);
    const content = planContentColumns(ctx, run);
    if (ctx.spec.options.incremental && !run.source.changeTrackingEnabled) {
        ctx.warnings.push({
            path,
            table: run.spec.name,
            message: `'${run.spec.name}' has no change tracking in the source: incremental refreshes copy it in full`,
        });
    }
    return {
        name: run.spec.name,
        source: endpoint(run.source),
        target: endpoint(run.target),
        match: run.match,
        ...(run.spec.filter !== undefined ? { filter: run.spec.filter } : {}),
        deleteMissing: run.spec.deleteMissing,
        ...(run.spec.bypass ? { bypass: run.spec.bypass } : {}),
        columns,
        deferred: [],
        ...(state ? { state } : {}),
        changeTracking: run.source.changeTrackingEnabled,
        ...(platformOwned.length > 0 ? { platformOwned } : {}),
        ...(content.length > 0 ? { content } : {}),
        ...(parties ? { parties } : {}),
    };
}

/** The spec options a plan carries to the copy engine. */
export function planOptions(spec: MigrationSpec): Plan['options'] {
    return {
        pageSize: spec.options.pageSize,
        writeBatchSize: spec.options.writeBatchSize,
        maxConcurrency: spec.options.maxConcurrency,
        incremental: spec.options.incremental,
        maxDeleteShare: spec.options.maxDeleteShare,
        ...(spec.options.maxFailedRows !== undefined ? { maxFailedRows: spec.options.maxFailedRows } : {}),
        ...(spec.options.maxFailureRatio !== undefined ? { maxFailureRatio: spec.options.maxFailureRatio } : {}),
        ...(spec.options.maxRequests !== undefined ? { maxRequests: spec.options.maxRequests } : {}),
    };
}

export function buildPlan(
    spec: MigrationSpec,
    source: EnvironmentMetadata,
    target: EnvironmentMetadata,
    options: OrderOptions = {},
): Plan {
    const ctx: PlanContext = {
        spec,
        source,
        target,
        run: new Map(),
        referenceRules: referenceRules(spec),
        usedReferences: new Set(),
        warnings: [],
        problems: [],
    };
    resolveRunTables(ctx);
    checkExplicitReferences(ctx);

    const tables: Record<string, TablePlan> = {};
    const edges: LookupEdge[] = [];
    for (const run of ctx.run.values()) {
        try {
            tables[run.spec.name] = tablePlan(ctx, run, edges);
        } catch (error) {
            // Metadata the planner did not expect must not hide the other problems.
            ctx.problems.push({
                path: tablePath(run),
                table: run.spec.name,
                message: `could not plan '${run.spec.name}': ${error instanceof Error ? error.message : String(error)}`,
            });
        }
    }

    const masking = maskingIssues(spec, tables, source, target);
    ctx.warnings.push(...masking.warnings);
    ctx.problems.push(...masking.problems);

    const order = orderTables(Object.keys(tables), edges, options);
    for (const { cycle, message } of order.requiredCycles) {
        const first = cycle[0]!;
        ctx.problems.push({ table: first.from, column: first.column, message });
    }
    for (const component of order.heuristicComponents) {
        ctx.warnings.push({
            message: `the lookup cycles among ${component.join(', ')} were broken by a heuristic (too many for an exact search): every deferred column is needed, but fewer might do`,
        });
    }
    for (const { table, column } of order.deferred) {
        const plan = tables[table]!;
        plan.deferred.push(column);
        const mapping = plan.columns.find((c) => c.source === column);
        if (mapping) mapping.deferred = true;
    }
    const deferredPhase = order.tiers
        .flat()
        .filter((t) => tables[t]!.deferred.length > 0)
        .map((t) => ({ table: t, columns: [...tables[t]!.deferred] }));

    const manyToMany = resolveManyToMany(ctx);
    const deletePhase = order.tiers
        .flat()
        .reverse()
        .filter((t) => tables[t]!.deleteMissing);
    const references = referencePlans(ctx);
    ctx.problems.push(...subsetPlanProblems(spec, tables));
    const fallbackOwner = typeof spec.references.fallbackOwner === 'string' ? spec.references.fallbackOwner : undefined;

    return {
        version: 1,
        name: spec.name,
        sourceUrl: spec.source.url,
        targetUrl: spec.target.url,
        tables,
        tiers: order.tiers.map((t) => ({ tables: t })),
        deferredPhase,
        manyToMany,
        deletePhase,
        references,
        ...(fallbackOwner !== undefined ? { fallbackOwner } : {}),
        onUnresolvedLookup: spec.onUnresolvedLookup,
        options: planOptions(spec),
        warnings: ctx.warnings,
        problems: ctx.problems,
    };
}
