/**
 * Source ids to target ids for rows of a run table: the same id when ids are preserved; through the
 * alternate-key values otherwise (read from the source by id, then from the target by key, in
 * batches). Used where a row is referred to by id outside a lookup column: many-to-many pairs.
 */
import type { TablePlan } from '../plan/types.js';
import { idFilters, keyFilters, keyIdentity } from './addressing.js';
import { collectRows } from './page-read.js';
import { keyColumns } from './row-plan.js';
import type { DataverseClient } from '../dataverse/client-types.js';

/** source id -> target id, for the ids that have a row in the target (all of them, when ids are preserved). */
export async function targetIdsOf(
    ctx: { source: DataverseClient; target: DataverseClient },
    table: TablePlan,
    sourceIds: readonly string[],
    signal?: AbortSignal,
): Promise<Map<string, string>> {
    const ids = [...new Set(sourceIds.map((id) => id.toLowerCase()))];
    const map = new Map<string, string>();
    if (table.match.kind === 'id') {
        for (const id of ids) map.set(id, id);
        return map;
    }
    const { sourceColumns } = table.match;
    const options = { pageSize: 5000, ...(signal ? { signal } : {}) };
    const sourceRows = (
        await Promise.all(
            idFilters(table.source.primaryId, ids).map((filter) =>
                collectRows(
                    ctx.source.queryPages(
                        table.source.entitySetName,
                        { select: [table.source.primaryId, ...sourceColumns], filter },
                        options,
                    ),
                ),
            ),
        )
    ).flat();
    const byIdentity = new Map<string, string[]>();
    const tuples: unknown[][] = [];
    for (const row of sourceRows) {
        const values = sourceColumns.map((c) => row[c] ?? null);
        if (values.some((v) => v === null || v === '')) continue;
        const identity = keyIdentity(values);
        const list = byIdentity.get(identity);
        if (list) list.push(String(row[table.source.primaryId]).toLowerCase());
        else {
            byIdentity.set(identity, [String(row[table.source.primaryId]).toLowerCase()]);
            tuples.push(values);
        }
    }
    const columns = keyColumns(table);
    const targetRows = (
        await Promise.all(
            keyFilters(columns, tuples).map((filter) =>
                collectRows(
                    ctx.target.queryPages(
                        table.target.entitySetName,
                        { select: [table.target.primaryId, ...columns.map((c) => c.name)], filter },
                        options,
                    ),
                ),
            ),
        )
    ).flat();
    for (const row of targetRows) {
        const identity = keyIdentity(columns.map((c) => row[c.name] ?? null));
        for (const sourceId of byIdentity.get(identity) ?? [])
            map.set(sourceId, String(row[table.target.primaryId]).toLowerCase());
    }
    return map;
}
