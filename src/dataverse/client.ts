/**
 * The Dataverse Web API client of one environment: the factory and the thin class behind the DataverseWriteClient
 * interface. Each method delegates to the module that does the work: the request loop (http.ts), paging
 * (collection-pages.ts), change tracking (changes.ts), bulk writes (bulk-writes.ts) and `$batch`
 * (batch-sender.ts); the token cache and limiter it shares with other clients come from environment-registry.ts.
 */
import type { TokenCredential } from '@azure/identity';
import { sendBatch } from './batch-sender.js';
import { bypassHeaders, BulkWriter, DUPLICATE_CODE } from './bulk-writes.js';
import { readChangePages } from './changes.js';
import { followNextLinks } from './collection-pages.js';
import type {
    ActionOptions,
    BatchRequest,
    BatchResponse,
    ChangePage,
    ClientStats,
    DataverseWriteClient,
    ODataQuery,
    QueryOptions,
    ReadChangesOptions,
    Row,
    UpsertMultipleOptions,
    WriteOptions,
    WriteResult,
    WriteTable,
} from './client-types.js';
import type { CredentialSpec } from './credentials.js';
import { dataverseEnvironments } from './environment-registry.js';
import { DataverseError } from './errors.js';
import { DataverseHttp, type RetryEvent } from './http.js';
import { IdentityPool } from './identity-pool.js';
import { parseJson } from './json-exact.js';
import { buildQueryString, entityPath, preferHeader } from './odata-url.js';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry-policy.js';
import { Transport } from './transport.js';

export interface DataverseClientOptions {
    /** Environment root URL, e.g. https://contoso.crm.dynamics.com or http://127.0.0.1:5555. */
    url: string;
    /** How to get tokens (from the spec). Default: `default` for remote URLs, `none` for loopback URLs. */
    credential?: CredentialSpec;
    /** A ready TokenCredential (wins over `credential`). */
    tokenCredential?: TokenCredential;
    /**
     * Further identities (application users) of the environment, after `credential` / `tokenCredential`: requests
     * are spread across all of them, each with its own limiter and token (identity-pool.ts).
     */
    additionalCredentials?: ReadonlyArray<CredentialSpec | TokenCredential>;
    /** Send every request as this identity only (0 = the first): the plan checks each identity this way. */
    onlyIdentity?: number;
    /** Upper bound of requests in flight for this environment + identity (spec options.maxConcurrency). */
    maxConcurrency?: number;
    /** Rows per UpsertMultiple / `$batch` request (spec options.writeBatchSize). Default 100. */
    writeBatchSize?: number;
    /** User-Agent prefix. */
    userAgent?: string;
    /** How long a pooled connection may stay idle before the client closes it (default 4 s: transport.ts). */
    idleSocketMs?: number;
    retry?: Partial<RetryOptions>;
    /** The run's budget: aborting ends all waits (429 waits included) with an `aborted`/`throttled` error. */
    signal?: AbortSignal;
    /** Epoch ms (or Date) after which a throttled or failing request is not retried any more. */
    deadline?: number | Date;
    /** Called before each retry (for logs; never carries a token). */
    onRetry?: (event: RetryEvent) => void;
    /** Where credential settings are read from. Default process.env. */
    env?: NodeJS.ProcessEnv;
    /** The environment's name in request tallies (`source`, `target`: request-tally.ts); none: not counted. */
    meter?: string;
}

export function createDataverseClient(options: DataverseClientOptions): DataverseWriteClient {
    return new HttpDataverseClient(options);
}

/** The identities an options object lists, in order: the first, then `additionalCredentials`. */
function identitiesOf(
    options: DataverseClientOptions,
): Array<{ credential?: CredentialSpec; tokenCredential?: TokenCredential }> {
    const first = {
        ...(options.credential ? { credential: options.credential } : {}),
        ...(options.tokenCredential ? { tokenCredential: options.tokenCredential } : {}),
    };
    const more = (options.additionalCredentials ?? []).map((c) =>
        'getToken' in c ? { tokenCredential: c } : { credential: c },
    );
    return [first, ...more];
}

class HttpDataverseClient implements DataverseWriteClient {
    readonly url: string;
    private readonly http: DataverseHttp;
    private readonly pool: IdentityPool;
    private readonly bulk: BulkWriter;

    constructor(private readonly options: DataverseClientOptions) {
        const origin = new URL(options.url).origin;
        this.url = origin;
        const retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
        const { pool, outage } = dataverseEnvironments.connectPool(origin, identitiesOf(options), {
            maxConcurrency: options.maxConcurrency ?? 16,
            env: options.env,
            token: {
                timeoutMs: retry.tokenTimeoutMs,
                attempts: retry.tokenAttempts,
                baseDelayMs: retry.baseDelayMs,
                maxDelayMs: retry.maxDelayMs,
            },
        });
        this.pool = options.onlyIdentity === undefined ? pool : new IdentityPool([pool.member(options.onlyIdentity)]);
        const deadline = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
        this.http = new DataverseHttp({
            url: origin,
            // The token goes on each attempt as the identity that sends it (http.ts), not on the transport.
            transport: new Transport({
                url: origin,
                userAgent: options.userAgent,
                idleSocketMs: options.idleSocketMs,
            }),
            pool: this.pool,
            outage,
            retry,
            signal: options.signal,
            deadline,
            onRetry: options.onRetry,
            ...(options.meter !== undefined ? { meter: options.meter } : {}),
        });
        this.bulk = new BulkWriter({
            send: (request) => this.http.send(request),
            batch: (requests, batchOptions) =>
                sendBatch(this.http, requests, {
                    signal: batchOptions.signal,
                    headers: bypassHeaders(batchOptions.bypass),
                    atMostOnce: batchOptions.atMostOnce,
                }),
            apiBase: this.http.apiBase,
            writeBatchSize: options.writeBatchSize ?? 100,
        });
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    async get<T = unknown>(
        path: string,
        options: { signal?: AbortSignal; headers?: Record<string, string> } = {},
    ): Promise<T> {
        const { body } = await this.http.sendJson<T>({
            method: 'GET',
            path,
            headers: options.headers,
            signal: options.signal,
        });
        return body;
    }

    async *queryPages(entitySetName: string, query: ODataQuery, options: QueryOptions = {}): AsyncIterable<Row[]> {
        const prefer = preferHeader({ pageSize: options.pageSize, annotations: options.annotations });
        const headers = prefer ? { Prefer: prefer } : undefined;
        const first = `${entitySetName}${buildQueryString(query)}`;
        for await (const page of followNextLinks(this.http, first, { headers, signal: options.signal })) {
            yield page.value;
        }
    }

    readChanges(
        entitySetName: string,
        query: { select: string[] },
        options: ReadChangesOptions = {},
    ): AsyncIterable<ChangePage> {
        return readChangePages(this.http, entitySetName, query, options);
    }

    async action<T = unknown>(name: string, body: Row, options: ActionOptions = {}): Promise<T> {
        const { body: answer } = await this.http.sendJson<T>({
            method: 'POST',
            path: name,
            body,
            signal: options.signal,
            atMostOnce: options.atMostOnce,
        });
        return answer;
    }

    whoAmI(
        options: { signal?: AbortSignal } = {},
    ): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }> {
        return this.get('WhoAmI', options);
    }

    // ---- writes -----------------------------------------------------------------------------------------------

    upsertMultiple(table: WriteTable, rows: Row[], options?: UpsertMultipleOptions): Promise<WriteResult[]> {
        return this.bulk.upsertMultiple(table, rows, options);
    }

    updateMultiple(table: WriteTable, rows: Row[], options?: UpsertMultipleOptions): Promise<WriteResult[]> {
        return this.bulk.updateMultiple(table, rows, options);
    }

    deleteMultiple(table: WriteTable, ids: string[], options?: UpsertMultipleOptions): Promise<WriteResult[]> {
        return this.bulk.deleteMultiple(table, ids, options);
    }

    upsert(table: WriteTable, key: string, row: Row, options?: WriteOptions): Promise<void> {
        return this.patchRow(table, key, row, {}, options);
    }

    update(table: WriteTable, key: string, row: Row, options?: WriteOptions): Promise<void> {
        return this.patchRow(table, key, row, { 'If-Match': '*' }, options);
    }

    create(table: WriteTable, key: string, row: Row, options?: WriteOptions): Promise<void> {
        return this.patchRow(table, key, row, { 'If-None-Match': '*' }, options);
    }

    /** One PATCH; the conditional header decides between upsert, update and create (research §2.2). */
    private async patchRow(
        table: WriteTable,
        key: string,
        row: Row,
        condition: Record<string, string>,
        options: WriteOptions = {},
    ): Promise<void> {
        await this.http.send({
            method: 'PATCH',
            path: entityPath(table.entitySetName, key),
            headers: { ...bypassHeaders(options.bypass), ...condition },
            body: row,
            signal: options.signal,
        });
    }

    async deleteColumnValue(
        entitySetName: string,
        id: string,
        column: string,
        options: WriteOptions = {},
    ): Promise<boolean> {
        const response = await this.http.send({
            method: 'DELETE',
            path: `${entityPath(entitySetName, id)}/${column}`,
            headers: bypassHeaders(options.bypass),
            signal: options.signal,
            accept: [404],
        });
        return response.status !== 404;
    }

    async columnFileInfo(
        entitySetName: string,
        id: string,
        column: string,
        options: { signal?: AbortSignal } = {},
    ): Promise<{ mimeType?: string; fileName?: string } | undefined> {
        const response = await this.http.send({
            method: 'GET',
            path: `${entityPath(entitySetName, id)}/${column}/$value`,
            headers: { Range: 'bytes=0-0' },
            signal: options.signal,
            // 404: a file column without a file; 204: an image column without an image.
            accept: [404, 204],
        });
        if (response.status === 404 || response.status === 204) return undefined;
        const mimeType = response.headers.get('mimetype');
        const fileName = response.headers.get('x-ms-file-name');
        return { ...(mimeType ? { mimeType } : {}), ...(fileName ? { fileName } : {}) };
    }

    async delete(table: WriteTable, key: string, options: WriteOptions = {}): Promise<boolean> {
        const response = await this.http.send({
            method: 'DELETE',
            path: entityPath(table.entitySetName, key),
            headers: bypassHeaders(options.bypass),
            signal: options.signal,
            accept: [404],
        });
        return response.status !== 404;
    }

    async associate(
        table: WriteTable,
        id: string,
        navigationProperty: string,
        related: WriteTable,
        relatedId: string,
        options: WriteOptions = {},
    ): Promise<void> {
        const headers = bypassHeaders(options.bypass);
        try {
            await this.http.send({
                ...this.bulk.associateRequest(table, id, navigationProperty, related, relatedId, headers),
                signal: options.signal,
            });
        } catch (error) {
            // Already related (perhaps by our own attempt whose response was lost): the desired state.
            if (error instanceof DataverseError && error.code === DUPLICATE_CODE) return;
            throw error;
        }
    }

    async disassociate(
        table: WriteTable,
        id: string,
        navigationProperty: string,
        relatedId: string,
        options: WriteOptions = {},
    ): Promise<boolean> {
        const response = await this.http.send({
            method: 'DELETE',
            path: `${entityPath(table.entitySetName, id)}/${navigationProperty}(${relatedId})/$ref`,
            headers: bypassHeaders(options.bypass),
            signal: options.signal,
            accept: [404],
        });
        return response.status !== 404;
    }

    associateMany(
        table: WriteTable,
        navigationProperty: string,
        related: WriteTable,
        pairs: Array<[id: string, relatedId: string]>,
        options?: UpsertMultipleOptions,
    ): Promise<WriteResult[]> {
        return this.bulk.associateMany(table, navigationProperty, related, pairs, options);
    }

    disassociateMany(
        table: WriteTable,
        navigationProperty: string,
        pairs: Array<[id: string, relatedId: string]>,
        options?: UpsertMultipleOptions,
    ): Promise<WriteResult[]> {
        return this.bulk.disassociateMany(table, navigationProperty, pairs, options);
    }

    async post<T = unknown>(
        path: string,
        body: unknown,
        options: { signal?: AbortSignal; headers?: Record<string, string> } = {},
    ): Promise<{ status: number; entityId?: string; body?: T }> {
        const response = await this.http.send({
            method: 'POST',
            path,
            body,
            ...(options.headers ? { headers: options.headers } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
        });
        const entityId = response.headers.get('odata-entityid') ?? undefined;
        return {
            status: response.status,
            ...(entityId !== undefined ? { entityId } : {}),
            ...(response.bodyText.trim() !== '' ? { body: parseJson(response.bodyText) as T } : {}),
        };
    }

    batch(requests: BatchRequest[], options: WriteOptions = {}): Promise<BatchResponse[]> {
        return sendBatch(this.http, requests, { signal: options.signal, headers: bypassHeaders(options.bypass) });
    }

    batchWrites(requests: BatchRequest[], options?: UpsertMultipleOptions): Promise<WriteResult[]> {
        return this.bulk.batchWrites(requests, options);
    }

    get identityCount(): number {
        return this.pool.members.length;
    }

    forIdentity(index: number): DataverseWriteClient {
        if (!Number.isInteger(index) || index < 0 || index >= this.pool.members.length)
            throw new RangeError(`identity ${index} does not exist: this client has ${this.pool.members.length}`);
        return new HttpDataverseClient({ ...this.options, onlyIdentity: index });
    }

    stats(): ClientStats {
        const http = this.http.stats();
        const pool = this.pool.stats();
        const limiter = pool.total;
        return {
            ...http,
            concurrency: {
                limit: limiter.limit,
                ceiling: limiter.ceiling,
                dopHint: limiter.dopHint,
                inFlight: limiter.inFlight,
                queued: limiter.queued,
                peakInFlight: limiter.peakInFlight,
                throttles: limiter.throttles,
                contentions: limiter.contentions,
                decreases: limiter.decreases,
                ...(pool.identities.length > 1
                    ? {
                          identities: pool.identities.map((s) => ({
                              index: s.index,
                              limit: s.limit,
                              inFlight: s.inFlight,
                              granted: s.granted,
                              throttles: s.throttles,
                          })),
                      }
                    : {}),
            },
        };
    }
}
