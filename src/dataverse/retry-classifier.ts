/**
 * The retry decision, apart from the loops that act on it (core-rest-pipeline's split of retryPolicy, the loop, from
 * throttlingRetryStrategy, the decision). Given what one attempt produced and what happened before it, the answer is:
 * accept the response, retry after N ms for a reason, or fail with a DataverseError. Pure: no I/O and no timers;
 * the clock and the randomness come in through the context. Used by the request loop (http.ts) and by the `$batch`
 * part loop (batch-sender.ts), so whole requests and batch parts follow the same rules:
 * - 429: wait Retry-After (else a growing fallback), never counted as a failure; only the deadline ends it; but a
 *   customization lock (customization-lock.ts) fails at once, for the metadata writer to wait out;
 * - 500/502/504, resets, hang ups, timeouts: capped exponential backoff with jitter, then a typed error;
 * - a deadlock (sql-errors.ts): the same backoff, as reason `deadlock` (the loop also lowers the parallelism);
 * - a SQL timeout of a request the caller can split: fail at once (`split`), the caller halves it;
 * - an outage (503, or a refused connection from an environment that answered before): backoff (503's Retry-After
 *   when sent) while the environment's outage is shorter than the outage budget, then an `outage` error;
 * - 401: refresh the token once (when there is one), then a typed `auth` error;
 * - unreachable hosts and other statuses: a typed error at once.
 */
import { isCustomizationLockAnswer } from './customization-lock.js';
import { DataverseError, isTransientStatus, parseErrorBody, reasonPhrase } from './errors.js';
import type { OutageView } from './outage.js';
import { backoffDelay, parseRetryAfter, type RetryOptions } from './retry-policy.js';
import { sqlFaultOf } from './sql-errors.js';
import type { NetworkFailure } from './transport.js';

/** A response as the classifier reads it: a whole HTTP response or one `$batch` part. */
export interface OutcomeResponse {
    status: number;
    /** Header value by (case-insensitive) name. */
    header(name: string): string | undefined;
    bodyText: string;
}

/** What one attempt produced: a response (any status), or no response at all. */
export type AttemptOutcome = { response: OutcomeResponse } | { failure: NetworkFailure };

/** What happened before this attempt (this attempt not counted). */
export interface RetryState {
    /** Transient failures (5xx, broken connections, timeouts) so far. */
    transientFailures: number;
    /** 429 responses so far. */
    throttles: number;
    /** Outage waits so far (they do not count as transient failures). */
    outages?: number;
    /** The token was already refreshed once after a 401 (or cannot be). */
    tokenRefreshed: boolean;
    /** The failure before this one, named in the error when the request is finally given up or aborted. */
    lastError?: DataverseError;
}

export interface RetryContext {
    retry: RetryOptions;
    method: string;
    /** URL path of the request (no host, no query), as every DataverseError carries it. */
    path: string;
    /** Environment origin, for messages that must name it. */
    origin: string;
    /** Statuses the caller takes as they come (e.g. 404 for an idempotent delete). */
    accept?: readonly number[];
    /** A 401 can be answered by refreshing the token. */
    canRefreshToken: boolean;
    /** Epoch ms after which nothing is retried any more. */
    deadline?: number;
    /** The caller halves the request on a SQL timeout instead of sending it again (a bulk write of several rows). */
    splitOnSqlTimeout?: boolean;
    /** The environment's outage state (outage.ts); without it an outage begins with this attempt. */
    outage?: OutageView;
    now: () => number;
    random?: () => number;
}

export type RetryReason = 'throttled' | 'transient' | 'deadlock' | 'outage' | 'token-rejected';

/**
 * Why a request is not retried: `status` (retrying will not help), `exhausted` (transient attempts used up),
 * `deadline` (the wait would pass the run's deadline), `unreachable` (nothing was sent), `aborted` (the signal),
 * `split` (a SQL timeout the caller answers with smaller requests), `outage` (the outage budget is spent).
 */
export type FailReason = 'status' | 'exhausted' | 'deadline' | 'unreachable' | 'aborted' | 'split' | 'outage';

/** Refusals that mean "the host is away" once the environment has answered: an outage, not a wrong URL. */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

export type RetryDecision =
    | { action: 'accept' }
    | { action: 'retry'; reason: RetryReason; delayMs: number; error: DataverseError }
    | { action: 'fail'; because: FailReason; error: DataverseError };

/** Every decision but `accept`: what a network failure can lead to. */
export type NotAccepted = Exclude<RetryDecision, { action: 'accept' }>;

export function classifyAttempt(
    outcome: { failure: NetworkFailure },
    state: RetryState,
    context: RetryContext,
): NotAccepted;
export function classifyAttempt(outcome: AttemptOutcome, state: RetryState, context: RetryContext): RetryDecision;
export function classifyAttempt(outcome: AttemptOutcome, state: RetryState, context: RetryContext): RetryDecision {
    const attempt = attemptNumber(state);
    if ('failure' in outcome) return classifyFailure(outcome.failure, state, context, attempt);
    const { response } = outcome;
    const status = response.status;
    if ((status >= 200 && status < 300) || status === 304 || context.accept?.includes(status)) {
        return { action: 'accept' };
    }
    const error = responseError(response, context, attempt);
    // Another customization holds the lock: the metadata writer waits it out (customization-lock.ts), not the loop.
    if (status === 429 && isCustomizationLockAnswer(error.code, error.serviceMessage))
        return { action: 'fail', because: 'status', error };
    if (status === 429) {
        const delayMs =
            parseRetryAfter(response.header('retry-after'), context.now()) ??
            backoffDelay(
                state.throttles + 1,
                {
                    baseDelayMs: context.retry.throttleFallbackMs,
                    maxDelayMs: Math.max(context.retry.maxDelayMs, 60_000),
                },
                context.random,
            );
        return pastDeadline(delayMs, error, context, 'still throttled') ?? retry('throttled', delayMs, error);
    }
    if (status === 401 && context.canRefreshToken && !state.tokenRefreshed) return retry('token-rejected', 0, error);
    if (!isTransientStatus(status)) return { action: 'fail', because: 'status', error };
    const sql = sqlFaultOf(error.code, error.serviceMessage);
    // The service's advice for a SQL timeout is a smaller batch; the same batch again would likely time out again.
    // Only the service's own 500 says it rolled back: a gateway's 504 may hide a commit, so it is sent again as it is.
    if (sql === 'sqlTimeout' && status === 500 && context.splitOnSqlTimeout) {
        return { action: 'fail', because: 'split', error };
    }
    if (sql === 'deadlock') return transient(error, state, context, 'deadlock');
    if (status === 503) {
        const retryAfterMs = parseRetryAfter(response.header('retry-after'), context.now());
        return outage(error, state, context, retryAfterMs, `${status} ${error.serviceMessage}`);
    }
    return transient(error, state, context);
}

function classifyFailure(
    failure: NetworkFailure,
    state: RetryState,
    context: RetryContext,
    attempt: number,
): NotAccepted {
    if (failure.kind === 'aborted') {
        // The signal's own reason (the budget's message) is the better cause than "the request was aborted".
        const reason = failure.cause ?? failure;
        return { action: 'fail', because: 'aborted', error: abortedError(context, reason, state.lastError) };
    }
    const detail = `${failure.code ?? 'network error'}: ${failure.message}`;
    const error = new DataverseError({
        kind: failure.kind,
        status: 0,
        method: context.method,
        path: context.path,
        attempts: attempt,
        cause: failure,
        message:
            failure.kind === 'unreachable'
                ? `cannot reach ${context.origin} (${detail}); check the environment URL and the network`
                : `${failure.kind === 'timeout' ? 'timed out' : 'connection failed'} (${detail})`,
    });
    if (failure.kind === 'unreachable') {
        // A host that answered before and refuses now is away; one that never answered is more likely misnamed.
        if (context.outage?.answeredBefore && OUTAGE_CODES.has(failure.code ?? '')) {
            return outage(error, state, context, undefined, detail);
        }
        return { action: 'fail', because: 'unreachable', error };
    }
    return transient(error, state, context);
}

/** A transient failure: backoff, unless the attempts are used up or the wait passes the deadline. */
function transient(
    error: DataverseError,
    state: RetryState,
    context: RetryContext,
    reason: 'transient' | 'deadlock' = 'transient',
): NotAccepted {
    const failures = state.transientFailures + 1;
    if (failures >= context.retry.maxTransientAttempts) {
        return {
            action: 'fail',
            because: 'exhausted',
            error: new DataverseError({
                ...errorInit(error),
                attempts: failures,
                cause: error,
                message: `${error.serviceMessage} (gave up after ${failures} attempts)`,
            }),
        };
    }
    const delayMs = backoffDelay(failures, context.retry, context.random);
    return pastDeadline(delayMs, error, context, 'still failing') ?? retry(reason, delayMs, error);
}

/**
 * The environment is away: wait (Retry-After, else backoff) while its outage is younger than the budget, the last
 * wait ending when the budget does; then an `outage` error saying how long it lasted. `last` names the last failure.
 */
function outage(
    error: DataverseError,
    state: RetryState,
    context: RetryContext,
    retryAfterMs: number | undefined,
    last: string,
): NotAccepted {
    const now = context.now();
    const elapsed = now - (context.outage?.since ?? now);
    const budget = context.retry.outageBudgetMs;
    if (elapsed >= budget) {
        return {
            action: 'fail',
            because: 'outage',
            error: new DataverseError({
                ...errorInit(error),
                kind: 'outage',
                cause: error,
                message:
                    `the environment ${context.origin} has been unavailable for ${duration(elapsed)} (last: ${last}), ` +
                    `longer than the outage budget of ${duration(budget)} (options.outageBudgetSeconds); ` +
                    'start the run again once the environment answers',
            }),
        };
    }
    const step = retryAfterMs ?? backoffDelay((state.outages ?? 0) + 1, context.retry, context.random);
    const delayMs = Math.min(step, budget - elapsed);
    return pastDeadline(delayMs, error, context, 'still unavailable') ?? retry('outage', delayMs, error);
}

/** `1.5 s`, `42 s`, `10 min 3 s`: how long an outage lasted, for messages. */
function duration(ms: number): string {
    const seconds = ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000);
    if (seconds < 120) return `${seconds} s`;
    const rest = seconds % 60;
    return `${Math.floor(seconds / 60)} min${rest > 0 ? ` ${rest} s` : ''}`;
}

/** The number of the attempt being judged (1 = the first). */
export function attemptNumber(state: RetryState): number {
    return state.throttles + state.transientFailures + (state.outages ?? 0) + 1;
}

function retry(reason: RetryReason, delayMs: number, error: DataverseError): NotAccepted {
    return { action: 'retry', reason, delayMs, error };
}

/** A `fail` decision when waiting `waitMs` would end after the run's deadline. */
function pastDeadline(
    waitMs: number,
    error: DataverseError,
    context: RetryContext,
    what: string,
): NotAccepted | undefined {
    const { deadline } = context;
    if (deadline === undefined || context.now() + waitMs <= deadline) return undefined;
    return {
        action: 'fail',
        because: 'deadline',
        error: new DataverseError({
            ...errorInit(error),
            kind: error.status === 429 ? 'throttled' : error.kind,
            cause: error,
            message: `${error.serviceMessage} (${what} at the run's deadline ${new Date(deadline).toISOString()})`,
        }),
    };
}

/** The typed error of a non-success response, with the service's code, message and request id. */
export function responseError(response: OutcomeResponse, context: RetryContext, attempts: number): DataverseError {
    const { code, message } = parseErrorBody(response.bodyText);
    const status = response.status;
    const rejected = status === 401;
    return new DataverseError({
        kind: rejected ? 'auth' : status === 429 ? 'throttled' : isTransientStatus(status) ? 'transient' : 'http',
        status,
        code,
        method: context.method,
        path: context.path,
        requestId: response.header('x-ms-service-request-id') ?? response.header('req_id'),
        attempts,
        message: rejected
            ? `the environment ${context.origin} rejected the access token (401 Unauthorized); check that the identity is an application user of this environment and that the token is for ${context.origin}`
            : (message ?? reasonPhrase(status)),
    });
}

/**
 * The request was stopped by the caller's signal or the run's budget; `reason` (the signal's reason) becomes the
 * cause. After a 429 it is a `throttled` error, so callers can tell "budget ran out while throttled" apart.
 */
export function abortedError(
    context: Pick<RetryContext, 'method' | 'path'>,
    reason: unknown,
    lastError: DataverseError | undefined,
): DataverseError {
    const why =
        reason instanceof Error && reason.name !== 'AbortError' && reason.name !== 'NetworkFailure'
            ? `: ${reason.message}`
            : '';
    const last = lastError ? ` (last failure: ${lastError.status || lastError.kind} ${lastError.serviceMessage})` : '';
    return new DataverseError({
        kind: lastError?.status === 429 ? 'throttled' : 'aborted',
        status: lastError?.status ?? 0,
        code: lastError?.code,
        method: context.method,
        path: context.path,
        cause: reason,
        message: `the request was aborted${why}${last}`,
    });
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
