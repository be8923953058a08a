/**
 * One source row against its target row: what the target should hold (values through the plan's
 * mapping, lookups through the resolver) and what to write to get there. A row missing in the target
 * is created without its deferred lookups and without statecode/statuscode (a real environment
 * refuses an inactive row on create); an existing row gets only its changed columns; an identical row
 * is left alone, which is what makes re-runs and scheduled syncs cheap. Deferred lookups, update-only
 * columns of new rows and state changes become follow-up work for the later phases. The currency of a
 * row with money values is never cleared (the platform would put the same amounts in its base currency):
 * an unmatched one fails the row. verify compares with the same functions, so "copied" and "identical"
 * mean the same thing.
 */
import type { Row } from '../dataverse/client-types.js';
import type { ColumnMapping, TablePlan } from '../plan/types.js';
import { isCurrencyLookup } from '../plan/currencies.js';
import { entityPath } from '../dataverse/odata-url.js';
import {
    isAddressableKey,
    isLookupType,
    keyCollation,
    keyColumns,
    keyIdentity,
    keyPath,
    sourceKeyProperties,
} from './addressing.js';
import { targetIdForUnaddressable } from './key-addresses.js';
import { actualLookup, type LookupResolver, type LookupValue } from './lookups.js';
import { sameValue, targetValue } from './values.js';
import { decideParties, expectedParties, partyLookups, type ExpectedParties } from './parties.js';

/**
 * How a row is addressed in the target: its preserved id, or its alternate-key values. A key address has a `path`
 * when its values can be in a URL; otherwise the row is addressed by `targetId`, set once the target was read
 * (`withTargetId`).
 */
export type RowAddress =
    { kind: 'id'; id: string } | { kind: 'key'; path?: string; targetId?: string; values: unknown[]; identity: string };

export interface ExpectedRow {
    sourceId: string;
    address: RowAddress;
    values: Array<{ column: ColumnMapping; value: unknown }>;
    lookups: Array<{ column: ColumnMapping; value: LookupValue }>;
    state?: { state: number; status: number };
    /** An activity's parties (copy/parties.ts). */
    parties?: ExpectedParties;
}

export const MISSING_KEY_CODE = 'MissingKey';

/** A source row of a key-matched table whose alternate-key value is empty: it cannot be matched, so it fails. */
export function missingKey(table: TablePlan, row: Row): { code: string; column: string; message: string } | undefined {
    if (table.match.kind !== 'key') return undefined;
    const properties = sourceKeyProperties(table);
    const index = properties.findIndex((p) => row[p] === null || row[p] === undefined || row[p] === '');
    if (index < 0) return undefined;
    const empty = table.match.sourceColumns[index]!;
    return {
        code: MISSING_KEY_CODE,
        column: empty,
        message: `the alternate key column '${empty}' is empty, so the row cannot be matched in the target`,
    };
}

export interface StateChange {
    state: number;
    status: number;
    /** The target row's state before the change (the state a create leaves, for new rows). */
    from?: { state: number; status: number };
}

export interface RowDecision {
    action: 'create' | 'update' | 'none' | 'fail';
    /** The write: full for a create, changed columns only for an update. */
    payload?: Row;
    /** Patched in the deferred phase: deferred lookups, and update-only columns of new rows. */
    deferred?: Row;
    state?: StateChange;
    /** Target columns that differ (for an update) or are set (for a create); for verify and logs. */
    changed: string[];
    /** Lookup columns cleared because their value could not be resolved (onUnresolvedLookup 'clear'). */
    cleared: string[];
    failure?: { code: string; column: string; message: string };
}

export const UNRESOLVED_LOOKUP_CODE = 'UnresolvedLookup';

export const UNRESOLVED_KEY_CODE = 'UnresolvedKey';

/** A row with money values whose currency has no match in the target: failed, never moved to the base currency. */
export const UNMATCHED_CURRENCY_CODE = 'UnmatchedCurrency';

/** Target money columns the row sets: with any of them, the row's currency lookup is never cleared. */
function moneyValues(expected: ExpectedRow): string[] {
    return expected.values.filter((v) => v.column.type === 'Money' && v.value !== null).map((v) => v.column.target);
}

/**
 * The target address of a source row (for key matches: its key values read from the source columns; a lookup key
 * part is the target id of the row it points to, which `lookupPart` gives, null when the target has none).
 */
export function addressOf(
    table: TablePlan,
    row: Row,
    lookupPart: (column: ColumnMapping) => string | undefined = () => undefined,
): RowAddress {
    const sourceId = String(row[table.source.primaryId]).toLowerCase();
    if (table.match.kind === 'id') return { kind: 'id', id: sourceId };
    const columns = keyColumns(table);
    const { sourceColumns } = table.match;
    const values = sourceKeyProperties(table).map((property, i) => {
        if (!isLookupType(columns[i]?.type)) return row[property] ?? null;
        const column = table.columns.find((c) => c.source === sourceColumns[i] && c.kind === 'lookup');
        return (column && lookupPart(column)) ?? null;
    });
    return {
        kind: 'key',
        ...(isAddressableKey(values, columns) ? { path: keyPath(table.target.entitySetName, columns, values) } : {}),
        values,
        identity: keyIdentity(values, keyCollation(table)),
    };
}

/** A key address without a path gets the target id it is written by (the existing row's, or the one to create). */
export function withTargetId(table: TablePlan, expected: ExpectedRow, target: Row | undefined): void {
    const { address } = expected;
    if (address.kind !== 'key' || address.path !== undefined) return;
    address.targetId = targetIdForUnaddressable(table, expected.sourceId, target);
}

/** The row's path relative to the API root: by id, by key, or by the target id of an unaddressable key. */
export function addressPath(table: TablePlan, address: RowAddress): string {
    if (address.kind === 'id') return entityPath(table.target.entitySetName, address.id);
    if (address.path !== undefined) return address.path;
    if (address.targetId !== undefined) return entityPath(table.target.entitySetName, address.targetId);
    throw new Error(`internal error: the key ${JSON.stringify(address.values)} has neither a path nor a target id`);
}

/** The identity of a target row in the index of target rows (its id, or its key values, lookups as `_x_value`). */
export function targetIdentity(table: TablePlan, row: Row): string {
    if (table.match.kind === 'id') return String(row[table.target.primaryId]).toLowerCase();
    return keyIdentity(
        keyColumns(table).map((c) => row[c.name] ?? null),
        keyCollation(table),
    );
}

/**
 * A key-matched row whose lookup key part points to a row with no target row (yet): it cannot be matched, so it
 * fails naming the column.
 */
export function unresolvedKey(
    table: TablePlan,
    expected: ExpectedRow,
): { code: string; column: string; message: string } | undefined {
    if (table.match.kind !== 'key' || expected.address.kind !== 'key') return undefined;
    const index = expected.address.values.findIndex((v) => v === null);
    if (index < 0) return undefined;
    const column = table.match.sourceColumns[index]!;
    return {
        code: UNRESOLVED_KEY_CODE,
        column,
        message: `the alternate key column '${column}' points to a row that has no row in the target, so the row cannot be matched`,
    };
}

/** The lookup values of a key-matched table's lookup key parts (their target ids are read before addressing). */
export function keyLookupValues(table: TablePlan, rows: readonly Row[], resolver: LookupResolver): LookupValue[] {
    if (table.match.kind !== 'key') return [];
    const { sourceColumns } = table.match;
    const columns = table.columns.filter((c) => c.kind === 'lookup' && sourceColumns.includes(c.source));
    return rows.flatMap((row) => columns.map((c) => resolver.resolve(c, row)));
}

export function addressIdentity(address: RowAddress): string {
    return address.kind === 'id' ? address.id : address.identity;
}

function isStateColumn(table: TablePlan, column: ColumnMapping): boolean {
    return column.source === table.state?.stateColumn || column.source === table.state?.statusColumn;
}

function isKeyColumn(table: TablePlan, column: ColumnMapping): boolean {
    return table.match.kind === 'key' && table.match.columns.includes(column.target);
}

/** A column the target's own logic sets (declared, or noticed by an earlier run): never compared nor written. */
export function isPlatformOwned(table: TablePlan, column: ColumnMapping): boolean {
    return table.platformOwned?.some((p) => p.column === column.target) === true;
}

export function expectedRow(table: TablePlan, row: Row, resolver: LookupResolver): ExpectedRow {
    const values: ExpectedRow['values'] = [];
    const lookups: ExpectedRow['lookups'] = [];
    for (const column of table.columns) {
        if (isStateColumn(table, column) || isPlatformOwned(table, column)) continue;
        if (column.kind === 'lookup') lookups.push({ column, value: resolver.resolve(column, row) });
        else values.push({ column, value: targetValue(column, row[column.source]) });
    }
    const resolved = new Map(lookups.map((l) => [l.column, l.value]));
    const expected: ExpectedRow = {
        sourceId: String(row[table.source.primaryId]).toLowerCase(),
        address: addressOf(table, row, (column) => {
            const value = resolved.get(column);
            return value ? resolver.targetIdOf(value) : undefined;
        }),
        values,
        lookups,
    };
    const parties = expectedParties(table, row, resolver);
    if (parties) expected.parties = parties;
    if (table.state) {
        const stateColumn = table.columns.find((c) => c.source === table.state!.stateColumn);
        const statusColumn = table.columns.find((c) => c.source === table.state!.statusColumn);
        const state = stateColumn ? targetValue(stateColumn, row[stateColumn.source]) : undefined;
        const status = statusColumn ? targetValue(statusColumn, row[statusColumn.source]) : undefined;
        if (typeof state === 'number' && typeof status === 'number') expected.state = { state, status };
    }
    return expected;
}

function addressPayload(table: TablePlan, address: RowAddress): Row {
    if (address.kind === 'id') return { [table.target.primaryId]: address.id };
    if (address.path !== undefined) return { '@odata.id': address.path };
    if (address.targetId !== undefined) return { [table.target.primaryId]: address.targetId };
    throw new Error(`internal error: the key ${JSON.stringify(address.values)} has neither a path nor a target id`);
}

/** A create by key path carries the key in `@odata.id`; one by target id must set the key columns itself. */
function keyInBody(address: RowAddress): boolean {
    return address.kind === 'key' && address.path === undefined;
}

/** Every lookup that must be compared against the target needs a known target id first. */
export function lookupsToCompare(expected: readonly ExpectedRow[]): LookupValue[] {
    return expected.flatMap((e) => [...e.lookups.map((l) => l.value), ...partyLookups(e.parties)]);
}

interface LookupOutcome {
    /** What the target should hold: a bind, null, or leave it as it is. */
    want: 'bind' | 'null' | 'keep';
    reason?: string;
}

function lookupOutcome(
    column: ColumnMapping,
    value: LookupValue,
    onUnresolved: 'clear' | 'fail',
): LookupOutcome | { fail: string } {
    if (value.kind === 'bind') return { want: 'bind' };
    if (value.kind === 'null') return { want: 'null' };
    if (onUnresolved === 'fail') return { fail: `${column.source} ${value.reason}` };
    // A required lookup cannot be emptied: leave it to the platform's default (the caller, for an owner).
    return column.lookup?.required ? { want: 'keep', reason: value.reason } : { want: 'null', reason: value.reason };
}

function sameLookup(resolver: LookupResolver, value: LookupValue, actual: ReturnType<typeof actualLookup>): boolean {
    if (value.kind !== 'bind') return actual === null;
    if (!actual) return false;
    const id = resolver.targetIdOf(value);
    if (id === undefined || id !== actual.id) return false;
    return actual.table === undefined || actual.table === value.targetTable;
}

/** The navigation property that clears a lookup (any of a polymorphic lookup's properties does). */
function clearingProperty(column: ColumnMapping, actual: ReturnType<typeof actualLookup>): string | undefined {
    const targets = column.lookup?.targets ?? [];
    const named = actual?.table ? targets.find((t) => t.table === actual.table) : undefined;
    return named?.navigationProperty ?? targets.find((t) => t.navigationProperty)?.navigationProperty;
}

export interface DecideOptions {
    onUnresolvedLookup: 'clear' | 'fail';
}

/** What to write so that the target row (or its absence) matches `expected`. */
export function decideRow(
    table: TablePlan,
    expected: ExpectedRow,
    target: Row | undefined,
    resolver: LookupResolver,
    options: DecideOptions,
): RowDecision {
    const creating = target === undefined;
    const payload: Row = {};
    const deferred: Row = {};
    const changed: string[] = [];
    const cleared: string[] = [];

    for (const { column, value } of expected.values) {
        if (isKeyColumn(table, column) && !creating) continue; // equal by definition: the row was found by it
        if (creating) {
            if (value === null) continue;
            if (isKeyColumn(table, column) && !keyInBody(expected.address)) continue; // carried in @odata.id
            if (column.writable === 'update') deferred[column.target] = value;
            else payload[column.target] = value;
            changed.push(column.target);
        } else {
            if (column.writable === 'create') continue; // e.g. overriddencreatedon: the platform keeps its own
            if (sameValue(column, value, target[column.target])) continue;
            payload[column.target] = value;
            changed.push(column.target);
        }
    }

    const money = moneyValues(expected);
    for (const { column, value } of expected.lookups) {
        if (!creating && column.writable === 'create') continue; // never written on an update, so never failed
        if (money.length > 0 && isCurrencyLookup(column) && value.kind !== 'bind') {
            // Never cleared: the platform would give the row its base currency, keeping the same amounts.
            if (value.kind === 'null') continue;
            return {
                action: 'fail',
                changed: [],
                cleared: [],
                failure: {
                    code: UNMATCHED_CURRENCY_CODE,
                    column: column.target,
                    message: `${column.source} ${value.reason}, and the row has money values (${money.join(', ')}): without its currency the target would keep the same amounts in its base currency, so the row is not written; create the currency in the target, or map it with references.transactioncurrency`,
                },
            };
        }
        const outcome = lookupOutcome(column, value, options.onUnresolvedLookup);
        if ('fail' in outcome) {
            return {
                action: 'fail',
                changed: [],
                cleared: [],
                failure: { code: UNRESOLVED_LOOKUP_CODE, column: column.target, message: outcome.fail },
            };
        }
        // An unresolved value counts as cleared where it changes the row: dropped from a create, or emptied.
        if (outcome.reason !== undefined && creating) cleared.push(column.target);
        if (outcome.want === 'keep') continue;
        // Deferred lookups wait for their phase; so do update-only lookups of a row being created.
        const into = column.deferred || (creating && column.writable === 'update') ? deferred : payload;
        const actual = creating ? null : actualLookup(target, column.target);
        if (outcome.want === 'null') {
            if (actual === null) continue;
            const nav = clearingProperty(column, actual);
            if (nav === undefined) continue;
            into[`${nav}@odata.bind`] = null;
            changed.push(column.target);
            if (outcome.reason !== undefined && !creating) cleared.push(column.target);
            continue;
        }
        if (value.kind !== 'bind' || (!creating && sameLookup(resolver, value, actual))) continue;
        into[`${value.navigationProperty}@odata.bind`] = value.bind;
        changed.push(column.target);
    }

    const parties = expected.parties && decideParties(table, expected.parties, target, resolver, options);
    if (parties && 'fail' in parties)
        return {
            action: 'fail',
            changed: [],
            cleared: [],
            failure: { code: UNRESOLVED_LOOKUP_CODE, column: parties.fail.column, message: parties.fail.message },
        };
    if (parties?.write) {
        payload[parties.write.navigation] = parties.write.collection;
        changed.push(parties.write.navigation);
        if (parties.cleared) cleared.push(parties.write.navigation);
    }

    const decision: RowDecision = {
        action: creating ? 'create' : Object.keys(payload).length > 0 ? 'update' : 'none',
        changed,
        cleared,
    };
    if (decision.action !== 'none') decision.payload = { ...addressPayload(table, expected.address), ...payload };
    if (Object.keys(deferred).length > 0)
        decision.deferred = { ...addressPayload(table, expected.address), ...deferred };

    if (expected.state && table.state) {
        const current = creating
            ? table.state.created
            : readState(target, table.state.targetStateColumn, table.state.targetStatusColumn);
        if (!current || current.state !== expected.state.state || current.status !== expected.state.status) {
            decision.state = { ...expected.state, ...(current ? { from: current } : {}) };
        }
    }
    return decision;
}

function readState(row: Row, stateColumn: string, statusColumn: string): { state: number; status: number } | undefined {
    const state = row[stateColumn];
    const status = row[statusColumn];
    return typeof state === 'number' && typeof status === 'number' ? { state, status } : undefined;
}

/** Target columns a comparison reads: the written columns (lookups as `_x_value`), state, id and key. */
export function targetSelect(table: TablePlan): string[] {
    const columns = new Set<string>([table.target.primaryId]);
    for (const column of table.columns) {
        if (column.writable === 'create' || isPlatformOwned(table, column)) continue;
        columns.add(column.kind === 'lookup' ? `_${column.target}_value` : column.target);
    }
    for (const c of keyColumns(table)) columns.add(c.name);
    return [...columns];
}

/** Source columns a copy reads: every mapped column (lookups as `_x_value`), the id and key columns. */
export function sourceSelect(table: TablePlan): string[] {
    const columns = new Set<string>([table.source.primaryId]);
    for (const column of table.columns)
        columns.add(column.kind === 'lookup' ? `_${column.source}_value` : column.source);
    for (const property of sourceKeyProperties(table)) columns.add(property);
    return [...columns];
}
