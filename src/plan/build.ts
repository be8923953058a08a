/**
 * buildPlan: spec + metadata of both environments -> Plan. Pure; gathers EVERY problem at once and
 * never throws on bad input (a plan with problems is still returned, for display).
 */
import type {
    EnvironmentMetadata,
    ManyToManyRelationshipMetadata,
    TableMetadata,
} from '../dataverse/metadata-types.js';
import { DEFAULT_REFERENCE_MATCH } from '../spec/defaults.js';
import type { MigrationSpec } from '../spec/schema.js';
import { didYouMean } from '../util/suggest.js';
import { mapColumns } from './columns.js';
import { columnNames, tablePath, type PlanContext, type ReferenceRuleInfo, type RunTable } from './context.js';
import type { LookupEdge } from './graph.js';
import { orderTables, type OrderOptions } from './tiers.js';
import type {
    EndpointNames,
    ManyToManyEnvironmentPlan,
    ManyToManyPlan,
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
        const match = resolveMatch(ctx, index, target);
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

function referencePlans(ctx: PlanContext): ReferencePlan[] {
    const plans: ReferencePlan[] = [];
    for (const table of [...ctx.usedReferences].sort()) {
        const rule = ctx.referenceRules.get(table)!;
        const source = ctx.source.tables.get(table);
        const target = ctx.target.tables.get(table);
        const missing = [!source && 'source', !target && 'target'].filter(Boolean).join(' and ');
        if (!source || !target) {
            ctx.problems.push({
                table,
                message: `lookups point to reference table '${table}', but its metadata was not read from the ${missing} environment`,
            });
            continue;
        }
        const has = (meta: TableMetadata, column: string): boolean =>
            meta.attributes.some((a) => a.logicalName === column);
        const matchOn = rule.matchOn.filter((c) => has(source, c) && has(target, c));
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
        plans.push({
            table,
            source: endpoint(source),
            target: endpoint(target),
            matchOn,
            ...(rule.fallback !== undefined ? { fallback: rule.fallback } : {}),
            ...(table === 'businessunit' && has(source, 'parentbusinessunitid') && has(target, 'parentbusinessunitid')
                ? { rootColumn: 'parentbusinessunitid' }
                : {}),
            ...(singleton ? { singleton } : {}),
        });
    }
    return plans;
}

function findManyToMany(env: EnvironmentMetadata, name: string): ManyToManyRelationshipMetadata | undefined {
    const lower = name.toLowerCase();
    for (const table of env.tables.values()) {
        const found = table.manyToMany.find((r) => r.schemaName.toLowerCase() === lower);
        if (found) return found;
    }
    return undefined;
}

function manyToManySide(env: EnvironmentMetadata, rel: ManyToManyRelationshipMetadata): ManyToManyEnvironmentPlan {
    const intersectEntitySet = env.tables.get(rel.intersectEntityName)?.entitySetName;
    return {
        intersectEntity: rel.intersectEntityName,
        ...(intersectEntitySet ? { intersectEntitySet } : {}),
        entity1: {
            table: rel.entity1LogicalName,
            intersectAttribute: rel.entity1IntersectAttribute,
            navigationProperty: rel.entity1NavigationPropertyName,
        },
        entity2: {
            table: rel.entity2LogicalName,
            intersectAttribute: rel.entity2IntersectAttribute,
            navigationProperty: rel.entity2NavigationPropertyName,
        },
    };
}

function resolveManyToMany(ctx: PlanContext): ManyToManyPlan[] {
    const plans: ManyToManyPlan[] = [];
    ctx.spec.manyToMany.forEach((name, i) => {
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
        const outside = [source.entity1LogicalName, source.entity2LogicalName].filter((t) => !ctx.run.has(t));
        if (outside.length > 0) {
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${source.schemaName}' joins '${source.entity1LogicalName}' and '${source.entity2LogicalName}'; both must be copied in this run, but ${[...new Set(outside)].map((t) => `'${t}'`).join(' and ')} ${outside.length > 1 ? 'are' : 'is'} not in tables`,
            });
            return;
        }
        const target = findManyToMany(ctx.target, source.schemaName);
        if (!target) {
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${source.schemaName}' does not exist in the target metadata`,
            });
            return;
        }
        const expected = [source.entity1LogicalName, source.entity2LogicalName].map(
            (t) => ctx.run.get(t)!.target.logicalName,
        );
        if (target.entity1LogicalName !== expected[0] || target.entity2LogicalName !== expected[1]) {
            ctx.problems.push({
                path,
                message: `many-to-many relationship '${source.schemaName}' joins '${target.entity1LogicalName}' and '${target.entity2LogicalName}' in the target, but the run writes '${expected[0]}' and '${expected[1]}'`,
            });
            return;
        }
        plans.push({
            name: source.schemaName,
            source: manyToManySide(ctx.source, source),
            target: manyToManySide(ctx.target, target),
        });
    });
    return plans;
}

function tablePlan(ctx: PlanContext, run: RunTable, edges: LookupEdge[]): TablePlan {
    const { columns, edges: columnEdges, state } = mapColumns(ctx, run);
    edges.push(...columnEdges);
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
