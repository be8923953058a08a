/**
 * Pure retry arithmetic: Retry-After parsing and capped exponential backoff with jitter, plus an
 * abortable sleep. The retry loop that uses them lives in http.ts.
 */

export interface RetryOptions {
    /** Attempts for transient failures (5xx, resets, timeouts) before a typed error; 429s never count. */
    maxTransientAttempts: number;
    /** First backoff delay; doubles each attempt. */
    baseDelayMs: number;
    /** Cap of one backoff delay. */
    maxDelayMs: number;
    /** Wait when a 429 has no Retry-After header (the MS sample falls back to 2^attempt seconds). */
    throttleFallbackMs: number;
    /** Timeout of one attempt, headers and body included (the MS sample uses 2 minutes). */
    attemptTimeoutMs: number;
    /**
     * How long an environment that answered before may refuse connections or answer 503 before requests fail with an
     * `outage` error (spec options.outageBudgetSeconds). Counted from the first refusal of the outage, for every
     * request to the environment at once; such waits do not use up maxTransientAttempts.
     */
    outageBudgetMs: number;
    /** Timeout of one token request to the identity provider. */
    tokenTimeoutMs: number;
    /** Token requests before the failure is final (transient failures only: timeouts, 5xx, broken connections). */
    tokenAttempts: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = Object.freeze({
    maxTransientAttempts: 6,
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    throttleFallbackMs: 5000,
    attemptTimeoutMs: 120_000,
    outageBudgetMs: 600_000,
    tokenTimeoutMs: 30_000,
    tokenAttempts: 3,
});

/**
 * Retry-After as milliseconds: delta-seconds (decimals allowed; the simulator sends fractions under a
 * compressed time scale) or an HTTP date. Undefined when absent or unusable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
    if (value === undefined || value === null) return undefined;
    const text = value.trim();
    if (text === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    if (/^\d/.test(text) || /^[+-]/.test(text)) return undefined; // negative or malformed numbers
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - nowMs);
}

/**
 * Delay before transient retry number `attempt` (1 = first retry): an exponential step
 * `base * 2^(attempt-1)` capped at `maxDelayMs`, jittered uniformly into [step/2, step] so that
 * parallel callers spread out.
 */
export function backoffDelay(
    attempt: number,
    options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
    random: () => number = Math.random,
): number {
    const exponent = Math.max(0, attempt - 1);
    const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(exponent, 30));
    return Math.round(step / 2 + random() * (step / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(abortReason(signal));
            return;
        }
        const onAbort = (): void => {
            clearTimeout(timer);
            reject(abortReason(signal));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}

export function abortReason(signal: AbortSignal | undefined): Error {
    const reason: unknown = signal?.reason;
    if (reason instanceof Error) return reason;
    const error = new Error(typeof reason === 'string' ? reason : 'the operation was aborted');
    error.name = 'AbortError';
    return error;
}
