/** The three service protection errors (research §4), messages verbatim with the configured numbers. */
import { ErrorCodes, SimError } from '../errors.js';
import type { LimitsConfig } from './limits-config.js';

export type LimitKind = 'requests' | 'executionTime' | 'concurrency';

/** en-US thousands separators, as in "1,200,000  milliseconds". */
function grouped(n: number): string {
    return n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function throttleMessage(kind: LimitKind, limits: LimitsConfig): { code: string; message: string } {
    switch (kind) {
        case 'requests':
            return {
                code: ErrorCodes.RequestsLimit,
                message: `Number of requests exceeded the limit of ${limits.maxRequestsPerWindow} over time window of ${limits.windowSeconds} seconds.`,
            };
        case 'executionTime':
            return {
                code: ErrorCodes.ExecutionTimeLimit,
                // Two spaces before "milliseconds": verbatim from the service.
                message: `Combined execution time of incoming requests exceeded limit of ${grouped(limits.maxExecutionMsPerWindow)}  milliseconds over time window of ${limits.windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
            };
        case 'concurrency':
            return {
                code: ErrorCodes.ConcurrencyLimit,
                message: `Number of concurrent requests exceeded the limit of ${limits.maxConcurrentRequests}.`,
            };
    }
}

export function throttleError(kind: LimitKind, limits: LimitsConfig, headers: Record<string, string>): SimError {
    const { code, message } = throttleMessage(kind, limits);
    return new SimError(429, code, message, headers);
}
