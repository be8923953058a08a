/**
 * The Dataverse client's public surface, as the plan and (later) the copy engine use it.
 * Implemented by client.ts over HTTP; paths are relative to `<environment url>/api/data/v9.2/`.
 */
import type { LimiterStats } from './concurrency.js';

export interface ODataQuery {
    select?: string[];
    /** OData $filter text, passed through unchanged. */
    filter?: string;
    /** OData $orderby text, e.g. `accountid asc`. */
    orderBy?: string;
    top?: number;
    /**
     * Ask for unmasked values of masked secured columns (`UnMaskedData=true`, "Retrieve unmasked data" in
     * column-level-security.md); the service unmasks only where the caller's field permission allows it.
     */
    unmasked?: boolean;
    /** OData $expand text, e.g. an activity's `email_activity_parties($select=...)`. */
    expand?: string;
}

export interface QueryOptions {
    /** Prefer: odata.maxpagesize (1..5000). */
    pageSize?: number;
    /** Prefer: odata.include-annotations value, e.g. `Microsoft.Dynamics.CRM.lookuplogicalname`. */
    annotations?: string;
    signal?: AbortSignal;
}

export type Row = Record<string, unknown>;

/**
 * Outcome of one row of a bulk write: ok, or the Dataverse error of that row, or ambiguous: the request went out and
 * its answer was lost (a 500/502/504, a reset, a timeout), so the service may or may not have applied it. The client
 * never sends such a write again; the caller reads the target and decides.
 */
export interface WriteResult {
    index: number;
    ok: boolean;
    status?: number;
    code?: string;
    message?: string;
    /** With ok: false: the outcome is unknown; read the target to settle it. */
    ambiguous?: true;
    /** With ok: true: already as wanted, nothing was written (a row already gone, a pair already related). */
    unchanged?: true;
}

export interface DataverseClient {
    /** Environment root URL, e.g. https://contoso.crm.dynamics.com */
    readonly url: string;
    /** GET a JSON resource (metadata, a row, a function). */
    get<T = unknown>(path: string, options?: { signal?: AbortSignal; headers?: Record<string, string> }): Promise<T>;
    /** Collection GET following @odata.nextLink unchanged; yields each page's `value`. */
    queryPages(entitySetName: string, query: ODataQuery, options?: QueryOptions): AsyncIterable<Row[]>;
    /** UserId, BusinessUnitId, OrganizationId of the caller. */
    whoAmI(options?: {
        signal?: AbortSignal;
    }): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }>;
    /** How many identities (application users) requests are spread across; 1 when omitted. */
    readonly identityCount?: number;
    /** A client whose every request goes as identity `index` only (0 = the first), e.g. to check each identity. */
    forIdentity?(index: number): DataverseWriteClient;
}

export interface ActionOptions {
    signal?: AbortSignal;
    atMostOnce?: boolean;
}

// ---- The write surface the copy engine uses. ----

/** A table as writes need it. `primaryIdAttribute` defaults to `<logicalName>id` (not right for activities). */
export interface WriteTable {
    logicalName: string;
    entitySetName: string;
    primaryIdAttribute?: string;
    /**
     * Which bulk messages the table takes, when known (the plan asks once: bulk-support.ts). false goes straight to
     * `$batch`; true sends every chunk with the message at once, still falling back when the service refuses it;
     * absent: the first chunk finds out.
     */
    bulk?: Partial<Record<'UpsertMultiple' | 'UpdateMultiple', boolean>>;
}

/** Mirrors the spec's `bypass` of a table. */
export interface BypassOptions {
    /** MSCRM.BypassBusinessLogicExecution values. */
    businessLogic?: Array<'CustomSync' | 'CustomAsync'>;
    /** true sends MSCRM.SuppressCallbackRegistrationExpanderJob: true (no Power Automate flows). */
    powerAutomateFlows?: boolean;
}

export interface WriteOptions {
    bypass?: BypassOptions;
    signal?: AbortSignal;
}

export interface UpsertMultipleOptions extends WriteOptions {
    /** Rows per request; default the client's writeBatchSize. */
    batchSize?: number;
}

/** One request inside a `$batch`. */
export interface BatchRequest {
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    /** Relative to the API base, e.g. `accounts(<id>)`. */
    path: string;
    headers?: Record<string, string>;
    body?: unknown;
}

/** One inner response of a `$batch`, in request order. */
export interface BatchResponse {
    status: number;
    headers: Record<string, string>;
    bodyText: string;
    body?: unknown;
}

/** Live numbers for progress displays and benchmarks. */
export interface ClientStats {
    /** HTTP attempts, successes, 429s (never failures), transient retries, failed requests. */
    attempts: number;
    succeeded: number;
    throttled: number;
    /** Retries after 5xx, broken connections, timeouts and deadlocks. */
    transientRetries: number;
    /** Of those, retries of deadlock victims. */
    deadlockRetries: number;
    /** Waits for an environment that was away (refused connections, 503). */
    outageRetries: number;
    failed: number;
    /** The shared limiter of this environment + identity. */
    concurrency: Pick<
        LimiterStats,
        | 'limit'
        | 'ceiling'
        | 'dopHint'
        | 'inFlight'
        | 'queued'
        | 'peakInFlight'
        | 'throttles'
        | 'contentions'
        | 'decreases'
    > & {
        /** With several identities: each one's limiter (`index` 0 = `credential`). */
        identities?: Array<Pick<LimiterStats, 'limit' | 'inFlight' | 'granted' | 'throttles'> & { index: number }>;
    };
}

export interface ReadChangesOptions extends QueryOptions {
    /** The deltaLink of the previous read; omitted for the initial (full) read. */
    deltaLink?: string;
}

/** One page of a change-tracking read. */
export interface ChangePage {
    /** New or changed rows with the selected columns (every row, on an initial read without a deltaLink). */
    rows: Row[];
    /** Primary ids of rows deleted since the token (`$deletedEntity` entries). */
    deleted: string[];
    /** Only on the last page: the link for the next read of changes. Opaque: store it as it is. */
    deltaLink?: string;
}

export interface DataverseWriteClient extends DataverseClient {
    /**
     * Upserts rows keyed by their primary id (or an `@odata.id` alternate-key reference on the row), in chunks of
     * `batchSize` with UpsertMultiple; falls back to a `$batch` of PATCH upserts (continue-on-error) for tables
     * without it, and for a chunk the service rejected, to find which rows fail. One result per input row; rows of a
     * request whose answer was lost are ambiguous (never sent again: a committed create sent again would be an update).
     */
    upsertMultiple(table: WriteTable, rows: Row[], options?: UpsertMultipleOptions): Promise<WriteResult[]>;
    /** PATCH one row by primary id or alternate key: creates it, or updates it when it exists. */
    upsert(table: WriteTable, key: string, row: Row, options?: WriteOptions): Promise<void>;
    /** PATCH with `If-Match: *`: updates an existing row, never creates (404 ObjectDoesNotExist when missing). */
    update(table: WriteTable, key: string, row: Row, options?: WriteOptions): Promise<void>;
    /** PATCH with `If-None-Match: *`: creates the row with this key, never overwrites (412 when it exists). */
    create(table: WriteTable, key: string, row: Row, options?: WriteOptions): Promise<void>;
    /**
     * Change tracking (research dataverse-webapi.md §6, anchors-2.md §6.5): without `deltaLink`, the initial read
     * `GET <set>?$select=...` with `Prefer: odata.track-changes` (+ maxpagesize), every page, the deltaLink on the last;
     * with `deltaLink`, GET it (same page size preference) and follow nextLinks until the new deltaLink. An expired or
     * invalid token fails with a DataverseError for which `isExpiredDeltaToken(error)` is true.
     */
    readChanges(
        entitySetName: string,
        query: { select: string[] },
        options?: ReadChangesOptions,
    ): AsyncIterable<ChangePage>;
    /**
     * Updates existing rows only (never creates): UpdateMultiple in `batchSize` chunks; a chunk the service rejects
     * (or a table without UpdateMultiple) goes row by row as a `$batch` of `PATCH` with `If-Match: *`
     * (continue-on-error), so one bad row never fails its neighbours. A row that does not exist is
     * `{ ok: false, status: 404, code: '0x80040217' }`. Rows carry their primary id (or `@odata.id`). Ambiguous
     * results as for upsertMultiple.
     */
    updateMultiple(table: WriteTable, rows: Row[], options?: UpsertMultipleOptions): Promise<WriteResult[]>;
    /**
     * Deletes rows by primary id as `$batch` DELETEs (DeleteMultiple is elastic-table only). A row already gone is
     * `{ ok: true, status: 404, unchanged: true }`; a delete whose answer was lost is ambiguous (a later read tells).
     */
    deleteMultiple(table: WriteTable, ids: string[], options?: UpsertMultipleOptions): Promise<WriteResult[]>;
    /**
     * POST an unbound action (`<service root><name>`) with a JSON body; its JSON answer (undefined for a 204). The
     * file block messages go through here, each block a request of its own through the limiter and its retries;
     * `atMostOnce` for a message the service must not get twice (a commit: a lost answer is thrown, not resent).
     */
    action<T = unknown>(name: string, body: Row, options?: ActionOptions): Promise<T>;
    /**
     * DELETE `<set>(<id>)/<column>`: removes a file or image column's value (file-column-data.md "Delete files");
     * false when there was none (404).
     */
    deleteColumnValue(entitySetName: string, id: string, column: string, options?: WriteOptions): Promise<boolean>;
    /**
     * What a file or image column's download says of its file without reading it: `GET <set>(<id>)/<column>/$value`
     * with `Range: bytes=0-0` answers the first byte with the `mimetype` and `x-ms-file-name` headers
     * (file-column-data.md "Download a file in a single request using Web API"); undefined when there is no file.
     */
    columnFileInfo(
        entitySetName: string,
        id: string,
        column: string,
        options?: { signal?: AbortSignal },
    ): Promise<{ mimeType?: string; fileName?: string } | undefined>;
    /** Deletes one row; false when it did not exist (so a retried delete is not an error). */
    delete(table: WriteTable, key: string, options?: WriteOptions): Promise<boolean>;
    /** POST `$ref`: relates two rows through a collection-valued navigation property; already related is ok. */
    associate(
        table: WriteTable,
        id: string,
        navigationProperty: string,
        related: WriteTable,
        relatedId: string,
        options?: WriteOptions,
    ): Promise<void>;
    /** DELETE `$ref`; false when the rows were not related. */
    disassociate(
        table: WriteTable,
        id: string,
        navigationProperty: string,
        relatedId: string,
        options?: WriteOptions,
    ): Promise<boolean>;
    /**
     * Many associations in `$batch` requests; one result per pair. Already related (the service's duplicate key
     * error, 0x80040237, whatever its status) is `{ ok: true, unchanged: true }`; a lost answer is ambiguous.
     */
    associateMany(
        table: WriteTable,
        navigationProperty: string,
        related: WriteTable,
        pairs: Array<[id: string, relatedId: string]>,
        options?: UpsertMultipleOptions,
    ): Promise<WriteResult[]>;
    /**
     * Many disassociations (DELETE of each pair's `$ref`) in `$batch` requests; one result per pair. A pair that is not
     * related (404) is `{ ok: true, unchanged: true }`; a lost answer is ambiguous.
     */
    disassociateMany(
        table: WriteTable,
        navigationProperty: string,
        pairs: Array<[id: string, relatedId: string]>,
        options?: UpsertMultipleOptions,
    ): Promise<WriteResult[]>;
    /**
     * One POST of a JSON body (metadata writes, actions such as PublishXml), with the caller's headers. A 5xx, reset
     * or timeout is sent again (callers make such writes safe to repeat); the answer's `OData-EntityId` when sent.
     */
    post<T = unknown>(
        path: string,
        body: unknown,
        options?: { signal?: AbortSignal; headers?: Record<string, string> },
    ): Promise<{ status: number; entityId?: string; body?: T }>;
    /** Sends independent requests as `$batch` (continue-on-error); throttled and transient parts are retried. */
    batch(requests: BatchRequest[], options?: WriteOptions): Promise<BatchResponse[]>;
    /**
     * Independent writes (state messages, say) as `$batch` parts in `batchSize` chunks, one result per request, the
     * bypass headers on each part. Like every bulk write, a request whose outcome is unknown comes back ambiguous.
     */
    batchWrites(requests: BatchRequest[], options?: UpsertMultipleOptions): Promise<WriteResult[]>;
    stats(): ClientStats;
}
