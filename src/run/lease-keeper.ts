/**
 * Keeps the leases of the runs whose activities this process executes (run-lease.ts): an activity of a run renews
 * its leases when the last renewal here is a while ago, and while any of its activities is in flight a timer
 * renews them on the same beat, so a long page keeps its run's leases too. A run that finds a lease taken by
 * another run (it lapsed: the host was down longer than the lease lasts) stops: every later activity of it fails
 * with LeaseLostError, which the activity table returns as data, so the run fails at once and writes no more.
 * The finish activity releases the leases; so does a host that stops (its runs no longer write).
 */
import { validateSpec, type MigrationSpec } from '../spec/index.js';
import type { RunStore } from '../runlog/types.js';
import {
    leaseScope,
    LeaseLostError,
    readLease,
    releaseRunLease,
    renewRunLease,
    RUN_LEASE_TTL_MS,
    type LeaseHolder,
    type LeaseScope,
} from './run-lease.js';
import { loadRunSpec } from './run-context.js';

export interface LeaseKeeperOptions {
    store: RunStore;
    now?: () => Date;
    ttlMs?: number;
    /** How often a run's leases are renewed while it works (default a fifth of the lease time). */
    renewEveryMs?: number;
}

interface Kept {
    scope: LeaseScope;
    holder: LeaseHolder;
    renewedAt: number;
    inFlight: number;
    timer?: NodeJS.Timeout;
    renewing?: Promise<void>;
    lost?: LeaseLostError;
}

export class LeaseKeeper {
    private readonly runs = new Map<string, Promise<Kept | undefined>>();
    private readonly now: () => Date;
    private readonly ttlMs: number;
    private readonly renewEveryMs: number;

    constructor(private readonly options: LeaseKeeperOptions) {
        this.now = options.now ?? (() => new Date());
        this.ttlMs = options.ttlMs ?? RUN_LEASE_TTL_MS;
        this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 5);
    }

    /**
     * Runs one activity of a run under its leases. `rawSpec` is the spec the activity carries (the plan activity);
     * other activities find it in the run store. A run without a valid spec writes nothing and holds no lease.
     */
    async during<T>(runId: string, rawSpec: unknown, work: () => Promise<T>): Promise<T> {
        const kept = await this.kept(runId, rawSpec);
        if (!kept) return work();
        if (kept.lost) throw kept.lost;
        if (this.now().getTime() - kept.renewedAt >= this.renewEveryMs) await this.renew(kept);
        if (kept.inFlight++ === 0) {
            kept.timer = setInterval(() => void this.renew(kept).catch(() => undefined), this.renewEveryMs);
            kept.timer.unref();
        }
        try {
            return await work();
        } finally {
            if (--kept.inFlight === 0) clearInterval(kept.timer);
        }
    }

    /** Releases a run's leases (its finish) and forgets it. */
    async release(runId: string): Promise<void> {
        const kept = await this.runs.get(runId)?.catch(() => undefined);
        this.runs.delete(runId);
        if (!kept) return;
        clearInterval(kept.timer);
        await releaseRunLease(this.options.store, kept.scope, runId);
    }

    /** Releases the leases of every run this process kept (the host stops: its runs no longer write). */
    async releaseAll(): Promise<void> {
        await Promise.all([...this.runs.keys()].map((runId) => this.release(runId)));
    }

    /** Renews now, unless a renewal is under way; a loss is kept for every later activity of the run. */
    renew(kept: Kept): Promise<void> {
        kept.renewing ??= (async () => {
            try {
                await renewRunLease(this.options.store, kept.scope, kept.holder, {
                    now: this.now(),
                    ttlMs: this.ttlMs,
                });
                kept.renewedAt = this.now().getTime();
            } catch (error) {
                if (error instanceof LeaseLostError) {
                    kept.lost = error;
                    clearInterval(kept.timer);
                }
                throw error;
            } finally {
                kept.renewing = undefined;
            }
        })();
        return kept.renewing;
    }

    private kept(runId: string, rawSpec: unknown): Promise<Kept | undefined> {
        let found = this.runs.get(runId);
        if (!found) {
            found = this.track(runId, rawSpec);
            this.runs.set(runId, found);
            // A failed read is tried again by the next activity.
            found.catch(() => this.runs.delete(runId));
        }
        return found;
    }

    private async track(runId: string, rawSpec: unknown): Promise<Kept | undefined> {
        const spec = await this.specOf(runId, rawSpec);
        if (!spec) return undefined;
        const scope = leaseScope(spec);
        // The holder its starter recorded (who, and the process playing it); a run started without one leases now.
        const first =
            scope.tables[0] === undefined
                ? undefined
                : await readLease(this.options.store, scope.target, scope.tables[0]);
        const holder: LeaseHolder =
            first?.holder.runId === runId ? first.holder : { runId, spec: spec.name, who: 'the run itself' };
        return { scope, holder, renewedAt: Number.NEGATIVE_INFINITY, inFlight: 0 };
    }

    private async specOf(runId: string, rawSpec: unknown): Promise<MigrationSpec | undefined> {
        if (rawSpec === undefined) return loadRunSpec(this.options.store, runId);
        const validated = validateSpec(rawSpec);
        return validated.ok ? validated.spec : undefined;
    }
}
