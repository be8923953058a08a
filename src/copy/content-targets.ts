/**
 * Where a page's content goes: each row's target id, and the content references of both sides. A row matched by id
 * has the source id in the target; one matched by an alternate key has the id the target gave it, read by its key
 * values (the content messages address rows by id only).
 */
import type { ContentRef } from '../dataverse/content/index.js';
import type { TablePlan, ContentColumn } from '../plan/types.js';
import { filterBudget, keyColumns, keyFilters } from './addressing.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import { targetIdentity, type RowAddress } from './row-plan.js';
import type { DataverseClient } from '../dataverse/client-types.js';

/** Target ids by address identity; a row not found in the target is absent. */
export async function contentTargetIds(
    target: DataverseClient,
    table: TablePlan,
    addresses: readonly RowAddress[],
    options: ReadOptions,
): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const unknown: Array<readonly unknown[]> = [];
    for (const address of addresses) {
        if (address.kind === 'id') ids.set(address.id, address.id);
        else if (address.targetId) ids.set(address.identity, address.targetId);
        else unknown.push(address.values);
    }
    if (unknown.length === 0) return ids;
    const keys = keyColumns(table);
    const select = [table.target.primaryId, ...keys.map((k) => k.name)];
    const rows = await readFiltered(
        target,
        table.target.entitySetName,
        select,
        keyFilters(keys, unknown, filterBudget(select)),
        options,
    );
    for (const row of rows) ids.set(targetIdentity(table, row), String(row[table.target.primaryId]).toLowerCase());
    return ids;
}

/** The content reference of a row's column on one side. */
export function contentRef(table: TablePlan, column: ContentColumn, side: 'source' | 'target', id: string): ContentRef {
    if (column.kind === 'note') return { kind: 'annotation', id };
    if (column.kind === 'attachment') return { kind: 'attachment', id };
    const endpoint = side === 'source' ? table.source : table.target;
    return {
        kind: 'column',
        table: endpoint.logicalName,
        primaryId: endpoint.primaryId,
        id,
        column: side === 'source' ? column.source : column.target,
    };
}
