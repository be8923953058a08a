/**
 * The Dataverse request loop: standard OData headers, the adaptive limiter, and the retry rules.
 * - 429: wait Retry-After (the limiter pauses every caller of this environment + identity), retry,
 *   never counted as a failure; only the run's deadline or abort signal ends the wait.
 * - 500/502/503/504, resets, hang ups, timeouts: capped exponential backoff with jitter
 *   (503's Retry-After when sent), then a typed error.
 * - 401: drop the cached token and retry once; then a typed `auth` error.
 * - Other statuses: a typed error at once (unless the caller accepts the status).
 */
import type { HttpHeaders } from '@azure/core-rest-pipeline';
import type { AdaptiveLimiter, Permit } from './concurrency.js';
import { DataverseError, isTransientStatus, parseErrorBody, reasonPhrase } from './errors.js';
import { backoffDelay, parseRetryAfter, sleep, type RetryOptions } from './retry-policy.js';
import type { AccessTokenCache } from './token-cache.js';
import { NetworkFailure, type Transport } from './transport.js';

export const API_PATH = '/api/data/v9.2/';

/** `/api/data/v9.2/<path>` for a path relative to the API base (unchanged when it already starts there). */
export function apiPath(path: string): string {
    return path.startsWith(API_PATH) ? path : `${API_PATH}${path.replace(/^\/+/, '')}`;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface DataverseRequest {
    method: HttpMethod;
    /** Relative to `<environment>/api/data/v9.2/`, or an absolute URL of the same environment (a nextLink). */
    path: string;
    headers?: Record<string, string>;
    /** A JSON value (serialized, Content-Type application/json) or ready text with its own Content-Type header. */
    body?: unknown;
    signal?: AbortSignal;
    /** Statuses returned to the caller instead of thrown (e.g. 404 for an idempotent delete). */
    accept?: readonly number[];
}

export interface DataverseResponse {
    status: number;
    headers: HttpHeaders;
    bodyText: string;
}

/** A retry the loop is about to make, for logs and progress. Never carries a token. */
export interface RetryEvent {
    reason: 'throttled' | 'transient' | 'token-rejected';
    method: string;
    path: string;
    status: number;
    code?: string;
    delayMs: number;
    attempt: number;
}

export interface HttpStats {
    /** HTTP attempts sent (retries included). */
    attempts: number;
    /** Logical requests completed successfully. */
    succeeded: number;
    /** 429 responses (never failures). */
    throttled: number;
    /** Transient failures that were retried. */
    transientRetries: number;
    /** Requests that ended in an error. */
    failed: number;
}

export interface HttpOptions {
    /** Environment root URL. */
    url: string;
    transport: Transport;
    tokenCache?: AccessTokenCache;
    limiter: AdaptiveLimiter;
    retry: RetryOptions;
    /** The run's budget: aborting it ends every wait, 429 waits included. */
    signal?: AbortSignal;
    /** Epoch ms after which throttled or failing requests are not retried any more. */
    deadline?: number;
    onRetry?: (event: RetryEvent) => void;
    random?: () => number;
}

export class DataverseHttp {
    readonly origin: string;
    readonly apiBase: string;
    private readonly counters: HttpStats = { attempts: 0, succeeded: 0, throttled: 0, transientRetries: 0, failed: 0 };

    constructor(private readonly options: HttpOptions) {
        this.origin = new URL(options.url).origin;
        this.apiBase = `${this.origin}${API_PATH}`;
    }

    stats(): HttpStats {
        return { ...this.counters };
    }

    /** Absolute URL for a path relative to the API base; absolute URLs must belong to this environment. */
    resolve(path: string): string {
        if (/^https?:\/\//i.test(path)) {
            if (new URL(path).origin !== this.origin) {
                // Never send our token to another host, whatever a nextLink says.
                throw new DataverseError({
                    kind: 'protocol',
                    status: 0,
                    method: 'GET',
                    path: new URL(path).pathname,
                    message: `refusing to follow a URL outside ${this.origin}`,
                });
            }
            return path;
        }
        return `${this.origin}${apiPath(path)}`;
    }

    async send(request: DataverseRequest): Promise<DataverseResponse> {
        try {
            const response = await this.loop(request);
            this.counters.succeeded++;
            return response;
        } catch (error) {
            this.counters.failed++;
            throw error;
        }
    }

    /** Sends and parses the JSON body (undefined for an empty body such as a 204). */
    async sendJson<T>(request: DataverseRequest): Promise<{ status: number; headers: HttpHeaders; body: T }> {
        const response = await this.send(request);
        return {
            status: response.status,
            headers: response.headers,
            body: parseJson<T>(response, request.method, new URL(this.resolve(request.path)).pathname),
        };
    }

    private async loop(request: DataverseRequest): Promise<DataverseResponse> {
        const url = this.resolve(request.path);
        const path = new URL(url).pathname;
        const headers = this.headersFor(request);
        const body = serializeBody(request.body);
        const signal = combineSignals(request.signal, this.options.signal);
        const { retry, limiter } = this.options;
        let transientFailures = 0;
        let throttles = 0;
        let tokenRetried = false;
        let lastError: DataverseError | undefined;

        for (;;) {
            let permit: Permit;
            try {
                permit = await limiter.acquire(signal);
            } catch (error) {
                throw this.abortedError(request.method, path, error, lastError);
            }
            this.counters.attempts++;
            let outcome: { response: DataverseResponse } | { failure: unknown };
            try {
                outcome = {
                    response: await this.options.transport.send(
                        { method: request.method, url, headers, body },
                        signal,
                        retry.attemptTimeoutMs,
                    ),
                };
            } catch (failure) {
                outcome = { failure };
            } finally {
                permit.release();
            }
            const attempt = throttles + transientFailures + 1;

            if ('failure' in outcome) {
                const failure = outcome.failure;
                // A DataverseError here means no token (the identity library already retried).
                if (!(failure instanceof NetworkFailure)) throw failure;
                if (failure.kind === 'aborted') throw this.abortedError(request.method, path, undefined, lastError);
                const error = new DataverseError({
                    kind: failure.kind,
                    status: 0,
                    code: undefined,
                    method: request.method,
                    path,
                    attempts: attempt,
                    message:
                        failure.kind === 'unreachable'
                            ? `cannot reach ${this.origin} (${failure.code ?? 'network error'}: ${failure.message}); check the environment URL and the network`
                            : `${failure.kind === 'timeout' ? 'timed out' : 'connection failed'} (${failure.code ?? 'network error'}: ${failure.message})`,
                });
                if (failure.kind === 'unreachable') throw error;
                lastError = error;
                transientFailures++;
                await this.backoff(request, path, error, transientFailures, undefined, signal);
                continue;
            }

            const response = outcome.response;
            const dopHint = Number(response.headers.get('x-ms-dop-hint'));
            if (dopHint > 0) limiter.observeDopHint(dopHint);
            const status = response.status;

            if ((status >= 200 && status < 300) || status === 304 || request.accept?.includes(status)) {
                limiter.onSuccess();
                return response;
            }

            const error = this.responseError(request.method, path, response, attempt);
            if (status === 429) {
                this.counters.throttled++;
                throttles++;
                const waitMs =
                    parseRetryAfter(response.headers.get('retry-after')) ??
                    backoffDelay(
                        throttles,
                        { baseDelayMs: retry.throttleFallbackMs, maxDelayMs: Math.max(retry.maxDelayMs, 60_000) },
                        this.options.random,
                    );
                this.checkDeadline(waitMs, error, 'still throttled');
                limiter.onThrottle(permit, waitMs);
                lastError = error;
                this.options.onRetry?.({
                    reason: 'throttled',
                    method: request.method,
                    path,
                    status,
                    code: error.code,
                    delayMs: waitMs,
                    attempt,
                });
                continue; // the limiter holds the next attempt until Retry-After has passed
            }
            if (status === 401 && this.options.tokenCache && !tokenRetried) {
                tokenRetried = true;
                this.options.tokenCache.invalidate();
                this.options.onRetry?.({
                    reason: 'token-rejected',
                    method: request.method,
                    path,
                    status,
                    delayMs: 0,
                    attempt,
                });
                continue;
            }
            if (isTransientStatus(status)) {
                lastError = error;
                transientFailures++;
                const retryAfter = status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
                await this.backoff(request, path, error, transientFailures, retryAfter, signal);
                continue;
            }
            throw error;
        }
    }

    private async backoff(
        request: DataverseRequest,
        path: string,
        error: DataverseError,
        failures: number,
        retryAfterMs: number | undefined,
        signal: AbortSignal | undefined,
    ): Promise<void> {
        const { retry } = this.options;
        if (failures >= retry.maxTransientAttempts) {
            throw new DataverseError({
                ...errorInit(error),
                attempts: failures,
                message: `${error.serviceMessage} (gave up after ${failures} attempts)`,
            });
        }
        this.counters.transientRetries++;
        const delayMs = retryAfterMs ?? backoffDelay(failures, retry, this.options.random);
        this.checkDeadline(delayMs, error, 'still failing');
        this.options.onRetry?.({
            reason: 'transient',
            method: request.method,
            path,
            status: error.status,
            code: error.code,
            delayMs,
            attempt: failures,
        });
        try {
            await sleep(delayMs, signal);
        } catch (abort) {
            throw this.abortedError(request.method, path, abort, error);
        }
    }

    private checkDeadline(waitMs: number, error: DataverseError, what: string): void {
        const deadline = this.options.deadline;
        if (deadline !== undefined && Date.now() + waitMs > deadline) {
            throw new DataverseError({
                ...errorInit(error),
                kind: error.status === 429 ? 'throttled' : error.kind,
                message: `${error.serviceMessage} (${what} at the run's deadline ${new Date(deadline).toISOString()})`,
            });
        }
    }

    private headersFor(request: DataverseRequest): Record<string, string> {
        const headers: Record<string, string> = {
            Accept: 'application/json',
            'OData-MaxVersion': '4.0',
            'OData-Version': '4.0',
        };
        if (request.method === 'GET') headers['If-None-Match'] = 'null';
        if (request.body !== undefined) headers['Content-Type'] = 'application/json';
        return { ...headers, ...request.headers };
    }

    private responseError(method: string, path: string, response: DataverseResponse, attempts: number): DataverseError {
        const { code, message } = parseErrorBody(response.bodyText);
        const status = response.status;
        const requestId =
            response.headers.get('x-ms-service-request-id') ?? response.headers.get('req_id') ?? undefined;
        const rejected = status === 401;
        return new DataverseError({
            kind: rejected ? 'auth' : status === 429 ? 'throttled' : isTransientStatus(status) ? 'transient' : 'http',
            status,
            code,
            method,
            path,
            requestId,
            attempts,
            message: rejected
                ? `the environment ${this.origin} rejected the access token (401 Unauthorized); check that the identity is an application user of this environment and that the token is for ${this.origin}`
                : (message ?? reasonPhrase(status)),
        });
    }

    private abortedError(
        method: string,
        path: string,
        reason: unknown,
        lastError: DataverseError | undefined,
    ): DataverseError {
        const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
        const last = lastError
            ? ` (last failure: ${lastError.status || lastError.kind} ${lastError.serviceMessage})`
            : '';
        return new DataverseError({
            kind: lastError?.status === 429 ? 'throttled' : 'aborted',
            status: lastError?.status ?? 0,
            code: lastError?.code,
            method,
            path,
            message: `the request was aborted${why}${last}`,
        });
    }
}

function errorInit(error: DataverseError) {
    return {
        kind: error.kind,
        status: error.status,
        code: error.code,
        requestId: error.requestId,
        method: error.method,
        path: error.path,
        attempts: error.attempts,
    };
}

function serializeBody(body: unknown): string | undefined {
    if (body === undefined) return undefined;
    return typeof body === 'string' ? body : JSON.stringify(body);
}

/** `path` is the URL path only (no host, no query), as every DataverseError carries it. */
export function parseJson<T>(response: DataverseResponse, method: string, path: string): T {
    if (response.bodyText === '') return undefined as T;
    try {
        return JSON.parse(response.bodyText) as T;
    } catch {
        throw new DataverseError({
            kind: 'protocol',
            status: response.status,
            method,
            path,
            message: `the response is not JSON: ${response.bodyText.slice(0, 200)}`,
        });
    }
}

/** One signal that aborts when either does (undefined when neither is given). */
export function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
    if (a && b) return AbortSignal.any([a, b]);
    return a ?? b;
}
