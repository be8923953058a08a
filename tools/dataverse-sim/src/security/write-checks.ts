/**
 * The privileges a write needs, checked before anything is stored: Create for a new row; Write at a depth that reaches
 * the row for changed columns; Assign for an owner other than the caller (on create) or any owner change (on update:
 * an update of ownerid is an Assign); Append on the row's table and AppendTo on the referenced row for every lookup set;
 * Delete at a depth that reaches the row. (Security concepts in Dataverse: "Append: attach the record to another";
 * "Append To: attach another record to this one"; "Assign: give ownership to another user".)
 */
import type { SimRow, SimTable } from '../model.js';
import { isLookupValue } from '../model.js';
import type { TableInfo } from '../server/schema-index.js';
import type { Store } from '../server/store.js';
import type { RestrictedPrincipal } from './principal.js';
import { ownerAttribute } from './principal.js';

export function checkCreate(principal: RestrictedPrincipal, info: TableInfo, row: SimRow, store: Store): void {
    const { table } = info;
    principal.requirePrivilege(table, 'create');
    const owner = ownerAttribute(table);
    const ownerValue = owner ? row[owner] : undefined;
    if (isLookupValue(ownerValue) && ownerValue.id !== principal.userId) principal.requirePrivilege(table, 'assign');
    checkLookups(principal, table, row, store);
}

export function checkUpdate(
    principal: RestrictedPrincipal,
    info: TableInfo,
    existing: SimRow,
    changes: SimRow,
    store: Store,
): void {
    const { table } = info;
    const owner = ownerAttribute(table);
    const columns = Object.keys(changes).filter((c) => c !== owner && c !== table.primaryIdAttribute);
    if (columns.length > 0) principal.requireRow(table, existing, 'write');
    if (owner && owner in changes) principal.requireRow(table, existing, 'assign');
    checkLookups(principal, table, changes, store);
}

export function checkDelete(principal: RestrictedPrincipal, info: TableInfo, existing: SimRow): void {
    principal.requireRow(info.table, existing, 'delete');
}

/** Append on the table and AppendTo on the other row, for a many-to-many pair or a lookup. */
export function checkAppend(
    principal: RestrictedPrincipal,
    table: SimTable,
    other: { table: SimTable; row: SimRow | undefined },
): void {
    principal.requirePrivilege(table, 'append');
    if (other.row) principal.requireRow(other.table, other.row, 'appendto');
    else principal.requirePrivilege(other.table, 'appendto');
}

function checkLookups(principal: RestrictedPrincipal, table: SimTable, values: SimRow, store: Store): void {
    for (const attr of table.attributes) {
        if (attr.type !== 'Lookup' && attr.type !== 'Customer') continue;
        const value = values[attr.logicalName];
        if (!isLookupValue(value)) continue;
        const target = store.schema.table(value.table)?.table;
        if (!target) continue;
        checkAppend(principal, table, { table: target, row: store.get(value.table, value.id) });
    }
}
