/**
 * Source ids to target ids where a row is referred to by id outside a lookup column (the sides of
 * many-to-many pairs): for a run table, the same id when ids are preserved, through the alternate-key
 * values otherwise (read from the source by id, then from the target by key, in batches); for a
 * reference table (users, security roles, ...), its natural-key matches, never a fallback row (that
 * would hand one user's or role's associations to another).
 */
import type { ManyToManyPlan, ManyToManySideMatch, Plan, TablePlan } from '../plan/types.js';
import { intersectPairs } from './intersect.js';
import { filterBudget, idFilters, keyCollation, keyColumns, keyFilters, keyIdentity } from './addressing.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import type { DataverseClient } from '../dataverse/client-types.js';
import type { StoredReferences } from '../run/run-context.js';

/** What translating a side needs: the plan, the run's reference matches and both environments. */
export interface SideContext {
    plan: Plan;
    references: StoredReferences;
    source: DataverseClient;
    target: DataverseClient;
}

/** source id -> target id for the reference rows matched by natural key (fallback choices left out). */
export function referenceTargetIds(
    references: StoredReferences,
    table: string,
    sourceIds: readonly string[],
): Map<string, string> {
    const stored = references.tables[table];
    const map = new Map<string, string>();
    if (!stored) return map;
    const fallbacks = new Set((stored.fallbacks ?? []).map((id) => id.toLowerCase()));
    const matches = new Map(Object.entries(stored.map).map(([from, to]) => [from.toLowerCase(), to.toLowerCase()]));
    for (const id of new Set(sourceIds.map((i) => i.toLowerCase()))) {
        const target = matches.get(id);
        if (target !== undefined && !fallbacks.has(id)) map.set(id, target);
    }
    return map;
}

/** The target ids every natural-key match of a reference table points to (the target rows a run speaks for). */
export function matchedReferenceIds(references: StoredReferences, table: string): Set<string> {
    const stored = references.tables[table];
    const ids = Object.keys(stored?.map ?? {});
    return new Set(referenceTargetIds(references, table, ids).values());
}

/** source id -> target id for one side of a many-to-many relationship, as the plan says it is matched. */
export function sideTargetIds(
    ctx: SideContext,
    match: ManyToManySideMatch,
    sourceIds: readonly string[],
    options: ReadOptions = {},
): Promise<Map<string, string>> {
    if (match.kind === 'reference') return Promise.resolve(referenceTargetIds(ctx.references, match.table, sourceIds));
    const table = ctx.plan.tables[match.table];
    if (!table) throw new Error(`internal error: many-to-many side '${match.table}' is not a run table of the plan`);
    return targetIdsOf(ctx, table, sourceIds, options);
}

/**
 * A relationship's pairs in both environments, and per side the target id of each source pair's row (where it has
 * one): what the copy, the sync of removed pairs and verify all compare.
 */
export async function pairsWithTargetIds(
    ctx: SideContext,
    relationship: ManyToManyPlan,
    options: ReadOptions = {},
): Promise<{
    sourcePairs: Array<[string, string]>;
    targetPairs: Array<[string, string]>;
    maps: Map<string, string>[];
}> {
    const [sourcePairs, targetPairs] = await Promise.all([
        intersectPairs(ctx.source, relationship.source, options.signal),
        intersectPairs(ctx.target, relationship.target, options.signal),
    ]);
    const maps = await Promise.all(
        relationship.match.map((match, side) =>
            sideTargetIds(
                ctx,
                match,
                sourcePairs.map((p) => p[side]!),
                options,
            ),
        ),
    );
    return { sourcePairs, targetPairs, maps };
}

/** source id -> target id, for the ids that have a row in the target (all of them, when ids are preserved). */
export async function targetIdsOf(
    ctx: { source: DataverseClient; target: DataverseClient },
    table: TablePlan,
    sourceIds: readonly string[],
    options: ReadOptions = {},
): Promise<Map<string, string>> {
    const ids = [...new Set(sourceIds.map((id) => id.toLowerCase()))];
    const map = new Map<string, string>();
    if (table.match.kind === 'id') {
        for (const id of ids) map.set(id, id);
        return map;
    }
    const { sourceColumns } = table.match;
    const sourceSelect = [table.source.primaryId, ...sourceColumns];
    const sourceRows = await readFiltered(
        ctx.source,
        table.source.entitySetName,
        sourceSelect,
        idFilters(table.source.primaryId, ids, filterBudget(sourceSelect)),
        options,
    );
    const byIdentity = new Map<string, string[]>();
    const tuples: unknown[][] = [];
    for (const row of sourceRows) {
        const values = sourceColumns.map((c) => row[c] ?? null);
        if (values.some((v) => v === null || v === '')) continue;
        const identity = keyIdentity(values, keyCollation(table));
        const list = byIdentity.get(identity);
        if (list) list.push(String(row[table.source.primaryId]).toLowerCase());
        else {
            byIdentity.set(identity, [String(row[table.source.primaryId]).toLowerCase()]);
            tuples.push(values);
        }
    }
    const columns = keyColumns(table);
    const targetSelect = [table.target.primaryId, ...columns.map((c) => c.name)];
    const targetRows = await readFiltered(
        ctx.target,
        table.target.entitySetName,
        targetSelect,
        keyFilters(columns, tuples, filterBudget(targetSelect)),
        options,
    );
    for (const row of targetRows) {
        const identity = keyIdentity(
            columns.map((c) => row[c.name] ?? null),
            keyCollation(table),
        );
        for (const sourceId of byIdentity.get(identity) ?? [])
            map.set(sourceId, String(row[table.target.primaryId]).toLowerCase());
    }
    return map;
}
