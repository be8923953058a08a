/**
 * The Dataverse request loop: standard OData headers, one limiter permit per attempt, and the retry decisions of
 * retry-classifier.ts carried out: a 429 pauses every caller of this environment + identity through the limiter
 * (never counted as a failure), a transient failure sleeps its backoff, a deadlock also lowers the limiter's
 * parallelism, an outage pauses every caller and is reported to the environment's outage tracker, a rejected token is
 * dropped and fetched again. The run's signal or deadline ends every wait.
 */
import type { HttpHeaders } from '@azure/core-rest-pipeline';
import type { AdaptiveLimiter } from './concurrency.js';
import { DataverseError } from './errors.js';
import { IdentityPool, type PoolPermit } from './identity-pool.js';
import { parseJson as parseExactJson, stringifyJson } from './json-exact.js';
import { OutageTracker } from './outage.js';
import {
    abortedError,
    attemptNumber,
    classifyAttempt,
    type NotAccepted,
    type OutcomeResponse,
    type RetryContext,
    type RetryDecision,
    type RetryReason,
    type RetryState,
} from './retry-classifier.js';
import { sleep, type RetryOptions } from './retry-policy.js';
import type { AccessTokenCache } from './token-cache.js';
import { NetworkFailure, type Transport } from './transport.js';
import { noteRequest } from './request-tally.js';
import { isUnknownOutcome } from './unknown-outcome.js';

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
    /** The caller halves the request on a SQL timeout: fail at once instead of sending the same body again. */
    splitOnSqlTimeout?: boolean;
    /**
     * A write the service must apply at most once: after a failure that leaves its outcome unknown (unknown-outcome.ts)
     * it is thrown at once instead of sent again, for the caller to settle by reading. 429 and 503 are still waited out.
     */
    atMostOnce?: boolean;
}

export interface DataverseResponse {
    status: number;
    headers: HttpHeaders;
    bodyText: string;
    /** Which identity of the pool sent the attempt that answered (its index), for waits its answer asks for. */
    identity?: number;
}

/** A retry the loop is about to make, for logs and progress. Never carries a token. */
export interface RetryEvent {
    reason: RetryReason;
    method: string;
    path: string;
    /** Status of the failed attempt (0 when no response arrived). */
    status: number;
    code?: string;
    delayMs: number;
    /** Number of the attempt that failed (1 = the first). */
    attempt: number;
}

export interface HttpStats {
    /** HTTP attempts sent (retries included). */
    attempts: number;
    /** Logical requests completed successfully. */
    succeeded: number;
    /** 429 responses (never failures). */
    throttled: number;
    /** Transient failures that were retried (deadlocks included). */
    transientRetries: number;
    /** Deadlock victims that were retried. */
    deadlockRetries: number;
    /** Waits for an environment that was away (refused connections, 503). */
    outageRetries: number;
    /** Requests that ended in an error. */
    failed: number;
}

export interface HttpOptions {
    /** Environment root URL. */
    url: string;
    transport: Transport;
    /** One identity's token (without `pool`). */
    tokenCache?: AccessTokenCache;
    /** One identity's limiter (without `pool`). */
    limiter?: AdaptiveLimiter;
    /** The identities requests go as (identity-pool.ts); wins over `limiter` and `tokenCache`. */
    pool?: IdentityPool;
    /** The environment's outage state, shared by every client of it (a private one when omitted). */
    outage?: OutageTracker;
    retry: RetryOptions;
    /** The run's budget: aborting it ends every wait, 429 waits included. */
    signal?: AbortSignal;
    /** Epoch ms after which throttled or failing requests are not retried any more. */
    deadline?: number;
    onRetry?: (event: RetryEvent) => void;
    /** Jitter source (tests make backoff exact). Default Math.random. */
    random?: () => number;
    /** Clock for deadline checks and HTTP-date Retry-After values. Default Date.now. */
    now?: () => number;
    /** The environment's name in request tallies (`source`, `target`: request-tally.ts); none: not counted. */
    meter?: string;
}

export class DataverseHttp {
    readonly origin: string;
    readonly apiBase: string;
    private readonly counters: HttpStats = {
        attempts: 0,
        succeeded: 0,
        throttled: 0,
        transientRetries: 0,
        deadlockRetries: 0,
        outageRetries: 0,
        failed: 0,
    };
    private readonly outage: OutageTracker;
    readonly pool: IdentityPool;

    constructor(private readonly options: HttpOptions) {
        this.origin = new URL(options.url).origin;
        this.apiBase = `${this.origin}${API_PATH}`;
        this.outage = options.outage ?? new OutageTracker();
        if (options.pool) this.pool = options.pool;
        else if (options.limiter)
            this.pool = new IdentityPool([
                { index: 0, key: this.origin, limiter: options.limiter, tokenCache: options.tokenCache },
            ]);
        else throw new Error('DataverseHttp needs a limiter or an identity pool');
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

    /** The URL path (no host, no query) of a request path, as every DataverseError names it. */
    urlPath(path: string): string {
        return new URL(this.resolve(path)).pathname;
    }

    async send(request: DataverseRequest): Promise<DataverseResponse> {
        try {
            const response = await this.loop(request);
            this.counters.succeeded++;
            return response;
        } catch (error) {
            this.counters.failed++;
            noteRequest(this.options.meter, 'failed');
            throw error;
        }
    }

    /** Sends and parses the JSON body (undefined for an empty body such as a 204). */
    async sendJson<T>(request: DataverseRequest): Promise<{ status: number; headers: HttpHeaders; body: T }> {
        const response = await this.send(request);
        return {
            status: response.status,
            headers: response.headers,
            // The path only for the error of a body that is not JSON: not worked out again for every page.
            body: parseJson<T>(response, request.method, () => this.urlPath(request.path)),
        };
    }

    /** The classifier's view of one attempt: its retry options, deadline, clock and the environment's outage state. */
    retryContext(
        method: string,
        path: string,
        options: Pick<DataverseRequest, 'accept' | 'splitOnSqlTimeout'> = {},
    ): RetryContext {
        const now = this.options.now ?? Date.now;
        return {
            retry: this.options.retry,
            method,
            path,
            origin: this.origin,
            accept: options.accept,
            splitOnSqlTimeout: options.splitOnSqlTimeout,
            canRefreshToken: this.pool.members.some((m) => m.tokenCache !== undefined),
            deadline: this.options.deadline,
            outage: this.outage.view(now()),
            now,
            random: this.options.random,
        };
    }

    /** Tells the environment's outage tracker what an attempt's decision says about the environment. */
    noteOutcome(decision: RetryDecision, answered: boolean): void {
        const away =
            (decision.action === 'retry' && decision.reason === 'outage') ||
            (decision.action === 'fail' && decision.because === 'outage');
        if (away) {
            this.outage.signal((this.options.now ?? Date.now)(), answered);
            if (decision.action === 'retry') this.counters.outageRetries++;
        } else if (answered) this.outage.answer();
    }

    /** The limiter of the identity that sent a response (the first identity's when unknown). */
    limiterOf(response: Pick<DataverseResponse, 'identity'>): AdaptiveLimiter {
        return this.pool.member(response.identity ?? 0).limiter;
    }

    /** The run's budget signal, if any. */
    get runSignal(): AbortSignal | undefined {
        return this.options.signal;
    }

    /** Reports a retry that a loop is about to make (the `$batch` part loop reports through here too). */
    reportRetry(event: RetryEvent): void {
        this.options.onRetry?.(event);
    }

    /** Counts a retry made outside the request loop (a `$batch` round for failed parts). */
    countRetry(reason: 'transient' | 'deadlock' | 'outage'): void {
        noteRequest(this.options.meter, 'retry');
        if (reason === 'outage') {
            this.counters.outageRetries++;
            return;
        }
        this.counters.transientRetries++;
        if (reason === 'deadlock') this.counters.deadlockRetries++;
    }

    /** Attempts until the classifier accepts a response or fails; it decides, this loop acts and waits. */
    private async loop(request: DataverseRequest): Promise<DataverseResponse> {
        const url = this.resolve(request.path);
        const path = new URL(url).pathname;
        const headers = this.headersFor(request);
        const body = serializeBody(request.body);
        const signal = combineSignals(request.signal, this.options.signal);
        const { retry } = this.options;
        const state: RetryState = { transientFailures: 0, throttles: 0, outages: 0, tokenRefreshed: false };

        for (;;) {
            let permit: PoolPermit;
            try {
                // Any identity with a free slot: after a 429 the retry goes to another identity if one is free.
                permit = await this.pool.acquire(signal);
            } catch (reason) {
                throw abortedError({ method: request.method, path }, reason, state.lastError);
            }
            const { limiter, tokenCache } = permit.member;
            // Judged by the environment's outage state as it is when the attempt is made.
            const context = this.retryContext(request.method, path, request);
            this.counters.attempts++;
            noteRequest(this.options.meter, request.method === 'GET' ? 'read' : 'write');
            let attempt: { response: DataverseResponse } | { failure: NetworkFailure };
            try {
                const authorization: Record<string, string> = tokenCache
                    ? { Authorization: `Bearer ${await tokenCache.getToken()}` }
                    : {};
                attempt = {
                    response: {
                        ...(await this.options.transport.send(
                            { method: request.method, url, headers: { ...headers, ...authorization }, body },
                            signal,
                            retry.attemptTimeoutMs,
                        )),
                        identity: permit.member.index,
                    },
                };
            } catch (failure) {
                // A DataverseError here means no token (the identity library already retried).
                if (!(failure instanceof NetworkFailure)) throw failure;
                attempt = { failure };
            } finally {
                permit.release();
            }

            let decision: NotAccepted;
            if ('response' in attempt) {
                const { response } = attempt;
                const dopHint = Number(response.headers.get('x-ms-dop-hint'));
                if (dopHint > 0) limiter.observeDopHint(dopHint);
                if (response.status === 429) {
                    this.counters.throttled++;
                    noteRequest(this.options.meter, 'throttled');
                }
                const verdict = classifyAttempt({ response: outcomeResponse(response) }, state, context);
                this.noteOutcome(verdict, true);
                if (verdict.action === 'accept') {
                    limiter.onSuccess();
                    return response;
                }
                decision = verdict;
            } else {
                decision = classifyAttempt(attempt, state, context);
                this.noteOutcome(decision, false);
            }
            if (decision.action === 'fail') throw decision.error;
            if (request.atMostOnce && decision.reason === 'transient' && isUnknownOutcome(decision.error))
                throw decision.error;
            this.reportRetry(retryEvent(decision, context, state));
            noteRequest(this.options.meter, 'retry');
            state.lastError = decision.error;
            if (decision.reason === 'throttled') {
                state.throttles++;
                // The limiter holds this caller's next attempt, and everyone else's, until Retry-After has passed.
                limiter.onThrottle(permit, decision.delayMs);
            } else if (decision.reason === 'token-rejected') {
                state.tokenRefreshed = true;
                tokenCache?.invalidate();
            } else if (decision.reason === 'outage') {
                state.outages = (state.outages ?? 0) + 1;
                // The environment is away for everyone: hold every caller, as for a 429, until the wait is over.
                this.pool.pauseFor(decision.delayMs);
            } else {
                state.transientFailures++;
                this.counters.transientRetries++;
                if (decision.reason === 'deadlock') {
                    this.counters.deadlockRetries++;
                    // Writers of one table block each other: fewer at once makes the next deadlock less likely.
                    limiter.onContention(permit);
                }
                await sleepUnlessAborted(decision.delayMs, signal, context, decision.error);
            }
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
}

/** The RetryEvent of a retry decision; `attempt` is the number of the attempt that failed. */
export function retryEvent(
    decision: Extract<RetryDecision, { action: 'retry' }>,
    context: RetryContext,
    state: RetryState,
): RetryEvent {
    return {
        reason: decision.reason,
        method: context.method,
        path: context.path,
        status: decision.error.status,
        code: decision.error.code,
        delayMs: decision.delayMs,
        attempt: attemptNumber(state),
    };
}

/** Waits before a retry; an abort ends the wait at once with a typed error naming the last failure. */
export async function sleepUnlessAborted(
    ms: number,
    signal: AbortSignal | undefined,
    context: Pick<RetryContext, 'method' | 'path'>,
    lastError: DataverseError,
): Promise<void> {
    try {
        await sleep(ms, signal);
    } catch (reason) {
        throw abortedError(context, reason, lastError);
    }
}

function outcomeResponse(response: DataverseResponse): OutcomeResponse {
    return {
        status: response.status,
        header: (name) => response.headers.get(name) ?? undefined,
        bodyText: response.bodyText,
    };
}

function serializeBody(body: unknown): string | undefined {
    if (body === undefined) return undefined;
    // Int64 and Decimal values read as ExactNumbers go back as the number literals they were.
    return typeof body === 'string' ? body : stringifyJson(body);
}

/** `path` gives the URL path only (no host, no query), as every DataverseError carries it. */
function parseJson<T>(response: DataverseResponse, method: string, path: () => string): T {
    if (response.bodyText === '') return undefined as T;
    try {
        // Int64, Decimal and Money literals a double cannot hold come back as ExactNumbers, never rounded.
        return parseExactJson(response.bodyText) as T;
    } catch {
        throw new DataverseError({
            kind: 'protocol',
            status: response.status,
            method,
            path: path(),
            message: `the response is not JSON: ${response.bodyText.slice(0, 200)}`,
        });
    }
}

/** One signal that aborts when either does (undefined when neither is given). */
export function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
    if (a && b) return AbortSignal.any([a, b]);
    return a ?? b;
}
