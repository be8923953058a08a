/**
 * Sending independent requests as `$batch` (research §3.1) with `Prefer: odata.continue-on-error`, so each part
 * succeeds or fails alone. The outer request goes through the request loop like any other; then every part's
 * status goes through the same retry classifier: throttled, transient, deadlocked and unavailable parts are sent
 * again in a smaller batch (429 and 503 parts after the limiter's pause, the others after the capped backoff; a
 * deadlock also lowers the parallelism), final failures are returned as they came, and a part past the run's
 * deadline or the outage budget fails the call as a whole request would (never a row failure).
 */
import { buildBatchBody, newBatchBoundary, parseBatchResponse } from './batch.js';
import type { BatchRequest, BatchResponse, WriteOptions } from './client-types.js';
import { DataverseError } from './errors.js';
import {
    apiPath,
    combineSignals,
    retryEvent,
    sleepUnlessAborted,
    type DataverseHttp,
    type RetryEvent,
} from './http.js';
import { preferHeader } from './odata-url.js';
import { classifyAttempt, type RetryReason, type RetryState } from './retry-classifier.js';
import { isUnknownOutcome } from './unknown-outcome.js';

const BATCH_PATH = apiPath('$batch');

/** What a `$batch` call takes: `atMostOnce` as for one request (http.ts), for the whole batch and each part. */
export type BatchOptions = WriteOptions & { headers?: Record<string, string>; atMostOnce?: boolean };

/**
 * One response per request, in request order; only protocol failures and the budget make it throw, and, with
 * `atMostOnce`, a failure of the whole batch that leaves its outcome unknown. Parts with an unknown outcome are then
 * returned as they came, never sent again.
 */
export async function sendBatch(
    http: DataverseHttp,
    requests: readonly BatchRequest[],
    options: BatchOptions = {},
): Promise<BatchResponse[]> {
    const results = new Array<BatchResponse | undefined>(requests.length);
    let pending = requests.map((_, index) => index);
    // One state for the whole call: a round of retried parts counts once, as one attempt of a request would.
    const state: RetryState = { transientFailures: 0, throttles: 0, outages: 0, tokenRefreshed: true };
    const signal = combineSignals(options.signal, http.runSignal);
    const batchContext = http.retryContext('POST', BATCH_PATH);
    // Parts answered 503: the outage budget runs from the first round that had one (the batch itself was answered).
    let awaySince: number | undefined;

    while (pending.length > 0) {
        // The identity that sent this round: its parts' 429s pause that identity only.
        const { parts, ...response } = await sendOnce(
            http,
            pending.map((index) => requests[index] as BatchRequest),
            options,
        );
        // The longest wait of each kind this round, with the error that asked for it.
        let throttled: Wait | undefined;
        let away: Wait | undefined;
        let transient: Wait | undefined;
        let deadlocks = false;
        const retry: number[] = [];
        parts.forEach((part, i) => {
            const index = pending[i] as number;
            const request = requests[index] as BatchRequest;
            results[index] = part; // kept as the answer unless the part is retried and does better
            const decision = classifyAttempt(
                {
                    response: {
                        status: part.status,
                        header: (name) => part.headers[name.toLowerCase()],
                        bodyText: part.bodyText,
                    },
                },
                state,
                {
                    ...http.retryContext(request.method, apiPath(request.path)),
                    outage: { since: awaySince, answeredBefore: true },
                },
            );
            if (decision.action === 'fail' && (decision.because === 'deadline' || decision.because === 'outage')) {
                throw decision.error;
            }
            if (decision.action !== 'retry') return;
            if (options.atMostOnce && decision.reason === 'transient' && isUnknownOutcome(decision.error)) return;
            retry.push(index);
            const wait = { delayMs: decision.delayMs, error: decision.error };
            if (decision.reason === 'throttled') throttled = longer(throttled, wait);
            else if (decision.reason === 'outage') away = longer(away, wait);
            else {
                transient = longer(transient, wait);
                deadlocks ||= decision.reason === 'deadlock';
            }
        });
        pending = retry;
        if (throttled) {
            http.reportRetry(roundEvent('throttled', throttled, state));
            state.lastError = throttled.error;
            state.throttles++;
            // Throttled parts never count as failures; the pause holds every caller of this environment.
            http.limiterOf(response).pauseFor(throttled.delayMs);
        }
        if (away) {
            awaySince ??= batchContext.now();
            http.reportRetry(roundEvent('outage', away, state));
            state.lastError = away.error;
            state.outages = (state.outages ?? 0) + 1;
            http.countRetry('outage');
            http.pool.pauseFor(away.delayMs);
        }
        if (transient) {
            http.reportRetry(roundEvent(deadlocks ? 'deadlock' : 'transient', transient, state));
            state.lastError = transient.error;
            state.transientFailures++;
            http.countRetry(deadlocks ? 'deadlock' : 'transient');
            // Once a round: parts of one batch deadlocked on the same rows.
            if (deadlocks) http.limiterOf(response).onContention();
            await sleepUnlessAborted(transient.delayMs, signal, batchContext, transient.error);
        }
    }
    return results.map((result) => result as BatchResponse);

    function roundEvent(reason: RetryReason, wait: Wait, at: RetryState): RetryEvent {
        return retryEvent({ action: 'retry', reason, ...wait }, batchContext, at);
    }
}

/** A wait a round of parts asked for, with the error that asked for it. */
interface Wait {
    delayMs: number;
    error: DataverseError;
}

function longer(current: Wait | undefined, next: Wait): Wait {
    return current && current.delayMs >= next.delayMs ? current : next;
}

/** One `$batch` POST: exactly one parsed part per request, or a protocol error. */
async function sendOnce(
    http: DataverseHttp,
    requests: BatchRequest[],
    options: BatchOptions,
): Promise<{ parts: BatchResponse[]; identity?: number }> {
    const boundary = newBatchBoundary();
    const response = await http.send({
        method: 'POST',
        path: '$batch',
        headers: {
            'Content-Type': `multipart/mixed; boundary="${boundary}"`,
            Prefer: preferHeader({ continueOnError: true }) as string,
            ...options.headers,
        },
        body: buildBatchBody(requests, boundary),
        signal: options.signal,
        ...(options.atMostOnce ? { atMostOnce: true } : {}),
    });
    let parts: BatchResponse[];
    try {
        parts = parseBatchResponse(response.headers.get('content-type'), response.bodyText);
    } catch (error) {
        throw new DataverseError({
            kind: 'protocol',
            status: response.status,
            method: 'POST',
            path: BATCH_PATH,
            message: `unreadable $batch response: ${(error as Error).message}`,
            cause: error,
        });
    }
    if (parts.length !== requests.length) {
        throw new DataverseError({
            kind: 'protocol',
            status: response.status,
            method: 'POST',
            path: BATCH_PATH,
            message: `the $batch response has ${parts.length} parts for ${requests.length} requests`,
        });
    }
    return { parts, ...(response.identity !== undefined ? { identity: response.identity } : {}) };
}
