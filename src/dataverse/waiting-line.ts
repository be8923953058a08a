/**
 * A line of callers waiting for a permit (a limiter's slot, an identity of a pool): a caller whose signal aborts
 * leaves the line and gets the abort's reason; the owner's `pump` hands permits out in line order.
 */
import { abortReason } from './retry-policy.js';

export interface Waiter<T> {
    resolve: (permit: T) => void;
    reject: (error: unknown) => void;
    signal?: AbortSignal;
    onAbort?: () => void;
}

/** Joins `waiters` and runs `pump` once; resolves when the owner hands this caller its permit. */
export function waitInLine<T>(waiters: Waiter<T>[], signal: AbortSignal | undefined, pump: () => void): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
        const waiter: Waiter<T> = { resolve, reject, signal };
        if (signal) {
            waiter.onAbort = () => {
                const index = waiters.indexOf(waiter);
                if (index >= 0) waiters.splice(index, 1);
                reject(abortReason(signal));
            };
            signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        waiters.push(waiter);
        pump();
    });
}
