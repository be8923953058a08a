/**
 * Stored specs (`PUT|GET|DELETE /api/specs/{name}`, the scheduler): a spec document with its schedule
 * and the status of its last run. Status updates are optimistic (an ETag per document, if-match), and a
 * lease keeps two scheduler ticks from starting the same spec at once. The store keeps JSON the caller
 * has validated already; specs name where secrets live and never hold one.
 */

export const SPEC_STATUSES = [
    'never-run',
    'pending',
    'in-progress',
    'succeeded',
    'failed',
    'cancelled',
    'credentials-required',
] as const;

export type SpecStatus = (typeof SPEC_STATUSES)[number];

/** The fields a run's start and finish keep up to date. */
export interface SpecStatusFields {
    status: SpecStatus;
    /** The run that set this status. */
    lastRunId?: string;
    /** ISO 8601 UTC: when that run started. */
    lastRunAt?: string;
    failedRows?: number;
    /** One line for people: why a run failed, which credential is missing. */
    statusDetail?: string;
}

export interface SpecMeta extends SpecStatusFields {
    /** NCRONTAB schedule (6 fields); absent when the spec only runs on request. */
    schedule?: string;
}

/** What `put` sets besides the spec itself. The status fields are the store's and survive a put. */
export interface SpecPutMeta {
    schedule?: string;
}

/** Changes to the status fields; `null` removes an optional field. */
export interface SpecStatusPatch {
    status?: SpecStatus;
    lastRunId?: string | null;
    lastRunAt?: string | null;
    failedRows?: number | null;
    statusDetail?: string | null;
}

export interface StoredSpec {
    name: string;
    /** The spec JSON as it was put. */
    spec: Record<string, unknown>;
    meta: SpecMeta;
    /** ISO 8601 UTC of the last put or status update. */
    updatedAt: string;
    /** Changes with every write; pass it as `ifMatch` to update only what was read. */
    etag: string;
}

export interface ConditionalOptions {
    /** Fail with a `conflict` SpecStoreError unless the stored document still has this ETag. */
    ifMatch?: string;
}

/** An exclusive claim on one spec for a while: `release` when done, `renew` to keep it longer. */
export interface SpecLease {
    readonly name: string;
    readonly leaseId: string;
    /** Starts the lease's time again; a `lease-lost` SpecStoreError when someone else holds it by now. */
    renew(): Promise<void>;
    /** Ends the lease (nothing happens when it has expired and someone else holds it). */
    release(): Promise<void>;
}

/** Lease times both implementations honour: Blob leases last 15 to 60 seconds. */
export const MIN_LEASE_MS = 15_000;
export const MAX_LEASE_MS = 60_000;

export interface SpecStore {
    /** Where the specs are, for messages: a folder or a container URL (never with a key or SAS). */
    readonly location: string;
    /**
     * Creates or replaces a spec. A new spec starts as `never-run`; a replaced one keeps its status fields.
     * Without `ifMatch`, a status update that races the put is kept, never lost.
     */
    put(
        name: string,
        spec: Record<string, unknown>,
        meta?: SpecPutMeta,
        options?: ConditionalOptions,
    ): Promise<StoredSpec>;
    /** Undefined when there is no spec of that name. */
    get(name: string): Promise<StoredSpec | undefined>;
    /** Every spec, by name. */
    list(): Promise<StoredSpec[]>;
    /** True when a spec was deleted, false when there was none. */
    delete(name: string, options?: ConditionalOptions): Promise<boolean>;
    /**
     * Changes status fields. With `ifMatch`, only if nothing changed since that read (else `conflict`);
     * without, on the latest document. `not-found` when the spec does not exist.
     */
    updateStatus(name: string, patch: SpecStatusPatch, options?: ConditionalOptions): Promise<StoredSpec>;
    /** Takes the spec's lease for `ttlMs` (15,000 to 60,000), or undefined when someone else holds it. */
    lease(name: string, ttlMs: number): Promise<SpecLease | undefined>;
}

export const SPEC_STORE_ERROR_CODES = {
    notFound: 'not-found',
    conflict: 'conflict',
    leaseLost: 'lease-lost',
    invalidDocument: 'invalid-document',
} as const;

export type SpecStoreErrorCode = (typeof SPEC_STORE_ERROR_CODES)[keyof typeof SPEC_STORE_ERROR_CODES];

/** A code the caller can act on: 404 for `not-found`, 412 for `conflict`, re-read and retry. */
export class SpecStoreError extends Error {
    constructor(
        readonly code: SpecStoreErrorCode,
        message: string,
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = 'SpecStoreError';
    }
}
