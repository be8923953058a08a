/**
 * Contract between the OData query engine (odata/*) and the HTTP server (server/*).
 * The engine parses query options against a table's schema and runs them over a row source
 * that yields rows in primary-key order (SQL uniqueidentifier order, see guid-order.ts).
 */
import type { SimRow, SimSchema, SimTable } from '../model.js';

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
}

export interface QueryPage {
    rows: SimRow[];
    /** Opaque $skiptoken for the next page, absent on the last page. */
    nextSkipToken?: string;
    /** With $count=true: the number of matching rows, capped at 5000 as the service caps it. */
    count?: number;
}

export interface QueryEngine {
    /** Throws SimError (400 with the service's message) for unknown properties, bad syntax, $skip, ... */
    parseQuery(params: URLSearchParams, table: SimTable, schema: SimSchema): ParsedQuery;
    runQuery(source: RowSource, table: SimTable, query: ParsedQuery, pageSize: number): QueryPage;
}
