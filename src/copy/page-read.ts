/**
 * Reading the rows of one page on both sides: the source rows of a key range `(lo, hi]` (or of a list
 * of ids, for delta pages), and the target rows that correspond to them (the same key range when ids
 * are preserved, else by ids or by alternate-key values in batches). Lookup values come with their
 * lookuplogicalname annotation, so polymorphic lookups know which table they point to.
 */
import type { DataverseClient, ODataQuery, Row } from '../dataverse/client-types.js';
import { pageFilter, type KeyRange } from '../plan/pages.js';
import type { TablePlan } from '../plan/types.js';
import { andFilters, filterBudget, idFilters, keyColumns, keyFilters, sourceKeyProperties } from './addressing.js';
import { LOOKUP_TABLE_ANNOTATION } from './lookups.js';
import { sourceSelect, targetIdentity, targetSelect } from './row-plan.js';
import { completeParties, partiesExpand } from './parties.js';

const MAX_PAGE = 5000;

/** What every read of the copy engine takes: the activity's abort signal. */
export interface ReadOptions {
    signal?: AbortSignal;
}

/** An activity's parties come with its rows (`$expand`, copy/parties.ts). */
function expandOf(table: TablePlan, side: 'source' | 'target'): { expand?: string } {
    const expand = partiesExpand(table, side);
    return expand ? { expand } : {};
}

/** Every row of a paged read. */
export async function collectRows(pages: AsyncIterable<Row[]>): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of pages) rows.push(...page);
    return rows;
}

async function readAll(
    client: DataverseClient,
    entitySet: string,
    query: ODataQuery,
    options: ReadOptions,
): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of client.queryPages(entitySet, query, {
        pageSize: MAX_PAGE,
        annotations: LOOKUP_TABLE_ANNOTATION,
        signal: options.signal,
    }))
        rows.push(...page);
    return rows;
}

/** Many filtered reads at once, every row of each (the client's limiter bounds what is in flight). */
export async function readFiltered(
    client: DataverseClient,
    entitySet: string,
    select: string[],
    filters: string[],
    options: ReadOptions & { unmasked?: boolean } = {},
    expand?: string,
): Promise<Row[]> {
    const unmasked = options.unmasked ? { unmasked: true } : {};
    const parts = await Promise.all(
        filters.map((filter) =>
            readAll(client, entitySet, { select, filter, ...unmasked, ...(expand ? { expand } : {}) }, options),
        ),
    );
    return parts.flat();
}

/** Source rows of `(lo, hi]` inside the table's filter, in key order. */
export async function readSourceRange(
    client: DataverseClient,
    table: TablePlan,
    range: KeyRange,
    options: ReadOptions = {},
): Promise<Row[]> {
    const pk = table.source.primaryId;
    const filter = andFilters(pageFilter(range, pk), table.filter);
    const rows = await readAll(
        client,
        table.source.entitySetName,
        {
            select: sourceSelect(table),
            orderBy: `${pk} asc`,
            ...(filter ? { filter } : {}),
            ...(table.unmaskedReads ? { unmasked: true } : {}),
            ...expandOf(table, 'source'),
        },
        options,
    );
    return completeParties(client, table, 'source', rows, options);
}

/** Source rows with these ids that are inside the table's filter (rows outside it or gone are absent). */
export async function readSourceByIds(
    client: DataverseClient,
    table: TablePlan,
    ids: readonly string[],
    options: ReadOptions = {},
): Promise<Row[]> {
    const select = sourceSelect(table);
    const budget = filterBudget(select, table.filter);
    const filters = idFilters(table.source.primaryId, ids, budget).map((f) => andFilters(f, table.filter)!);
    const rows = await readFiltered(
        client,
        table.source.entitySetName,
        select,
        filters,
        { ...options, ...(table.unmaskedReads ? { unmasked: true } : {}) },
        partiesExpand(table, 'source'),
    );
    return completeParties(client, table, 'source', rows, options);
}

/** Target rows of `(lo, hi]` (preserved ids only), optionally inside the table's filter. */
export async function readTargetRange(
    client: DataverseClient,
    table: TablePlan,
    range: KeyRange,
    options: ReadOptions & { withFilter?: boolean } = {},
): Promise<Row[]> {
    const filter = andFilters(pageFilter(range, table.target.primaryId), options.withFilter ? table.filter : undefined);
    const rows = await readAll(
        client,
        table.target.entitySetName,
        { select: targetSelect(table), ...(filter ? { filter } : {}), ...expandOf(table, 'target') },
        options,
    );
    return completeParties(client, table, 'target', rows, options);
}

/**
 * The target rows matching these source rows, by target identity (id, or key values). With preserved
 * ids and a key range, one range read; otherwise batched reads by id or by key values. `keyTuples` are the rows'
 * key values in target terms (a lookup part as the target id, from their addresses); without them the source values
 * are used as they are.
 */
export async function readTargetRows(
    client: DataverseClient,
    table: TablePlan,
    sourceRows: readonly Row[],
    range: KeyRange | undefined,
    options: ReadOptions = {},
    keyTuples?: ReadonlyArray<readonly unknown[]>,
): Promise<Map<string, Row>> {
    const select = targetSelect(table);
    const set = table.target.entitySetName;
    let rows: Row[];
    if (table.match.kind === 'id') {
        const pk = table.target.primaryId;
        if (range) {
            rows = await readTargetRange(client, table, range, options);
        } else {
            const ids = sourceRows.map((r) => String(r[table.source.primaryId]).toLowerCase());
            rows =
                ids.length === 0
                    ? []
                    : await readFiltered(
                          client,
                          set,
                          select,
                          idFilters(pk, ids, filterBudget(select)),
                          options,
                          partiesExpand(table, 'target'),
                      );
        }
    } else {
        const properties = sourceKeyProperties(table);
        const tuples = (keyTuples ?? sourceRows.map((r) => properties.map((p) => r[p] ?? null))).filter((values) =>
            values.every((v) => v !== null && v !== ''),
        );
        rows =
            tuples.length === 0
                ? []
                : await readFiltered(
                      client,
                      set,
                      select,
                      keyFilters(keyColumns(table), tuples, filterBudget(select)),
                      options,
                      partiesExpand(table, 'target'),
                  );
    }
    if (!range || table.match.kind !== 'id') rows = await completeParties(client, table, 'target', rows, options);
    const byIdentity = new Map<string, Row>();
    for (const row of rows) byIdentity.set(targetIdentity(table, row), row);
    return byIdentity;
}
