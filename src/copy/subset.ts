/**
 * Which source rows a subset takes (spec/subset.ts), by id only: the start slices (a seeded share or count of the
 * rows inside a filter), then the children the spec names, step by step down to `depth`, then every parent a taken
 * row points to through a lookup to a run table, transitively, so no copied lookup dangles. Parents never bring their
 * own children (a contact's account does not bring the account's other contacts): the subset stays as small as the
 * spec says. An activity's parties are parents too. Reads select primary keys and lookup values only, in filters cut to the URL budget (addressing.ts).
 */
import { createHash } from 'node:crypto';
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { childColumns, parentColumns, runTablesOf } from '../plan/subset-checks.js';
import type { ColumnMapping, Plan, PlanEstimates, TablePlan } from '../plan/types.js';
import type { SubsetSpec } from '../spec/subset.js';
import { andFilters, filterBudget, idFilters } from './addressing.js';
import { LOOKUP_TABLE_ANNOTATION } from './lookups.js';
import { partiesExpand } from './parties.js';
import { collectRows, readFiltered, type ReadOptions } from './page-read.js';

/** Per run table (source logical name): the source ids the subset takes, lower case and sorted. */
export type SubsetIds = Record<string, string[]>;

/**
 * Where an id falls in [0, 1) for a seed: the first 52 bits of SHA-256(seed, id), exact in a double. The same seed
 * and id give the same place on every machine and in every run; rows under a share are taken.
 */
export function subsetHash(seed: string, id: string): number {
    const hex = createHash('sha256').update(`${seed}\u0000${id.toLowerCase()}`).digest('hex');
    return parseInt(hex.slice(0, 13), 16) / 2 ** 52;
}

const property = (column: ColumnMapping) => `_${column.source}_value`;
const idOf = (row: Row, pk: string) => String(row[pk]).toLowerCase();

class Taken {
    readonly ids = new Map<string, Set<string>>();
    /** Adds the ids; returns those not taken before. */
    add(table: string, ids: Iterable<string>): string[] {
        let set = this.ids.get(table);
        if (!set) this.ids.set(table, (set = new Set()));
        const added: string[] = [];
        for (const id of ids)
            if (!set.has(id)) {
                set.add(id);
                added.push(id);
            }
        return added;
    }
}

/** The start slice of one table: candidates inside both filters, then the share or the count by the seed's hash. */
async function startRows(
    source: DataverseClient,
    table: TablePlan,
    start: SubsetSpec['start'][number],
    seed: string,
    options: ReadOptions,
): Promise<string[]> {
    const pk = table.source.primaryId;
    const filter = andFilters(table.filter, start.filter);
    const rows = await collectRows(
        source.queryPages(
            table.source.entitySetName,
            { select: [pk], ...(filter ? { filter } : {}) },
            { pageSize: 5000, ...(options.signal ? { signal: options.signal } : {}) },
        ),
    );
    const ranked = rows.map((r) => ({ id: idOf(r, pk), place: subsetHash(seed, idOf(r, pk)) }));
    if (start.share !== undefined) return ranked.filter((r) => r.place < start.share!).map((r) => r.id);
    if (start.count !== undefined)
        return ranked
            .sort((a, b) => a.place - b.place || (a.id < b.id ? -1 : 1))
            .slice(0, start.count)
            .map((r) => r.id);
    return ranked.map((r) => r.id);
}

/** Rows of `child` whose lookup `column` holds one of `parents` (inside the child's filter). */
async function childRows(
    source: DataverseClient,
    child: TablePlan,
    column: ColumnMapping,
    parents: readonly string[],
    options: ReadOptions,
): Promise<string[]> {
    const pk = child.source.primaryId;
    const filters = idFilters(property(column), parents, filterBudget([pk], child.filter)).map((f) =>
        andFilters(f, child.filter)!,
    );
    const rows = await readFiltered(source, child.source.entitySetName, [pk], filters, options);
    return rows.map((r) => idOf(r, pk));
}

/** The run-table rows the lookups of these rows, and their activity parties, point to, per table. */
async function parentsOf(
    plan: Plan,
    source: DataverseClient,
    table: TablePlan,
    ids: readonly string[],
    options: ReadOptions,
): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    const columns = parentColumns(table);
    // An activity's parties point to rows too (a contact called): they are parents like its lookups.
    const parties = table.parties && runTablesOf(table.parties.party).length > 0 ? table.parties : undefined;
    if ((columns.length === 0 && !parties) || ids.length === 0) return found;
    const pk = table.source.primaryId;
    const select = [pk, ...columns.map(property)];
    const rows = await readFiltered(
        source,
        table.source.entitySetName,
        select,
        idFilters(pk, ids, filterBudget(select)),
        options,
        parties ? partiesExpand(table, 'source') : undefined,
    );
    const note = (column: ColumnMapping, row: Row) => {
        const value = row[property(column)];
        if (typeof value !== 'string' || value === '') return;
        const runTables = runTablesOf(column);
        // A polymorphic lookup names its table (the annotation); one that points to one table is that table.
        const named = row[`${property(column)}@${LOOKUP_TABLE_ANNOTATION}`];
        const parent = typeof named === 'string' ? named : runTables.length === 1 ? runTables[0] : undefined;
        if (parent === undefined || !runTables.includes(parent) || !plan.tables[parent]) return;
        const list = found.get(parent);
        if (list) list.push(value.toLowerCase());
        else found.set(parent, [value.toLowerCase()]);
    };
    for (const row of rows) {
        for (const column of columns) note(column, row);
        const list = parties ? row[parties.sourceNavigation] : undefined;
        if (parties && Array.isArray(list)) for (const party of list as Row[]) note(parties.party, party);
    }
    return found;
}

/** The subset's ids per run table; a run table the subset never reaches takes none. */
export async function computeSubset(
    plan: Plan,
    subset: SubsetSpec,
    source: DataverseClient,
    options: ReadOptions = {},
): Promise<SubsetIds> {
    const taken = new Taken();
    let frontier = new Map<string, string[]>();
    for (const start of subset.start) {
        const table = plan.tables[start.name];
        if (!table) continue;
        frontier.set(start.name, taken.add(start.name, await startRows(source, table, start, subset.seed, options)));
    }
    // Children, one step at a time: each step follows the rows the step before took.
    for (let step = 0; step < subset.depth && frontier.size > 0; step++) {
        const next = new Map<string, string[]>();
        for (const entry of subset.children) {
            const child = plan.tables[entry.name];
            if (!child) continue;
            for (const column of childColumns(child, entry.via)) {
                const parents = runTablesOf(column).flatMap((t) => frontier.get(t) ?? []);
                if (parents.length === 0) continue;
                const added = taken.add(entry.name, await childRows(source, child, column, parents, options));
                next.set(entry.name, [...(next.get(entry.name) ?? []), ...added]);
            }
        }
        frontier = next;
    }
    // Parents of every taken row, until no new row is taken.
    let pending = new Map([...taken.ids].map(([table, ids]) => [table, [...ids]]));
    while (pending.size > 0) {
        const next = new Map<string, string[]>();
        for (const [name, ids] of pending) {
            const table = plan.tables[name];
            if (!table) continue;
            for (const [parent, parentIds] of await parentsOf(plan, source, table, ids, options)) {
                const added = taken.add(parent, parentIds);
                if (added.length > 0) next.set(parent, [...(next.get(parent) ?? []), ...added]);
            }
        }
        pending = next;
    }
    return Object.fromEntries(Object.keys(plan.tables).map((name) => [name, [...(taken.ids.get(name) ?? [])].sort()]));
}

/** The plan's row counts under a subset: exactly the rows it takes, in pages of `options.pageSize` ids. */
export function subsetEstimates(plan: Plan, ids: SubsetIds): PlanEstimates {
    return Object.fromEntries(
        Object.entries(ids).map(([table, list]) => [
            table,
            {
                rows: list.length,
                pages: Math.max(1, Math.ceil(list.length / plan.options.pageSize)),
                estimate: false,
                exact: true,
                basis: 'subset' as const,
            },
        ]),
    );
}
