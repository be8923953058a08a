/**
 * Deleting a stored spec, refused while its run is pending or in progress: the run would carry on without its
 * spec, and the spec's status history would be lost with it. The check and the delete happen under the spec's
 * lease, the one every start takes, so no run can start between them.
 */
import type { RunLookup } from '../host/run-state.js';
import type { ConditionalOptions, SpecStore } from '../specstore/index.js';
import { isLive, refreshSpecStatus } from './spec-status.js';

export type SpecDeleteOutcome =
    | { kind: 'deleted' }
    | { kind: 'not-found' }
    /** The spec's last run is still pending or in progress. */
    | { kind: 'running'; runId: string }
    /** A start or another delete holds the spec's lease right now. */
    | { kind: 'busy' };

/** Short: the lease only covers a status read and a delete. */
const LEASE_MS = 15_000;

export async function deleteStoredSpec(
    lookup: RunLookup,
    specs: SpecStore,
    name: string,
    options: ConditionalOptions = {},
): Promise<SpecDeleteOutcome> {
    const lease = await specs.lease(name, LEASE_MS);
    if (lease === undefined) return { kind: 'busy' };
    try {
        const stored = await specs.get(name);
        if (stored === undefined) return { kind: 'not-found' };
        const current = await refreshSpecStatus(lookup, specs, stored);
        if (isLive(current.status) && current.lastRunId !== undefined)
            return { kind: 'running', runId: current.lastRunId };
        return (await specs.delete(name, options)) ? { kind: 'deleted' } : { kind: 'not-found' };
    } finally {
        await lease.release();
    }
}
