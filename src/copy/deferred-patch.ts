/**
 * What of a deferred patch (the lookups that close a cycle, the update-only columns of new rows) the target does not
 * hold yet. The deferred phase reads its rows first, as every other write does: a page patched again (activities
 * run at least once) or a patch whose answer was lost writes only what still differs, and a row that already holds
 * it all is unchanged. A binding by alternate key cannot be compared by id, so it is always sent.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import type { ColumnMapping, TablePlan } from '../plan/types.js';
import { filterBudget, idFilters, keyColumns, keyFilters } from './addressing.js';
import { actualLookup } from './lookups.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import { addressIdentity, targetIdentity, type RowAddress } from './row-plan.js';
import { sameValue } from './values.js';

const BIND = '@odata.bind';
/** `/accounts(<guid>)`: a binding by id, the only kind a read's `_x_value` can be compared with. */
const BIND_BY_ID = /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)$/i;

/** A deferred patch: the row's address in the target and the fields to set. */
export interface DeferredPatch {
    address: RowAddress;
    row: Row;
}

/** The lookup column a `<nav>@odata.bind` field sets, and the table that navigation property points to. */
function boundColumn(table: TablePlan, field: string): { column: ColumnMapping; targetTable: string } | undefined {
    const nav = field.slice(0, -BIND.length);
    for (const column of table.columns) {
        const target = column.lookup?.targets.find((t) => t.navigationProperty === nav);
        if (target) return { column, targetTable: target.table };
    }
    return undefined;
}

function isAddressField(table: TablePlan, field: string): boolean {
    return field === table.target.primaryId || field === '@odata.id';
}

/** The target rows of these patches, by address identity, with the columns the patches set. */
export async function readPatchedRows(
    client: DataverseClient,
    table: TablePlan,
    patches: readonly DeferredPatch[],
    options: ReadOptions = {},
): Promise<Map<string, Row>> {
    const select = new Set([table.target.primaryId, ...keyColumns(table).map((k) => k.name)]);
    for (const { row } of patches)
        for (const field of Object.keys(row)) {
            if (isAddressField(table, field)) continue;
            if (field.endsWith(BIND)) {
                const bound = boundColumn(table, field);
                if (bound) select.add(`_${bound.column.target}_value`);
            } else select.add(field);
        }
    const ids = patches.flatMap((p) => (p.address.kind === 'id' ? [p.address.id] : []));
    const tuples = patches.flatMap((p) => (p.address.kind === 'key' ? [p.address.values] : []));
    const budget = filterBudget([...select]);
    const filters = [
        ...idFilters(table.target.primaryId, ids, budget),
        ...(tuples.length > 0 ? keyFilters(keyColumns(table), tuples, budget) : []),
    ];
    const set = table.target.entitySetName;
    const rows = await readFiltered(client, set, [...select], filters, options);
    return new Map(rows.map((row) => [targetIdentity(table, row), row]));
}

/** Whether the target row already holds one field of a patch. */
function holds(table: TablePlan, field: string, value: unknown, target: Row): boolean {
    if (!field.endsWith(BIND)) {
        const column = table.columns.find((c) => c.target === field);
        return column !== undefined && sameValue(column, value, target[field]);
    }
    const bound = boundColumn(table, field);
    if (!bound) return false;
    const actual = actualLookup(target, bound.column.target);
    if (value === null) return actual === null;
    const id = typeof value === 'string' ? BIND_BY_ID.exec(value)?.[1] : undefined;
    if (!id || !actual) return false;
    return actual.id === id.toLowerCase() && (actual.table === undefined || actual.table === bound.targetTable);
}

/**
 * The part of the patch the target row does not hold yet (with the row's address), or undefined when it holds it
 * all. A row not found gets the whole patch: the update fails on it with the service's own "does not exist".
 */
export function remainingPatch(
    table: TablePlan,
    patch: DeferredPatch,
    targets: ReadonlyMap<string, Row>,
): Row | undefined {
    const target = targets.get(addressIdentity(patch.address));
    if (!target) return patch.row;
    const remaining: Row = {};
    let differs = false;
    for (const [field, value] of Object.entries(patch.row)) {
        const address = isAddressField(table, field);
        const missing = !address && !holds(table, field, value, target);
        if (address || missing) remaining[field] = value;
        differs ||= missing;
    }
    // A state carried in the patch (copy/follow-up-write.ts) goes as its pair: a status is valid only with its state.
    const state = table.state;
    if (state && (state.targetStateColumn in remaining || state.targetStatusColumn in remaining))
        for (const column of [state.targetStateColumn, state.targetStatusColumn])
            if (column in patch.row) remaining[column] = patch.row[column];
    return differs ? remaining : undefined;
}
