/**
 * In-memory rows of one environment. Per table: rows by id, primary keys in SQL uniqueidentifier
 * order, unique indexes for Active alternate keys, and delete tombstones for change tracking. One
 * global row version counter stamps every write (`versionnumber`, the `@odata.etag`). Writes inside
 * `transaction()` are undone together when it throws (change sets, bulk actions on standard tables).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, SimError } from '../errors.js';
import type { SimDataset, SimKey, SimManyToMany, SimRow, SimTable, SimValue } from '../model.js';
import { isLookupValue } from '../model.js';
import { collationKey, type Collation } from '../odata/collation.js';
import type { RowSource } from '../odata/types.js';
import { OrderedIdIndex } from './ordered-index.js';
import type { SchemaIndex } from './schema-index.js';

export const VERSION_FIELD = 'versionnumber';

export interface Tombstone {
    id: string;
    version: number;
}

export class TableStore implements RowSource {
    readonly rows = new Map<string, SimRow>();
    readonly index = new OrderedIdIndex();
    /** Active alternate key logical name -> normalized key value -> row id. */
    readonly keyIndexes = new Map<string, Map<string, string>>();
    readonly activeKeys: SimKey[];
    readonly tombstones: Tombstone[] = [];
    rowsRead = 0;
    rowsWritten = 0;
    /** Collection reads of the table (queries, deltas, `$count`): a key walk shows as many, a count as one. */
    queries = 0;

    constructor(readonly table: SimTable) {
        this.activeKeys = (table.keys ?? []).filter((k) => (k.status ?? 'Active') === 'Active');
        for (const key of this.activeKeys) this.keyIndexes.set(key.logicalName, new Map());
    }

    get size(): number {
        return this.rows.size;
    }

    *scan(start?: { id: string; inclusive: boolean }): Generator<SimRow> {
        for (const id of this.index.scan(start)) {
            const row = this.rows.get(id);
            if (row) yield row;
        }
    }

    get(id: string): SimRow | undefined {
        return this.rows.get(id.toLowerCase());
    }
}

/** Normalized value of an alternate key for one row; undefined when a key column is null. */
export function keyValue(key: SimKey, row: SimRow, collation: Collation): string | undefined {
    const parts: string[] = [];
    for (const attr of key.keyAttributes) {
        const value = row[attr];
        if (value === null || value === undefined) return undefined;
        parts.push(normalizedKeyPart(value, collation));
    }
    return parts.join('\u0000');
}

/**
 * A key part as the unique index compares it: strings under the organization's collation (case-insensitive,
 * accent-insensitive under `_CI_AI`, trailing spaces ignored: odata/collation.ts).
 */
export function normalizedKeyPart(value: SimValue, collation: Collation): string {
    if (isLookupValue(value)) return value.id.toLowerCase();
    return typeof value === 'string' ? collationKey(value, collation) : String(value);
}

export class Store {
    readonly tables = new Map<string, TableStore>();
    /** Many-to-many schema name -> "id1|id2" -> intersect row id, plus the partners of each side's ids. */
    private readonly pairs = new Map<string, Map<string, string>>();
    private readonly partners = new Map<string, { 1: Map<string, Set<string>>; 2: Map<string, Set<string>> }>();
    private version = 0;
    private undo: Array<() => void> | undefined;

    /** `collation`: the organization's, fixed when it is created (odata/collation.ts). */
    constructor(
        readonly schema: SchemaIndex,
        readonly collation: Collation = 'CI_AI',
    ) {
        for (const info of schema.tables.values()) this.tables.set(info.table.logicalName, new TableStore(info.table));
        for (const rel of schema.manyToMany) {
            this.pairs.set(rel.schemaName, new Map());
            this.partners.set(rel.schemaName, { 1: new Map(), 2: new Map() });
        }
    }

    /** Bulk load without per-row index maintenance: one sort per table. Takes ownership of the dataset's rows. */
    load(dataset: SimDataset): void {
        const associations = new Map<string, Array<[string, string]>>();
        for (const [relName, list] of Object.entries(dataset.associations)) associations.set(relName, [...list]);
        for (const [tableName, rows] of Object.entries(dataset.rows)) {
            const rel = this.schema.intersects.get(tableName);
            if (rel) {
                // Intersect rows given as rows become associations, so both forms load the same way.
                const list = associations.get(rel.schemaName) ?? [];
                for (const row of rows) {
                    const a = row[rel.entity1IntersectAttribute];
                    const b = row[rel.entity2IntersectAttribute];
                    if (typeof a === 'string' && typeof b === 'string') list.push([a, b]);
                }
                associations.set(rel.schemaName, list);
                continue;
            }
            const ts = this.tableStore(tableName);
            const idAttr = ts.table.primaryIdAttribute;
            for (const row of rows) {
                const raw = row[idAttr];
                if (typeof raw !== 'string') throw new Error(`dataset: a ${tableName} row has no ${idAttr}`);
                // The store takes the dataset's row objects as they are (no copy: a million rows must load in
                // seconds); writes replace row objects, they never mutate them.
                const id = raw.toLowerCase();
                if (id !== raw) row[idAttr] = id;
                const version = row[VERSION_FIELD];
                if (typeof version === 'number') this.version = Math.max(this.version, version);
                else row[VERSION_FIELD] = ++this.version;
                ts.rows.set(id, row);
                this.indexKeys(ts, row, id);
            }
            ts.index.load(ts.rows.keys());
        }
        for (const [relName, list] of associations) {
            const rel = this.schema.manyToMany.find((r) => r.schemaName === relName);
            if (!rel) throw new Error(`dataset: unknown many-to-many relationship ${relName}`);
            const its = this.tableStore(rel.intersectEntityName);
            const pairs = this.pairs.get(relName)!;
            for (const [rawA, rawB] of list) {
                const a = rawA.toLowerCase();
                const b = rawB.toLowerCase();
                const key = `${a}|${b}`;
                if (pairs.has(key)) continue;
                const id = randomUUID();
                pairs.set(key, id);
                this.link(rel, a, b, true);
                its.rows.set(id, { ...this.intersectRow(rel, id, a, b), [VERSION_FIELD]: ++this.version });
            }
            its.index.load(its.rows.keys());
        }
    }

    get currentVersion(): number {
        return this.version;
    }

    /** Takes a version of its own, as a change that writes no row does (a metadata change): tokens after it are newer. */
    nextVersion(): number {
        return ++this.version;
    }

    /** An empty table created at run time (metadata writes). */
    addTable(table: SimTable): void {
        this.tables.set(table.logicalName, new TableStore(table));
    }

    /** A many-to-many relationship created at run time: its (empty) intersect table and pair indexes. */
    addManyToMany(rel: SimManyToMany, intersect: SimTable): void {
        this.addTable(intersect);
        this.pairs.set(rel.schemaName, new Map());
        this.partners.set(rel.schemaName, { 1: new Map(), 2: new Map() });
    }

    /**
     * Builds the unique index of an alternate key over the rows the table holds, as the key's index job does: false
     * (and nothing indexed) when two rows share a value, so the key ends Failed.
     */
    activateKey(table: string, key: SimKey): boolean {
        const ts = this.tableStore(table);
        const index = new Map<string, string>();
        for (const [id, row] of ts.rows) {
            const kv = keyValue(key, row, this.collation);
            if (kv === undefined) continue;
            if (index.has(kv)) return false;
            index.set(kv, id);
        }
        ts.activeKeys.push(key);
        ts.keyIndexes.set(key.logicalName, index);
        return true;
    }

    tableStore(logicalName: string): TableStore {
        const ts = this.tables.get(logicalName);
        if (!ts) throw new Error(`store: unknown table ${logicalName}`);
        return ts;
    }

    get(table: string, id: string): SimRow | undefined {
        return this.tables.get(table)?.rows.get(id.toLowerCase());
    }

    findByKey(table: string, key: SimKey, values: SimRow): string | undefined {
        const kv = keyValue(key, values, this.collation);
        return kv === undefined ? undefined : this.tableStore(table).keyIndexes.get(key.logicalName)?.get(kv);
    }

    /** Runs fn; if it throws, every write it made is undone. Nested calls join the outer transaction. */
    transaction<T>(fn: () => T): T {
        if (this.undo) return fn();
        const undo: Array<() => void> = [];
        this.undo = undo;
        try {
            return fn();
        } catch (err) {
            for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
            throw err;
        } finally {
            this.undo = undefined;
        }
    }

    insert(table: string, row: SimRow): SimRow {
        const ts = this.tableStore(table);
        const idAttr = ts.table.primaryIdAttribute;
        const id = (row[idAttr] as string).toLowerCase();
        if (ts.rows.has(id)) throw duplicateKey();
        const stored: SimRow = { ...row, [idAttr]: id, [VERSION_FIELD]: ++this.version };
        this.checkKeys(ts, stored, id);
        ts.rows.set(id, stored);
        ts.index.insert(id);
        this.indexKeys(ts, stored, id);
        ts.rowsWritten++;
        this.undo?.push(() => {
            ts.rows.delete(id);
            ts.index.delete(id);
            this.unindexKeys(ts, stored);
        });
        return stored;
    }

    update(table: string, id: string, changes: SimRow): SimRow {
        const ts = this.tableStore(table);
        const key = id.toLowerCase();
        const old = ts.rows.get(key);
        if (!old) throw new Error(`store: update of missing ${table} ${id}`);
        const next: SimRow = { ...old, ...changes, [VERSION_FIELD]: ++this.version };
        this.unindexKeys(ts, old);
        try {
            this.checkKeys(ts, next, key);
        } catch (err) {
            this.indexKeys(ts, old, key);
            throw err;
        }
        this.indexKeys(ts, next, key);
        ts.rows.set(key, next);
        ts.rowsWritten++;
        this.undo?.push(() => {
            this.unindexKeys(ts, next);
            this.indexKeys(ts, old, key);
            ts.rows.set(key, old);
        });
        return next;
    }

    delete(table: string, id: string): void {
        const ts = this.tableStore(table);
        const key = id.toLowerCase();
        const old = ts.rows.get(key);
        if (!old) return;
        ts.rows.delete(key);
        ts.index.delete(key);
        this.unindexKeys(ts, old);
        const tomb = { id: key, version: ++this.version };
        ts.tombstones.push(tomb);
        ts.rowsWritten++;
        this.undo?.push(() => {
            ts.rows.set(key, old);
            ts.index.insert(key);
            this.indexKeys(ts, old, key);
            const at = ts.tombstones.indexOf(tomb);
            if (at >= 0) ts.tombstones.splice(at, 1);
        });
        // Many-to-many rows die with either side.
        for (const rel of this.schema.manyToMany) {
            const side1 = rel.entity1LogicalName === table;
            const side2 = rel.entity2LogicalName === table;
            if (!side1 && !side2) continue;
            if (side1) for (const b of this.related(rel, 1, key)) this.disassociate(rel, key, b);
            if (side2) for (const a of this.related(rel, 2, key)) this.disassociate(rel, a, key);
        }
    }

    isAssociated(rel: SimManyToMany, id1: string, id2: string): boolean {
        return this.pairs.get(rel.schemaName)!.has(`${id1.toLowerCase()}|${id2.toLowerCase()}`);
    }

    /** Adds the pair; returns false when it already existed. */
    associate(rel: SimManyToMany, id1: string, id2: string): boolean {
        const a = id1.toLowerCase();
        const b = id2.toLowerCase();
        const pairs = this.pairs.get(rel.schemaName)!;
        const pairKey = `${a}|${b}`;
        if (pairs.has(pairKey)) return false;
        const id = randomUUID();
        this.insert(rel.intersectEntityName, this.intersectRow(rel, id, a, b));
        pairs.set(pairKey, id);
        this.link(rel, a, b, true);
        this.undo?.push(() => {
            pairs.delete(pairKey);
            this.link(rel, a, b, false);
        });
        return true;
    }

    disassociate(rel: SimManyToMany, id1: string, id2: string): boolean {
        const pairs = this.pairs.get(rel.schemaName)!;
        const pairKey = `${id1.toLowerCase()}|${id2.toLowerCase()}`;
        const rowId = pairs.get(pairKey);
        if (rowId === undefined) return false;
        const a = id1.toLowerCase();
        const b = id2.toLowerCase();
        pairs.delete(pairKey);
        this.link(rel, a, b, false);
        this.undo?.push(() => {
            pairs.set(pairKey, rowId);
            this.link(rel, a, b, true);
        });
        this.delete(rel.intersectEntityName, rowId);
        return true;
    }

    /** Ids of the rows related to `id` through a many-to-many relationship, seen from `side`. */
    related(rel: SimManyToMany, side: 1 | 2, id: string): string[] {
        return [...(this.partners.get(rel.schemaName)![side].get(id.toLowerCase()) ?? [])];
    }

    private link(rel: SimManyToMany, a: string, b: string, add: boolean): void {
        const sides = this.partners.get(rel.schemaName)!;
        for (const [map, from, to] of [
            [sides[1], a, b],
            [sides[2], b, a],
        ] as const) {
            let set = map.get(from);
            if (add) {
                if (!set) map.set(from, (set = new Set()));
                set.add(to);
            } else if (set) {
                set.delete(to);
                if (set.size === 0) map.delete(from);
            }
        }
    }

    private intersectRow(rel: SimManyToMany, id: string, a: string, b: string): SimRow {
        const its = this.tableStore(rel.intersectEntityName);
        return {
            [its.table.primaryIdAttribute]: id,
            [rel.entity1IntersectAttribute]: a,
            [rel.entity2IntersectAttribute]: b,
        };
    }

    private checkKeys(ts: TableStore, row: SimRow, id: string): void {
        for (const key of ts.activeKeys) {
            const kv = keyValue(key, row, this.collation);
            if (kv === undefined) continue;
            const owner = ts.keyIndexes.get(key.logicalName)!.get(kv);
            if (owner !== undefined && owner !== id) {
                throw new SimError(
                    412,
                    ErrorCodes.DuplicateRecord,
                    `A record that has the attribute values ${key.keyAttributes.map((a) => formatKeyPart(row[a])).join(', ')} already exists. ` +
                        `The entity key ${key.schemaName ?? key.logicalName} requires that this set of attributes contains unique values. ` +
                        'Select unique values and try again.',
                );
            }
        }
    }

    private indexKeys(ts: TableStore, row: SimRow, id: string): void {
        for (const key of ts.activeKeys) {
            const kv = keyValue(key, row, this.collation);
            if (kv !== undefined) ts.keyIndexes.get(key.logicalName)!.set(kv, id);
        }
    }

    private unindexKeys(ts: TableStore, row: SimRow): void {
        for (const key of ts.activeKeys) {
            const kv = keyValue(key, row, this.collation);
            if (kv !== undefined) ts.keyIndexes.get(key.logicalName)!.delete(kv);
        }
    }
}

function formatKeyPart(value: SimValue | undefined): string {
    return isLookupValue(value) ? value.id : String(value);
}

/** A create whose primary id is taken (research §2.1, §3.2: "Cannot insert duplicate key", 0x80040237). */
export function duplicateKey(): SimError {
    return new SimError(412, ErrorCodes.DuplicateRecord, 'Cannot insert duplicate key.');
}
