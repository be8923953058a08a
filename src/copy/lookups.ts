/**
 * Lookup values at copy time: a source lookup (`_x_value` + its lookuplogicalname annotation) becomes
 * an `@odata.bind` on the target navigation property the plan chose for that table: the same id for
 * parents copied with their ids, the parent's alternate-key values for parents matched on a key, the
 * matched target row for reference tables (users, teams, ...), or unresolved with a reason. Key values
 * of parents and the target ids behind key references are read in batches, once per page.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { DEFAULT_COLLATION, type Collation } from '../dataverse/collation.js';
import type { ColumnMapping, LookupTarget, Plan } from '../plan/types.js';
import {
    filterBudget,
    idFilters,
    isAddressableKey,
    keyColumns,
    keyFilters,
    keyCollation,
    keyIdentity,
    keyPath,
    type KeyColumn,
} from './addressing.js';
import type { StoredReferences } from '../run/run-context.js';
import { createdIdFor } from './key-addresses.js';

export const LOOKUP_TABLE_ANNOTATION = 'Microsoft.Dynamics.CRM.lookuplogicalname';

/** The Web API property holding a lookup's id. */
export function lookupProperty(column: string): string {
    return `_${column}_value`;
}

/** A parent row addressed by its alternate key in the target. */
export interface KeyReference {
    entitySet: string;
    table: string;
    columns: KeyColumn[];
    values: unknown[];
}

export type LookupValue =
    | { kind: 'null' }
    | {
          kind: 'bind';
          navigationProperty: string;
          /** `/accounts(<id>)` or `/accounts(accountnumber='A-1')`. */
          bind: string;
          /** Target logical name of the referenced row. */
          targetTable: string;
          /** Known for parents copied with their ids and for reference matches. */
          targetId?: string;
          keyReference?: KeyReference;
      }
    | { kind: 'unresolved'; reason: string };

/** What a target row holds in a lookup column, from `_x_value` and its annotation. */
export function actualLookup(row: Row, targetColumn: string): { id: string; table?: string } | null {
    const property = lookupProperty(targetColumn);
    const id = row[property];
    if (typeof id !== 'string' || id === '') return null;
    const table = row[`${property}@${LOOKUP_TABLE_ANNOTATION}`];
    return { id: id.toLowerCase(), ...(typeof table === 'string' ? { table } : {}) };
}

/** What resolving lookups needs: the plan, the run's reference matches, both environments. */
export interface LookupResolverOptions {
    plan: Plan;
    references: StoredReferences;
    source: DataverseClient;
    target: DataverseClient;
    signal?: AbortSignal;
}

export class LookupResolver {
    /** `table|sourceId` -> the parent's key values in the source (null: no such parent). */
    private readonly sourceKeys = new Map<string, unknown[] | null>();
    /** `table|keyIdentity` -> target id (null: no target row with those key values). */
    private readonly targetIds = new Map<string, string | null>();
    /** Key columns (with types) of parents matched on an alternate key, by source table: once, not per row. */
    private readonly parentKeys = new Map<string, KeyColumn[]>();
    /** `table|sourceId` of parents outside their table's filter: not copied, so not bindable. */
    private readonly outOfScope = new Set<string>();
    /** How the target compares key strings, by target table. */
    private readonly collations = new Map<string, Collation>();

    private readonly plan: Plan;
    private readonly references: StoredReferences;
    private readonly source: DataverseClient;
    private readonly target: DataverseClient;
    private readonly signal: AbortSignal | undefined;

    constructor(options: LookupResolverOptions) {
        this.plan = options.plan;
        this.references = options.references;
        this.source = options.source;
        this.target = options.target;
        this.signal = options.signal;
    }

    /** The plan's entry for the table a source value points to. */
    private targetFor(column: ColumnMapping, row: Row): LookupTarget | undefined {
        const targets = column.lookup?.targets ?? [];
        const named = row[`${lookupProperty(column.source)}@${LOOKUP_TABLE_ANNOTATION}`];
        if (typeof named === 'string') return targets.find((t) => t.table === named);
        return targets.length === 1 ? targets[0] : undefined;
    }

    /**
     * Reads, in batches, what binding these rows' lookups needs from the source: the key values of
     * parents matched on a key, and which parents of filtered tables are outside their filter (those
     * rows are not copied, so a lookup to them is unresolved rather than a bind the target refuses).
     */
    async prepare(rows: readonly Row[], columns: readonly ColumnMapping[]): Promise<void> {
        const keyed = new Map<string, Set<string>>();
        const filtered = new Map<string, Set<string>>();
        const want = (into: Map<string, Set<string>>, table: string, id: string) => {
            let ids = into.get(table);
            if (!ids) into.set(table, (ids = new Set()));
            ids.add(id);
        };
        for (const column of columns) {
            if (column.kind !== 'lookup') continue;
            for (const row of rows) {
                const raw = row[lookupProperty(column.source)];
                const binding = this.targetFor(column, row)?.binding;
                if (typeof raw !== 'string' || !binding || (binding.kind !== 'run-key' && binding.kind !== 'run-id'))
                    continue;
                const id = raw.toLowerCase();
                if (binding.kind === 'run-key' && !this.sourceKeys.has(`${binding.table}|${id}`))
                    want(keyed, binding.table, id);
                if (this.plan.tables[binding.table]?.filter !== undefined) want(filtered, binding.table, id);
            }
        }
        const options = { pageSize: 5000, signal: this.signal };
        const keys = [...keyed].map(async ([table, ids]) => {
            const parent = this.plan.tables[table];
            if (!parent || parent.match.kind !== 'key') return;
            const { sourceColumns } = parent.match;
            const pk = parent.source.primaryId;
            for (const id of ids) this.sourceKeys.set(`${table}|${id}`, null);
            const select = [pk, ...sourceColumns];
            for (const filter of idFilters(pk, [...ids], filterBudget(select))) {
                const query = { select, filter };
                for await (const page of this.source.queryPages(parent.source.entitySetName, query, options)) {
                    for (const parentRow of page) {
                        const id = String(parentRow[pk]).toLowerCase();
                        this.sourceKeys.set(
                            `${table}|${id}`,
                            sourceColumns.map((c) => parentRow[c] ?? null),
                        );
                    }
                }
            }
        });
        const scopes = [...filtered].map(async ([table, ids]) => {
            const parent = this.plan.tables[table]!;
            const pk = parent.source.primaryId;
            const inScope = new Set<string>();
            for (const filter of idFilters(pk, [...ids], filterBudget([pk], parent.filter))) {
                const query = { select: [pk], filter: `(${filter}) and (${parent.filter!})` };
                for await (const page of this.source.queryPages(parent.source.entitySetName, query, options))
                    for (const parentRow of page) inScope.add(String(parentRow[pk]).toLowerCase());
            }
            for (const id of ids) if (!inScope.has(id)) this.outOfScope.add(`${table}|${id}`);
        });
        await Promise.all([...keys, ...scopes]);
        // Parents whose key value cannot be in a bind (`/`, `&`, `?`...) are bound by their target id: read it now.
        const unaddressable: KeyReference[] = [];
        for (const [table, ids] of keyed) {
            const parent = this.plan.tables[table];
            if (!parent) continue;
            for (const id of ids) {
                const values = this.sourceKeys.get(`${table}|${id}`);
                if (values && !isAddressableKey(values, this.keyColumnsOf(table)))
                    unaddressable.push({
                        entitySet: parent.target.entitySetName,
                        table: parent.target.logicalName,
                        columns: this.keyColumnsOf(table),
                        values,
                    });
            }
        }
        await this.readTargetIds(unaddressable);
    }

    private keyColumnsOf(table: string): KeyColumn[] {
        let columns = this.parentKeys.get(table);
        if (!columns) {
            const parent = this.plan.tables[table];
            columns = parent ? keyColumns(parent) : [];
            this.parentKeys.set(table, columns);
        }
        return columns;
    }

    resolve(column: ColumnMapping, row: Row): LookupValue {
        const raw = row[lookupProperty(column.source)];
        if (typeof raw !== 'string' || raw === '') return { kind: 'null' };
        const id = raw.toLowerCase();
        const target = this.targetFor(column, row);
        if (!target) {
            const named = row[`${lookupProperty(column.source)}@${LOOKUP_TABLE_ANNOTATION}`];
            return {
                kind: 'unresolved',
                reason: `points to ${typeof named === 'string' ? `'${named}'` : 'a table the source did not name'}, which the plan does not map`,
            };
        }
        const { binding } = target;
        const nav = target.navigationProperty;
        if (binding.kind === 'unresolved' || nav === undefined)
            return {
                kind: 'unresolved',
                reason: `points to '${target.table}', which is neither copied in this run nor a reference table`,
            };
        if ((binding.kind === 'run-id' || binding.kind === 'run-key') && this.outOfScope.has(`${binding.table}|${id}`))
            return {
                kind: 'unresolved',
                reason: `points to ${binding.table} ${id}, which is outside the run's filter for ${binding.table} (not copied)`,
            };
        switch (binding.kind) {
            case 'run-id':
                return {
                    kind: 'bind',
                    navigationProperty: nav,
                    bind: `/${binding.targetEntitySet}(${id})`,
                    targetTable: binding.targetTable,
                    targetId: id,
                };
            case 'run-key': {
                const values = this.sourceKeys.get(`${binding.table}|${id}`);
                if (!values)
                    return {
                        kind: 'unresolved',
                        reason: `points to ${binding.table} ${id}, which is not in the source`,
                    };
                if (values.some((v) => v === null || v === ''))
                    return {
                        kind: 'unresolved',
                        reason: `points to ${binding.table} ${id}, whose key ${binding.key} is empty`,
                    };
                const columns = this.keyColumnsOf(binding.table);
                if (!isAddressableKey(values, columns)) {
                    // The existing target row's id, else the id the copy creates the parent with (key-addresses.ts).
                    const targetId =
                        this.targetIds.get(`${binding.targetTable}|${this.identityIn(binding.targetTable, values)}`) ??
                        createdIdFor(binding.targetTable, id);
                    return {
                        kind: 'bind',
                        navigationProperty: nav,
                        bind: `/${binding.targetEntitySet}(${targetId})`,
                        targetTable: binding.targetTable,
                        targetId,
                    };
                }
                return {
                    kind: 'bind',
                    navigationProperty: nav,
                    bind: `/${keyPath(binding.targetEntitySet, columns, values)}`,
                    targetTable: binding.targetTable,
                    keyReference: { entitySet: binding.targetEntitySet, table: binding.targetTable, columns, values },
                };
            }
            case 'reference': {
                const match = this.references.tables[binding.table]?.map[id];
                // An owner the target refuses (disabled, no role) is no owner: it falls back as an unmatched one.
                const refused =
                    binding.ownerFallback && match ? this.references.refusedOwners?.[match.toLowerCase()] : undefined;
                const matched =
                    (refused === undefined ? match : undefined) ??
                    (binding.ownerFallback ? this.references.fallbackOwnerId : undefined);
                if (!matched) {
                    const natural = this.references.tables[binding.table]?.unmatched?.[id];
                    const row = natural === undefined ? id : `'${natural}' (${id})`;
                    const why =
                        refused === undefined
                            ? 'has no match in the target'
                            : `matches target ${binding.table} ${match}, which ${refused},`;
                    return {
                        kind: 'unresolved',
                        reason: `points to ${binding.table} ${row}, which ${why}${binding.ownerFallback ? ' and no fallbackOwner could be used' : ''}`,
                    };
                }
                // The fallback owner is a user, whatever the source owner was (a team too).
                const table = matched === match ? binding.table : 'systemuser';
                return {
                    kind: 'bind',
                    navigationProperty: nav,
                    bind: `/${table === binding.table ? binding.targetEntitySet : 'systemusers'}(${matched.toLowerCase()})`,
                    targetTable: table,
                    targetId: matched.toLowerCase(),
                };
            }
        }
    }

    /** Reads, in batches, the target ids of every key reference among `values` (to compare lookups). */
    async prepareTargetIds(values: readonly LookupValue[]): Promise<void> {
        await this.readTargetIds(
            values.flatMap((value) => (value.kind === 'bind' && value.keyReference ? [value.keyReference] : [])),
        );
    }

    /** The target ids of these key references (null where the target has no such row), by key filter. */
    private async readTargetIds(references: readonly KeyReference[]): Promise<void> {
        const wanted = new Map<string, { reference: KeyReference; tuples: Map<string, unknown[]> }>();
        for (const reference of references) {
            const identity = this.identityIn(reference.table, reference.values);
            if (this.targetIds.has(`${reference.table}|${identity}`)) continue;
            let entry = wanted.get(reference.table);
            if (!entry) wanted.set(reference.table, (entry = { reference, tuples: new Map() }));
            entry.tuples.set(identity, reference.values);
        }
        await Promise.all(
            [...wanted.values()].map(async ({ reference, tuples }) => {
                const table = Object.values(this.plan.tables).find((t) => t.target.logicalName === reference.table);
                if (!table) return;
                const pk = table.target.primaryId;
                for (const identity of tuples.keys()) this.targetIds.set(`${reference.table}|${identity}`, null);
                const select = [pk, ...reference.columns.map((c) => c.name)];
                for (const filter of keyFilters(reference.columns, [...tuples.values()], filterBudget(select))) {
                    const query = { select, filter };
                    for await (const page of this.target.queryPages(reference.entitySet, query, {
                        pageSize: 5000,
                        signal: this.signal,
                    })) {
                        for (const row of page) {
                            const identity = this.identityIn(
                                reference.table,
                                reference.columns.map((c) => row[c.name] ?? null),
                            );
                            this.targetIds.set(`${reference.table}|${identity}`, String(row[pk]).toLowerCase());
                        }
                    }
                }
            }),
        );
    }

    /** The target id a bind value refers to, when known (after prepareTargetIds for key references). */
    targetIdOf(value: LookupValue): string | undefined {
        if (value.kind !== 'bind') return undefined;
        if (value.targetId) return value.targetId;
        if (!value.keyReference) return undefined;
        const { table, values } = value.keyReference;
        return this.targetIds.get(`${table}|${this.identityIn(table, values)}`) ?? undefined;
    }

    /** Key values' identity as the target compares them in `targetTable` (a target logical name). */
    private identityIn(targetTable: string, values: readonly unknown[]): string {
        let collation = this.collations.get(targetTable);
        if (!collation) {
            const table = Object.values(this.plan.tables).find((t) => t.target.logicalName === targetTable);
            collation = table ? keyCollation(table) : DEFAULT_COLLATION;
            this.collations.set(targetTable, collation);
        }
        return keyIdentity(values, collation);
    }
}
