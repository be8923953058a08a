/**
 * The status of a stored spec, as users know it from their data sources: never run, pending, in progress,
 * succeeded, failed (with the failed row count), cancelled, credentials required. The spec store keeps what the
 * last start wrote; while that run is live its state comes from the run itself, and once it has finished the
 * store is brought up to date (optimistically: a concurrent writer wins, the next read catches up).
 */
import {
    SpecStoreError,
    type SpecStatus,
    type SpecStatusFields,
    type SpecStatusPatch,
    type SpecStore,
    type StoredSpec,
} from '../specstore/index.js';
import { runState, type RunLookup, type RunState } from '../host/run-state.js';

const SPEC_STATUS_OF: Record<RunState, SpecStatus> = {
    pending: 'pending',
    'in-progress': 'in-progress',
    succeeded: 'succeeded',
    failed: 'failed',
    cancelled: 'cancelled',
    // Plan problems: nothing was written, and the spec needs a change.
    invalid: 'failed',
};

/** A spec whose last run is pending or in progress: it starts no other run meanwhile. */
export function isLive(status: SpecStatus): boolean {
    return status === 'pending' || status === 'in-progress';
}

/** The spec's status now: the stored fields, with the state of its last run when the store says it is live. */
export async function currentSpecStatus(lookup: RunLookup, stored: StoredSpec): Promise<SpecStatusFields> {
    const { schedule: _schedule, ...fields } = stored.meta;
    if (!isLive(fields.status) || fields.lastRunId === undefined) return fields;
    const info = await runState(lookup, fields.lastRunId);
    if (info === undefined)
        return {
            ...fields,
            status: 'failed',
            statusDetail: `run ${fields.lastRunId} is known neither to the host nor to the run store (it never started, or its history was purged)`,
        };
    const status = SPEC_STATUS_OF[info.state];
    const { failedRows: _failed, statusDetail: _detail, ...rest } = fields;
    return {
        ...rest,
        status,
        ...(info.failedRows !== undefined && !isLive(status) ? { failedRows: info.failedRows } : {}),
        ...(info.detail !== undefined ? { statusDetail: info.detail.slice(0, 2000) } : {}),
    };
}

/** Writes a finished run's outcome back to the spec store when the stored status still says live. */
export async function recordSpecStatus(specs: SpecStore, stored: StoredSpec, current: SpecStatusFields): Promise<void> {
    if (!isLive(stored.meta.status) || isLive(current.status)) return;
    const patch: SpecStatusPatch = {
        status: current.status,
        failedRows: current.failedRows ?? null,
        statusDetail: current.statusDetail ?? null,
    };
    try {
        await specs.updateStatus(stored.name, patch, { ifMatch: stored.etag });
    } catch (error) {
        // Someone wrote since we read (a new start, a put): theirs is newer; the next read reconciles.
        if (!(error instanceof SpecStoreError) || (error.code !== 'conflict' && error.code !== 'not-found'))
            throw error;
    }
}

/** The current status, recorded back to the store when its run has finished since. */
export async function refreshSpecStatus(
    lookup: RunLookup,
    specs: SpecStore,
    stored: StoredSpec,
): Promise<SpecStatusFields> {
    const current = await currentSpecStatus(lookup, stored);
    await recordSpecStatus(specs, stored, current);
    return current;
}
