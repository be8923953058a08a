/**
 * The shortest time a simulator's service protection limits allow for the work a run made it do (its admitted
 * requests and their modeled server time): the numerator of the migration's ceiling ratio.
 *
 * `computeCeiling` (the simulator's) gives sustained rates; a whole run also gets the sliding window's first
 * budget at once, so for a run of a few windows the rate bound is not a bound. The gate counts a request's server
 * time when it is admitted (its response then waits that long) and admits while the window's sum is within the
 * budget, so a window can end one request over it. In simulated time, with W the window, R requests and X server
 * ms per window, C concurrent requests (each holds its slot for its server time) and s the largest request:
 *   requests:       the (kR+1)-th request cannot start before k windows after the first: floor((N-1)/R) * W;
 *   execution time: the requests admitted in each window [iW, (i+1)W) cost at most P = min(X + s, C*(W + s)); the
 *                   last window's must still be served by C slots, so with k = ceil(E/P) - 1:
 *                   k*W + min(W, (E - k*P) / C)   (k = 0: only the concurrency limit binds).
 * Overstating s only lowers the bound.
 */
import type { LimitsConfig } from 'dataverse-sim';

/** What one user's requests cost at one simulator: admitted requests and their modeled server time (sim ms). */
export interface GateUsage {
    requests: number;
    executionMs: number;
    /** Server time of the largest single request (sim ms), or an upper bound of it. */
    maxRequestMs: number;
}

export type ShortestTimeBinding = 'requests' | 'executionTime' | 'concurrency' | 'none';

export interface ShortestTime {
    /** Real seconds. */
    seconds: number;
    binding: ShortestTimeBinding;
    /** Each lower bound in real seconds. */
    bounds: { requests: number; executionTime: number };
    /** The sustained-rate estimate (usage divided by the per-window budgets), real seconds, for comparison. */
    sustainedSeconds: number;
}

export function shortestTime(limits: LimitsConfig, timeScale: number, usage: GateUsage): ShortestTime {
    if (!(timeScale > 0)) throw new RangeError(`shortestTime: timeScale must be > 0, got ${timeScale}`);
    if (!(usage.requests >= 0) || !(usage.executionMs >= 0) || !(usage.maxRequestMs >= 0)) {
        throw new RangeError(`shortestTime: usage must be non-negative, got ${JSON.stringify(usage)}`);
    }
    const windowMs = limits.windowSeconds * 1000;
    const slots = limits.maxConcurrentRequests;
    const toRealSeconds = (simMs: number): number => (simMs * timeScale) / 1000;

    const requestsMs =
        usage.requests > 0 ? Math.floor((usage.requests - 1) / limits.maxRequestsPerWindow) * windowMs : 0;

    const perWindow = Math.min(
        limits.maxExecutionMsPerWindow + usage.maxRequestMs,
        slots * (windowMs + usage.maxRequestMs),
    );
    const fullWindows = usage.executionMs > 0 ? Math.ceil(usage.executionMs / perWindow) - 1 : 0;
    const executionMs =
        fullWindows * windowMs + Math.min(windowMs, (usage.executionMs - fullWindows * perWindow) / slots);

    let binding: ShortestTimeBinding = 'none';
    if (executionMs > 0 || requestsMs > 0) {
        if (requestsMs > executionMs) binding = 'requests';
        else binding = fullWindows > 0 ? 'executionTime' : 'concurrency';
    }
    const sustainedMs = Math.max(
        (usage.requests / limits.maxRequestsPerWindow) * windowMs,
        (usage.executionMs / limits.maxExecutionMsPerWindow) * windowMs,
        usage.executionMs / slots,
    );
    return {
        seconds: toRealSeconds(Math.max(requestsMs, executionMs)),
        binding,
        bounds: { requests: toRealSeconds(requestsMs), executionTime: toRealSeconds(executionMs) },
        sustainedSeconds: toRealSeconds(sustainedMs),
    };
}
