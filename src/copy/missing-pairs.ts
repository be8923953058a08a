/**
 * The pairs of a many-to-many relationship a sync removes (`deleteMissing` on the relationship): target pairs whose
 * source pair is gone, scoped to the rows the run speaks for. A side of a run table must be the copy of a source row
 * inside the table's filter (a target-only row's pairs are none of the run's business); a side of a reference table
 * must be the natural-key match of a source row (users and roles only the target has are left alone). Pairs the target
 * refuses to remove (a default or Entra ID group team's members) are set apart with their reason.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import type { ManyToManyPlan, TablePlan } from '../plan/types.js';
import {
    andFilters,
    filterBudget,
    idFilters,
    keyCollation,
    keyColumns,
    keyFilters,
    keyIdentity,
} from './addressing.js';
import { matchedReferenceIds, pairsWithTargetIds, type SideContext } from './id-map.js';
import { pairKey } from './intersect.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import { refusedPairs } from './refused-pairs.js';

export interface MissingPairs {
    /** Target pairs of the rows the run speaks for: the base of the safety share. */
    targetPairs: number;
    /** Target pairs (entity1 id, entity2 id) the source no longer has: to disassociate. */
    missing: Array<[string, string]>;
    /** Of those, the ones the target refuses to remove, with the reason: left alone, a warning. */
    refused: Array<{ pair: [string, string]; reason: string }>;
}

export async function missingPairs(
    ctx: SideContext,
    relationship: ManyToManyPlan,
    options: ReadOptions = {},
): Promise<MissingPairs> {
    const { sourcePairs, targetPairs, maps } = await pairsWithTargetIds(ctx, relationship, options);
    const expected = new Set<string>();
    for (const [a, b] of sourcePairs) {
        const [ta, tb] = [maps[0]!.get(a), maps[1]!.get(b)];
        if (ta !== undefined && tb !== undefined) expected.add(pairKey([ta, tb]));
    }
    // Reference sides: the matches of source rows. Run sides: copies of source rows, checked for the candidates only.
    const spoken = relationship.match.map((m) =>
        m.kind === 'reference' ? matchedReferenceIds(ctx.references, m.table) : undefined,
    );
    const inScope = targetPairs.filter(([a, b]) => (spoken[0]?.has(a) ?? true) && (spoken[1]?.has(b) ?? true));
    const candidates = inScope.filter((p) => !expected.has(pairKey(p)));
    const copies = await Promise.all(
        relationship.match.map((m, side) => {
            if (m.kind === 'reference') return Promise.resolve(undefined);
            const table = ctx.plan.tables[m.table];
            if (!table)
                throw new Error(`internal error: many-to-many side '${m.table}' is not a run table of the plan`);
            return copiesOfSourceRows(ctx, table, [...new Set(candidates.map((p) => p[side]!))], options);
        }),
    );
    const gone = candidates.filter(([a, b]) => (copies[0]?.has(a) ?? true) && (copies[1]?.has(b) ?? true));
    const outside = candidates.length - gone.length;
    const reasons = await refusedPairs(ctx.target, relationship.target, gone, { ...options, action: 'disassociate' });
    return {
        targetPairs: inScope.length - outside - reasons.size,
        missing: gone.filter((_, i) => !reasons.has(i)),
        refused: [...reasons].map(([i, reason]) => ({ pair: gone[i]!, reason })),
    };
}

/** Which of these target ids are copies of source rows inside the table's filter (by id, or by alternate key). */
async function copiesOfSourceRows(
    ctx: { source: DataverseClient; target: DataverseClient },
    table: TablePlan,
    targetIds: readonly string[],
    options: ReadOptions,
): Promise<Set<string>> {
    if (targetIds.length === 0) return new Set();
    const inFilter = (filters: string[]) => filters.map((f) => andFilters(f, table.filter)!);
    if (table.match.kind === 'id') {
        const rows = await readFiltered(
            ctx.source,
            table.source.entitySetName,
            [table.source.primaryId],
            inFilter(
                idFilters(table.source.primaryId, targetIds, filterBudget([table.source.primaryId], table.filter)),
            ),
            options,
        );
        return new Set(rows.map((r) => String(r[table.source.primaryId]).toLowerCase()));
    }
    const columns = keyColumns(table);
    const targetRows = await readFiltered(
        ctx.target,
        table.target.entitySetName,
        [table.target.primaryId, ...columns.map((c) => c.name)],
        idFilters(
            table.target.primaryId,
            targetIds,
            filterBudget([table.target.primaryId, ...columns.map((c) => c.name)]),
        ),
        options,
    );
    const byIdentity = new Map<string, string[]>();
    const tuples: unknown[][] = [];
    for (const row of targetRows) {
        const values = columns.map((c) => row[c.name] ?? null);
        const identity = keyIdentity(values, keyCollation(table));
        const id = String(row[table.target.primaryId]).toLowerCase();
        const list = byIdentity.get(identity);
        if (list) list.push(id);
        else {
            byIdentity.set(identity, [id]);
            tuples.push(values);
        }
    }
    const { sourceColumns } = table.match;
    const sourceKeys = sourceColumns.map((name, i) => ({ ...columns[i]!, name }));
    const sourceRows = await readFiltered(
        ctx.source,
        table.source.entitySetName,
        sourceColumns,
        inFilter(keyFilters(sourceKeys, tuples, filterBudget(sourceColumns, table.filter))),
        options,
    );
    const copies = new Set<string>();
    for (const row of sourceRows)
        for (const id of byIdentity.get(
            keyIdentity(
                sourceColumns.map((c) => row[c] ?? null),
                keyCollation(table),
            ),
        ) ?? [])
            copies.add(id);
    return copies;
}
