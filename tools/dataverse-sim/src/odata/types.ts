/**
 * Contract between the OData query engine (odata/*) and the HTTP server (server/*).
 * The engine parses query options against a table's schema and runs them over a row source
 * that yields rows in primary-key order (SQL uniqueidentifier order, see guid-order.ts).
 */
import type { SimRow, SimSchema, SimTable } from '../model.js';
import type { Collation } from './collation.js';

export interface OrderBy {
    /** Attribute logical name (a `_x_value` property is mapped to its lookup attribute `x`). */
    attribute: string;
    descending: boolean;
}

/** A parsed `$filter` expression; the engine defines its node shapes. */
export interface FilterNode {
    kind: string;
}

export interface ParsedQuery {
    /** Attribute logical names to return; undefined = all readable attributes. The primary key is always returned. */
    select: string[] | undefined;
    filter: FilterNode | undefined;
    orderBy: OrderBy[];
    top: number | undefined;
    count: boolean;
    skipToken: string | undefined;
}

/** Rows of one table in primary-key order; `scan` starts after (or at) the given id. */
export interface RowSource {
    readonly size: number;
    scan(start?: { id: string; inclusive: boolean }): Iterable<SimRow>;
    /** A row by primary key (an index seek), when the source has one. */
    get?(id: string): SimRow | undefined;
}

export interface QueryPage {
    rows: SimRow[];
    /** Opaque $skiptoken for the next page, absent on the last page. */
    nextSkipToken?: string;
    /** With $count=true: the number of matching rows, capped at 5000 as the service caps it. */
    count?: number;
    /** With $count=true: more than 5000 rows match (`@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded`). */
    countLimitExceeded?: boolean;
    /** Rows the engine read from the source for this page (for stats and cost models). */
    rowsScanned?: number;
}

export interface RunOptions {
    /**
     * The request carried `Prefer: odata.maxpagesize`: the page size comes from it and `$top` is ignored, as the
     * service documents. Without it, `$top` (if given) limits the result and no nextLink is produced.
     */
    maxPageSizePreferred?: boolean;
    /** The organization's collation, for string comparisons and order (default `_CI_AI`). */
    collation?: Collation;
}

export interface QueryEngine {
    /** Throws SimError (400 with the service's message) for unknown properties, bad syntax, $skip, ... */
    parseQuery(params: URLSearchParams, table: SimTable, schema: SimSchema): ParsedQuery;
    /** `rows` are the stored rows (not projected; the server renders `query.select`); do not mutate them. */
    runQuery(source: RowSource, table: SimTable, query: ParsedQuery, pageSize: number, options?: RunOptions): QueryPage;
}
