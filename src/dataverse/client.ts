/**
 * The Dataverse Web API client of one environment: reads (JSON GET, paged collections, WhoAmI) and
 * the writes of the copy engine (UpsertMultiple with a `$batch` fallback, single-row upsert/delete,
 * `$ref` associations). HTTP, retries and concurrency are in http.ts; `$batch` framing in batch.ts.
 */
import type { TokenCredential } from '@azure/identity';
import { isLoopbackUrl } from '../spec/schema.js';
import type { CredentialSpec } from '../spec/schema.js';
import { buildBatchBody, newBatchBoundary, parseBatchResponse } from './batch.js';
import type {
    BatchRequest,
    BatchResponse,
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
import { DataverseError, isTransientStatus, parseErrorBody } from './errors.js';
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

/** How the service words "this table has no UpsertMultiple" (its code, 0x80040216, is the generic "unexpected"). */
const UNSUPPORTED_BULK =
    /does not support entities of type|MessageProcessor\.Empty|has not yet been implemented|is not supported/i;
const DUPLICATE_CODE = '0x80040237';

class HttpDataverseClient implements DataverseWriteClient {
    readonly url: string;
    private readonly http: DataverseHttp;
    private readonly limiter: AdaptiveLimiter;
    private readonly writeBatchSize: number;
    private readonly retry: RetryOptions;
    /** Tables whose UpsertMultiple the service rejected as unsupported: straight to `$batch`. */
    private readonly noBulk = new Set<string>();
    private readonly runSignal: AbortSignal | undefined;
    /** Tables whose UpsertMultiple succeeded once. */
    private readonly bulkOk = new Set<string>();

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
        let next: string | undefined = `${entitySetName}${buildQueryString(query)}`;
        while (next !== undefined) {
            const { body }: { body: CollectionPage | undefined } = await this.http.sendJson<CollectionPage>({
                method: 'GET',
                path: next,
                headers,
                signal: options.signal,
            });
            if (!body || !Array.isArray(body.value)) {
                throw new DataverseError({
                    kind: 'protocol',
                    status: 200,
                    method: 'GET',
                    path: new URL(this.http.resolve(next)).pathname,
                    message: 'the collection response has no "value" array',
                });
            }
            yield body.value;
            // Followed unchanged, as the service requires (same Prefer header, nothing appended).
            next = body['@odata.nextLink'];
        }
    }

    whoAmI(): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }> {
        return this.get('WhoAmI');
    }

    // ---- writes -----------------------------------------------------------------------------------------------

    async upsertMultiple(table: WriteTable, rows: Row[], options: UpsertMultipleOptions = {}): Promise<WriteResult[]> {
        const chunks = this.chunks(rows, options);
        const run = (chunk: Chunk<Row>) => this.upsertChunk(table, chunk.items, chunk.start, options);
        // Until the table is known to take UpsertMultiple (or not), one chunk finds out before the rest go in parallel.
        const probe =
            this.bulkOk.has(table.logicalName) || this.noBulk.has(table.logicalName) ? [] : chunks.slice(0, 1);
        const first = await Promise.all(probe.map(run));
        const rest = await Promise.all(chunks.slice(probe.length).map(run));
        return [...first, ...rest].flat();
    }

    /** Writes `rows`, the input rows from index `start` on; results carry their index in the input. */
    private async upsertChunk(
        table: WriteTable,
        rows: Row[],
        start: number,
        options: UpsertMultipleOptions,
    ): Promise<WriteResult[]> {
        const headers = bypassHeaders(options.bypass);
        if (!this.noBulk.has(table.logicalName)) {
            const type = `Microsoft.Dynamics.CRM.${table.logicalName}`;
            try {
                await this.http.send({
                    method: 'POST',
                    path: `${table.entitySetName}/Microsoft.Dynamics.CRM.UpsertMultiple`,
                    headers,
                    body: { Targets: rows.map((row) => ({ ...row, '@odata.type': type })) },
                    signal: options.signal,
                });
                this.bulkOk.add(table.logicalName);
                return rows.map((_, index) => ({ index: start + index, ok: true, status: 204 }));
            } catch (error) {
                // Row-level problems and unsupported tables go row by row below; everything else is not the rows' fault.
                if (!(error instanceof DataverseError) || error.kind !== 'http') throw error;
                if (UNSUPPORTED_BULK.test(error.serviceMessage)) {
                    this.noBulk.add(table.logicalName);
                }
            }
        }
        const primaryId = table.primaryIdAttribute ?? `${table.logicalName}id`;
        const requests: BatchRequest[] = [];
        const results: Array<WriteResult | undefined> = [];
        rows.forEach((row, index) => {
            const { ['@odata.id']: odataId, ['@odata.type']: _type, [primaryId]: id, ...body } = row;
            let path: string;
            try {
                if (typeof odataId === 'string')
                    path = odataId.replace(/^.*\/api\/data\/v\d+\.\d+\//, '').replace(/^\//, '');
                else if (typeof id === 'string') path = entityPath(table.entitySetName, id);
                else throw new Error(`the row has no ${primaryId} and no @odata.id, so it cannot be upserted`);
            } catch (error) {
                results[index] = { index: start + index, ok: false, status: 400, message: (error as Error).message };
                return;
            }
            results[index] = undefined;
            requests.push({ method: 'PATCH', path, body, headers });
        });
        const responses = await this.batch(requests, options);
        let next = 0;
        return results.map((result, index) => {
            if (result) return result;
            return toWriteResult(start + index, responses[next++]);
        });
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
                ...this.associateRequest(table, id, navigationProperty, related, relatedId, headers),
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

    async associateMany(
        table: WriteTable,
        navigationProperty: string,
        related: WriteTable,
        pairs: Array<[id: string, relatedId: string]>,
        options: UpsertMultipleOptions = {},
    ): Promise<WriteResult[]> {
        const headers = bypassHeaders(options.bypass);
        const responses = await Promise.all(
            this.chunks(pairs, options).map((chunk) =>
                this.batch(
                    chunk.items.map(([id, relatedId]) =>
                        this.associateRequest(table, id, navigationProperty, related, relatedId, headers),
                    ),
                    options,
                ),
            ),
        );
        return responses.flat().map((response, index) => {
            const result = toWriteResult(index, response);
            return !result.ok && result.code === DUPLICATE_CODE ? { index, ok: true, status: response.status } : result;
        });
    }

    private associateRequest(
        table: WriteTable,
        id: string,
        navigationProperty: string,
        related: WriteTable,
        relatedId: string,
        headers: Record<string, string> | undefined,
    ): BatchRequest {
        return {
            method: 'POST',
            path: `${entityPath(table.entitySetName, id)}/${navigationProperty}/$ref`,
            headers,
            body: { '@odata.id': `${this.http.apiBase}${entityPath(related.entitySetName, relatedId)}` },
        };
    }

    /** `items` in chunks of the write batch size, each with the index of its first item. */
    private chunks<T>(items: readonly T[], options: UpsertMultipleOptions): Array<Chunk<T>> {
        const size = Math.max(1, options.batchSize ?? this.writeBatchSize);
        const chunks: Array<Chunk<T>> = [];
        for (let start = 0; start < items.length; start += size)
            chunks.push({ start, items: items.slice(start, start + size) });
        return chunks;
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

interface Chunk<T> {
    start: number;
    items: T[];
}

interface CollectionPage {
    value?: Row[];
    '@odata.nextLink'?: string;
}

export function bypassHeaders(bypass: WriteOptions['bypass']): Record<string, string> | undefined {
    if (!bypass) return undefined;
    const headers: Record<string, string> = {};
    if (bypass.businessLogic && bypass.businessLogic.length > 0) {
        headers['MSCRM.BypassBusinessLogicExecution'] = bypass.businessLogic.join(',');
    }
    if (bypass.powerAutomateFlows) headers['MSCRM.SuppressCallbackRegistrationExpanderJob'] = 'true';
    return Object.keys(headers).length > 0 ? headers : undefined;
}

function toWriteResult(index: number, part: BatchResponse | undefined): WriteResult {
    if (!part) return { index, ok: false, message: 'no response for this row' };
    if (part.status >= 200 && part.status < 300) return { index, ok: true, status: part.status };
    const { code, message } = parseErrorBody(part.bodyText);
    return { index, ok: false, status: part.status, code, message: message ?? `HTTP ${part.status}` };
}
