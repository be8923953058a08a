/**
 * The retry policy of callActivityWithRetry / callSubOrchestratorWithRetry as the extension applies it: the
 * SDK only counts attempts and waits for a timer after every failed attempt (also after the last one, then
 * it fails the task); the adapter decides when that timer fires.
 */
import type { RetryPolicy } from '../journal.js';

function positive(value: unknown): number | undefined {
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Reads the SDK's `RetryOptions` object of an action. */
export function retryPolicyOf(options: unknown): RetryPolicy {
    const o = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>;
    const first = positive(o.firstRetryIntervalInMilliseconds);
    const attempts = o.maxNumberOfAttempts;
    if (first === undefined || typeof attempts !== 'number' || !Number.isFinite(attempts)) {
        throw new TypeError('retryOptions need a positive firstRetryIntervalInMilliseconds and a maxNumberOfAttempts');
    }
    const policy: RetryPolicy = { firstRetryIntervalInMilliseconds: first, maxNumberOfAttempts: attempts };
    const backoff = positive(o.backoffCoefficient);
    if (backoff !== undefined) policy.backoffCoefficient = backoff;
    const cap = positive(o.maxRetryIntervalInMilliseconds);
    if (cap !== undefined) policy.maxRetryIntervalInMilliseconds = cap;
    return policy;
}

/** Whether the SDK will start another attempt after `failures` failed attempts (it compares attempts made + 1). */
export function hasAttemptsLeft(policy: RetryPolicy, failures: number): boolean {
    return failures + 1 <= policy.maxNumberOfAttempts;
}

/**
 * Milliseconds before the next attempt after `failures` (>= 1) failed attempts: first interval times the
 * backoff coefficient per earlier retry, capped by the maximum interval; 0 once no attempt is left.
 */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
    if (!hasAttemptsLeft(policy, failures)) return 0;
    const delay = policy.firstRetryIntervalInMilliseconds * (policy.backoffCoefficient ?? 1) ** (failures - 1);
    return Math.min(delay, policy.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}
