/**
 * The Dataverse client's public surface, as the plan and (later) the copy engine use it.
 * Implemented by client.ts over HTTP; paths are relative to `<environment url>/api/data/v9.2/`.
 */

export interface ODataQuery {
    select?: string[];
    /** OData $filter text, passed through unchanged. */
    filter?: string;
    /** OData $orderby text, e.g. `accountid asc`. */
    orderBy?: string;
    top?: number;
}

export interface QueryOptions {
    /** Prefer: odata.maxpagesize (1..5000). */
    pageSize?: number;
    /** Prefer: odata.include-annotations value, e.g. `Microsoft.Dynamics.CRM.lookuplogicalname`. */
    annotations?: string;
    signal?: AbortSignal;
}

export type Row = Record<string, unknown>;

/** Outcome of one row of a bulk write: ok, or the Dataverse error of that row. */
export interface WriteResult {
    index: number;
    ok: boolean;
    status?: number;
    code?: string;
    message?: string;
}

export interface DataverseClient {
    /** Environment root URL, e.g. https://contoso.crm.dynamics.com */
    readonly url: string;
    /** GET a JSON resource (metadata, a row, a function). */
    get<T = unknown>(path: string, options?: { signal?: AbortSignal; headers?: Record<string, string> }): Promise<T>;
    /** Collection GET following @odata.nextLink unchanged; yields each page's `value`. */
    queryPages(entitySetName: string, query: ODataQuery, options?: QueryOptions): AsyncIterable<Row[]>;
    /** UserId, BusinessUnitId, OrganizationId of the caller. */
    whoAmI(): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }>;
}
