/**
 * One run per target table: before a run starts, it leases every table of the target it writes (the spec's tables
 * under their target names, and its many-to-many relationships), one lease document each in the run store
 * (`leases/{target}/{table}.json`). A start finding one held by another live run is refused, naming that run; the
 * run's activities renew the leases while it lives (lease-keeper.ts) and its finish releases them. A lease lapses
 * when its holder stops renewing it (the holder died): after its expiry time, or at once when the holder names a
 * process on this machine that no longer runs. Taking a lease over is a compare-and-swap on the version read, so
 * of two starts racing for a lapsed lease exactly one wins. A run holding a lease may take it again (a resume).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { leasePath } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';
import type { MigrationSpec } from '../spec/index.js';
import { relationshipEntry } from '../spec/schema.js';

/** How long a lease lasts without renewal: longer than the longest pause between a run's activities (retries). */
export const RUN_LEASE_TTL_MS = 5 * 60_000;

const holderSchema = z.object({
    runId: z.string().min(1),
    spec: z.string(),
    /** Who started it, for people: `CLI (user@host)`, `HTTP API`, `schedule`. */
    who: z.string(),
    /** The process that plays the run, when the starter is that process (CLI, serve): its death ends the lease. */
    process: z.object({ host: z.string(), pid: z.number().int() }).optional(),
});
export type LeaseHolder = z.infer<typeof holderSchema>;

const recordSchema = z.object({
    holder: holderSchema,
    acquiredAt: z.string(),
    expiresAt: z.string(),
    /** Makes every lease text unique: the file store versions a document by its text. */
    nonce: z.string(),
});
export type LeaseRecord = z.infer<typeof recordSchema>;

/** What a run writes: the target environment and its tables (logical names in the target). */
export interface LeaseScope {
    target: string;
    tables: string[];
}

export function leaseScope(spec: MigrationSpec): LeaseScope {
    const tables = new Set([
        ...spec.tables.map((t) => t.targetName ?? t.name),
        ...spec.manyToMany.map((m) => relationshipEntry(m).name),
    ]);
    return { target: spec.target.url, tables: [...tables].sort() };
}

/** This process, for a holder whose starter plays the run itself. */
export function thisProcess(): { host: string; pid: number } {
    return { host: hostname(), pid: process.pid };
}

/** A table is leased by another run that still holds it. */
export interface LeaseConflict {
    table: string;
    heldBy: LeaseRecord;
}

export function describeConflict(conflict: LeaseConflict, target: string): string {
    const { holder, expiresAt } = conflict.heldBy;
    return `run ${holder.runId} (spec '${holder.spec}', started by ${holder.who}) is writing table ${conflict.table} of ${target}; one run per target table at a time (its lease lapses at ${expiresAt} unless the run renews it)`;
}

/** A run's renewal found its lease taken by another run (it lapsed while the run was not renewing it). */
export class LeaseLostError extends Error {
    constructor(
        readonly conflict: LeaseConflict,
        target: string,
    ) {
        super(
            `this run does not hold its lease (it lapsed, or the run started without it): ${describeConflict(conflict, target)}`,
        );
        this.name = 'LeaseLostError';
    }
}

export interface LeaseClock {
    now: Date;
    ttlMs?: number;
}

function processRuns(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}

/** Whether a lease of another run still counts: not expired, and its process (when named here) alive. */
function isLive(record: LeaseRecord, now: Date): boolean {
    if (Date.parse(record.expiresAt) <= now.getTime()) return false;
    const proc = record.holder.process;
    if (proc && proc.host === hostname() && proc.pid !== process.pid && !processRuns(proc.pid)) return false;
    return true;
}

function parseRecord(text: string): LeaseRecord | undefined {
    try {
        const parsed = recordSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : undefined;
    } catch {
        return undefined;
    }
}

/** Rounds of read and compare-and-swap per table before giving up; each round fails only when another wrote. */
const MAX_ROUNDS = 20;

/** Takes or keeps one table's lease; the other run's record when it holds the table. */
async function claimOne(
    store: RunStore,
    path: string,
    holder: LeaseHolder,
    clock: LeaseClock,
): Promise<LeaseRecord | undefined> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
        const current = await store.leases.read(path);
        const previous = current === undefined ? undefined : parseRecord(current.text);
        if (previous && previous.holder.runId !== holder.runId && isLive(previous, clock.now)) return previous;
        const record: LeaseRecord = {
            holder,
            acquiredAt: previous?.holder.runId === holder.runId ? previous.acquiredAt : clock.now.toISOString(),
            expiresAt: new Date(clock.now.getTime() + (clock.ttlMs ?? RUN_LEASE_TTL_MS)).toISOString(),
            nonce: randomUUID(),
        };
        const text = `${JSON.stringify(record)}\n`;
        const written =
            current === undefined
                ? await store.leases.create(path, text)
                : await store.leases.replace(path, text, current.version);
        if (written) return undefined;
    }
    throw new Error(`${path}: other runs kept changing the lease; try again`);
}

/**
 * Takes (or renews) the lease on every table of the scope for `holder`, in table order. When another live run
 * holds one, the tables taken by this call are let go again and the conflict is returned; undefined when held.
 */
export async function claimRunLease(
    store: RunStore,
    scope: LeaseScope,
    holder: LeaseHolder,
    clock: LeaseClock,
): Promise<LeaseConflict | undefined> {
    const taken: string[] = [];
    for (const table of scope.tables) {
        const heldBy = await claimOne(store, leasePath(scope.target, table), holder, clock);
        if (heldBy) {
            await releaseRunLease(store, { target: scope.target, tables: taken }, holder.runId);
            return { table, heldBy };
        }
        taken.push(table);
    }
    return undefined;
}

/** Renews a run's leases; LeaseLostError when another run holds one by now. */
export async function renewRunLease(
    store: RunStore,
    scope: LeaseScope,
    holder: LeaseHolder,
    clock: LeaseClock,
): Promise<void> {
    const conflict = await claimRunLease(store, scope, holder, clock);
    if (conflict) throw new LeaseLostError(conflict, scope.target);
}

/** Lets go of the run's leases (those another run holds by now stay as they are). */
export async function releaseRunLease(store: RunStore, scope: LeaseScope, runId: string): Promise<void> {
    for (const table of scope.tables) {
        const path = leasePath(scope.target, table);
        const current = await store.leases.read(path);
        if (current && parseRecord(current.text)?.holder.runId === runId)
            await store.leases.remove(path, current.version);
    }
}

/** The record of the run holding one table's lease now, live or not (for tests and messages). */
export async function readLease(store: RunStore, target: string, table: string): Promise<LeaseRecord | undefined> {
    const current = await store.leases.read(leasePath(target, table));
    return current === undefined ? undefined : parseRecord(current.text);
}
