/**
 * The Dataverse Web API client of one environment: reads (JSON GET, paged collections, WhoAmI) and
 * the writes of the copy engine (UpsertMultiple with a `$batch` fallback, single-row upsert/delete,
 * `$ref` associations). HTTP, retries and concurrency are in http.ts; `$batch` framing in batch.ts.
 */
import type { TokenCredential } from '@azure/identity';
import { isLoopbackUrl } from '../spec/schema.js';
import type { CredentialSpec } from '../spec/schema.js';
import { buildBatchBody, newBatchBoundary, parseBatchResponse } from './batch.js';
import { bypassHeaders, BulkWriter, DUPLICATE_CODE } from './bulk-writes.js';
import { readChangePages, type ReadChangesOptions } from './changes.js';
import { followNextLinks } from './collection-pages.js';
import type {
    BatchRequest,
    BatchResponse,
    ChangePage,
    ClientStats,
    DataverseWriteClient,
    ODataQuery,
    QueryOptions,
    Row,
    UpsertMultipleOptions,
    WriteOptions,
    WriteResult,
    WriteTable,
} from './client-types.js';
import { sharedLimiter, type AdaptiveLimiter } from './concurrency.js';
import { createTokenCredential, identityKey, scopeFor } from './credentials.js';
import { DataverseError, isTransientStatus } from './errors.js';
import { apiPath, combineSignals, DataverseHttp, type RetryEvent } from './http.js';
import { buildQueryString, entityPath, preferHeader } from './odata-url.js';
import { backoffDelay, DEFAULT_RETRY_OPTIONS, parseRetryAfter, sleep, type RetryOptions } from './retry-policy.js';
import { AccessTokenCache } from './token-cache.js';
import { Transport } from './transport.js';

export interface DataverseClientOptions {
    /** Environment root URL, e.g. https://contoso.crm.dynamics.com or http://127.0.0.1:5555. */
    url: string;
    /** How to get tokens (from the spec). Default: `default` for remote URLs, `none` for loopback URLs. */
    credential?: CredentialSpec;
    /** A ready TokenCredential (wins over `credential`). */
    tokenCredential?: TokenCredential;
    /** Upper bound of requests in flight for this environment + identity (spec options.maxConcurrency). */
    maxConcurrency?: number;
    /** Rows per UpsertMultiple / `$batch` request (spec options.writeBatchSize). Default 100. */
    writeBatchSize?: number;
    /** User-Agent prefix. */
    userAgent?: string;
    retry?: Partial<RetryOptions>;
    /** The run's budget: aborting ends all waits (429 waits included) with an `aborted`/`throttled` error. */
    signal?: AbortSignal;
    /** Epoch ms (or Date) after which a throttled or failing request is not retried any more. */
    deadline?: number | Date;
    /** Called before each retry (for logs; never carries a token). */
    onRetry?: (event: RetryEvent) => void;
    /** Where credential settings are read from. Default process.env. */
    env?: NodeJS.ProcessEnv;
}

/** Process-wide token caches, shared like limiters by environment + identity. */
const tokenCaches = new Map<string, AccessTokenCache>();
const injectedCredentialIds = new WeakMap<TokenCredential, number>();
let nextInjectedId = 1;

export function createDataverseClient(options: DataverseClientOptions): DataverseWriteClient {
    return new HttpDataverseClient(options);
}

class HttpDataverseClient implements DataverseWriteClient {
    readonly url: string;
    private readonly http: DataverseHttp;
    private readonly limiter: AdaptiveLimiter;
    private readonly writeBatchSize: number;
    private readonly retry: RetryOptions;
    private readonly runSignal: AbortSignal | undefined;
    private readonly bulk: BulkWriter;

    constructor(options: DataverseClientOptions) {
        const origin = new URL(options.url).origin;
        this.url = origin;
        const credentialSpec: CredentialSpec =
            options.credential ?? (isLoopbackUrl(origin) ? { type: 'none' } : { type: 'default' });
        let identity: string;
        let tokenCredential: TokenCredential | undefined;
        if (options.tokenCredential) {
            tokenCredential = options.tokenCredential;
            let id = injectedCredentialIds.get(tokenCredential);
            if (id === undefined) {
                id = nextInjectedId++;
                injectedCredentialIds.set(tokenCredential, id);
            }
            identity = `injected#${id}`;
        } else {
            identity = identityKey(credentialSpec);
            tokenCredential = createTokenCredential(credentialSpec, options.env);
        }
        const key = `${origin}|${identity}`;
        let tokenCache: AccessTokenCache | undefined;
        if (tokenCredential) {
            tokenCache = tokenCaches.get(key);
            if (!tokenCache) {
                tokenCache = new AccessTokenCache(tokenCredential, scopeFor(origin));
                tokenCaches.set(key, tokenCache);
            }
        }
        this.limiter = sharedLimiter(key, { maxConcurrency: options.maxConcurrency ?? 16 });
        this.writeBatchSize = options.writeBatchSize ?? 100;
        this.runSignal = options.signal;
        this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
        const deadline = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
        this.http = new DataverseHttp({
            url: origin,
            transport: new Transport({ url: origin, tokenCache, userAgent: options.userAgent }),
            tokenCache,
            limiter: this.limiter,
            retry: this.retry,
            signal: options.signal,
            deadline,
            onRetry: options.onRetry,
        });
        this.bulk = new BulkWriter({
            send: (request) => this.http.send(request),
            batch: (requests, batchOptions) => this.batch(requests, batchOptions),
            apiBase: this.http.apiBase,
            writeBatchSize: this.writeBatchSize,
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

    whoAmI(): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }> {
        return this.get('WhoAmI');
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

    async createOrUpdate(
        table: WriteTable,
        key: string,
        row: Row,
        options: WriteOptions & { mode?: 'upsert' | 'update' | 'create' } = {},
    ): Promise<void> {
        const headers = bypassHeaders(options.bypass) ?? {};
        if (options.mode === 'update') headers['If-Match'] = '*';
        if (options.mode === 'create') headers['If-None-Match'] = '*';
        await this.http.send({
            method: 'PATCH',
            path: entityPath(table.entitySetName, key),
            headers,
            body: row,
            signal: options.signal,
        });
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

    async batch(requests: BatchRequest[], options: WriteOptions = {}): Promise<BatchResponse[]> {
        const results: Array<BatchResponse | undefined> = new Array<BatchResponse | undefined>(requests.length);
        let pending = requests.map((_, index) => index);
        let transientRounds = 0;
        while (pending.length > 0) {
            const boundary = newBatchBoundary();
            const response = await this.http.send({
                method: 'POST',
                path: '$batch',
                headers: {
                    'Content-Type': `multipart/mixed; boundary="${boundary}"`,
                    Prefer: preferHeader({ continueOnError: true }) as string,
                    ...bypassHeaders(options.bypass),
                },
                body: buildBatchBody(
                    pending.map((index) => requests[index] as BatchRequest),
                    boundary,
                ),
                signal: options.signal,
            });
            let parts: BatchResponse[];
            try {
                parts = parseBatchResponse(response.headers.get('content-type'), response.bodyText);
            } catch (error) {
                throw new DataverseError({
                    kind: 'protocol',
                    status: response.status,
                    method: 'POST',
                    path: apiPath('$batch'),
                    message: `unreadable $batch response: ${(error as Error).message}`,
                });
            }
            if (parts.length !== pending.length) {
                throw new DataverseError({
                    kind: 'protocol',
                    status: response.status,
                    method: 'POST',
                    path: apiPath('$batch'),
                    message: `the $batch response has ${parts.length} parts for ${pending.length} requests`,
                });
            }
            const retry: number[] = [];
            let throttleWaitMs = 0;
            let transient = false;
            parts.forEach((part, i) => {
                const index = pending[i] as number;
                if (part.status === 429) {
                    retry.push(index);
                    throttleWaitMs = Math.max(
                        throttleWaitMs,
                        parseRetryAfter(part.headers['retry-after']) ?? this.retry.throttleFallbackMs,
                    );
                } else if (isTransientStatus(part.status) && transientRounds + 1 < this.retry.maxTransientAttempts) {
                    retry.push(index);
                    transient = true;
                    results[index] = part; // kept if we give up
                } else {
                    results[index] = part;
                }
            });
            pending = retry;
            if (pending.length === 0) break;
            // Throttled parts never count; transient parts get the capped backoff like whole requests.
            if (throttleWaitMs > 0) this.limiter.pauseFor(throttleWaitMs);
            if (transient) {
                transientRounds++;
                await sleep(backoffDelay(transientRounds, this.retry), combineSignals(options.signal, this.runSignal));
            }
        }
        return results.map((result) => result as BatchResponse);
    }

    stats(): ClientStats {
        const http = this.http.stats();
        const limiter = this.limiter.stats();
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
                decreases: limiter.decreases,
            },
        };
    }
}

export { bypassHeaders };
