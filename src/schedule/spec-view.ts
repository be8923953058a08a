/**
 * A stored spec as people look at it, over HTTP and on the command line alike: its schedule and next occurrence,
 * and the status of its last run (brought up to date from the run itself while the store says it is live).
 */
import type { RunLookup } from '../host/run-state.js';
import type { SpecStatusFields, SpecStore, StoredSpec } from '../specstore/index.js';
import { nextOccurrence } from './ncrontab.js';
import { refreshSpecStatus } from './spec-status.js';

export interface StoredSpecView extends SpecStatusFields {
    name: string;
    schedule?: string;
    /** ISO 8601 UTC of the next occurrence; null when the schedule fires no more (absent without a schedule). */
    nextRunAt?: string | null;
    updatedAt: string;
    etag: string;
}

export async function describeStoredSpec(
    lookup: RunLookup,
    specs: SpecStore,
    stored: StoredSpec,
    now: Date,
): Promise<StoredSpecView> {
    const status = await refreshSpecStatus(lookup, specs, stored);
    const schedule = stored.meta.schedule;
    const next = schedule === undefined ? undefined : nextOccurrence(schedule, now);
    return {
        name: stored.name,
        ...(schedule !== undefined ? { schedule, nextRunAt: next?.toISOString() ?? null } : {}),
        ...status,
        updatedAt: stored.updatedAt,
        etag: stored.etag,
    };
}
