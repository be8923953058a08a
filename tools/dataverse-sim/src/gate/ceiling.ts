/**
 * Throughput ceiling for one user writing batches of `writeBatchSize` rows per request (e.g. CreateMultiple),
 * from the same formulas the gate enforces. Each request costs s = fixed + B * perRowWritten simulated ms; then
 *   requests/s <= maxRequests / window                (request count)
 *   requests/s <= maxExecutionMs / window / s         (execution time)
 *   requests/s <= maxConcurrent / s * 1000            (concurrency: a slot is held for s)
 * The least of the three binds. Rates are per REAL second (simulated rates divided by timeScale); latency is
 * client-side and does not lower the server's ceiling.
 */
import { modeledServerMs, type LimitsConfig } from './limits-config.js';

export type BindingLimit = 'requests' | 'executionTime' | 'concurrency' | 'none';

export interface Ceiling {
    rowsPerSecond: number;
    requestsPerSecond: number;
    bindingLimit: BindingLimit;
    /** Each bound in requests per real second, for reports. */
    bounds: { requests: number; executionTime: number; concurrency: number };
}

export function computeCeiling(limits: LimitsConfig | 'none', timeScale: number, writeBatchSize: number): Ceiling {
    if (!(writeBatchSize >= 1)) throw new Error(`ceiling: writeBatchSize must be >= 1, got ${writeBatchSize}`);
    if (limits === 'none') {
        return {
            rowsPerSecond: Infinity,
            requestsPerSecond: Infinity,
            bindingLimit: 'none',
            bounds: { requests: Infinity, executionTime: Infinity, concurrency: Infinity },
        };
    }
    const serverMs = modeledServerMs(limits, { rowsRead: 0, rowsWritten: writeBatchSize });
    const perRealSecond = (simPerSecond: number): number => simPerSecond / timeScale;
    const bounds = {
        requests: perRealSecond(limits.maxRequestsPerWindow / limits.windowSeconds),
        executionTime:
            serverMs > 0 ? perRealSecond(limits.maxExecutionMsPerWindow / limits.windowSeconds / serverMs) : Infinity,
        concurrency: serverMs > 0 ? perRealSecond((limits.maxConcurrentRequests * 1000) / serverMs) : Infinity,
    };
    let bindingLimit: BindingLimit = 'requests';
    if (bounds.executionTime < bounds[bindingLimit]) bindingLimit = 'executionTime';
    if (bounds.concurrency < bounds[bindingLimit]) bindingLimit = 'concurrency';
    const requestsPerSecond = bounds[bindingLimit];
    return { rowsPerSecond: requestsPerSecond * writeBatchSize, requestsPerSecond, bindingLimit, bounds };
}
