/**
 * Run leases on both run stores (files, and Blob Storage on Azurite): one run per target table, a refusal that
 * names the holder, take-over of a lapsed lease by exactly one of many racers, renewal that keeps a long run's
 * lease, and a run that lost its lease stopping.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { isActivityFailure } from '../../src/run/activity-failure.js';
import { LeaseKeeper } from '../../src/run/lease-keeper.js';
import { claimRunLease, LeaseLostError, readLease, releaseRunLease } from '../../src/run/run-lease.js';
import { createBlobRunStore } from '../../src/runlog/blob-store.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import type { RunStore } from '../../src/runlog/types.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';

const TARGET = 'https://contoso.crm4.dynamics.com';
const scope = { target: TARGET, tables: ['account', 'contact'] };
const holder = (runId: string, spec = 'demo') => ({ runId, spec, who: 'a test' });
const at = (seconds: number) => ({ now: new Date(Date.UTC(2026, 11, 1, 12, 0, seconds)), ttlMs: 60_000 });

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    return child.pid!;
}

let azurite: Azurite | undefined;
let stores = 0;

beforeAll(async () => {
    azurite = await startAzurite();
}, 60_000);
afterAll(() => azurite?.stop());

const backends: Array<[string, () => Promise<RunStore>]> = [
    ['file', async () => createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-leases-')))],
    [
        'blob',
        () =>
            Promise.resolve(
                createBlobRunStore({ container: azurite!.serviceClient().getContainerClient(`leases-${++stores}`) }),
            ),
    ],
];

describe.each(backends)('run leases in the %s run store', (_backend, makeStore) => {
    let store: RunStore;
    beforeAll(async () => {
        store = await makeStore();
    });

    it('refuses another run while one holds a table, naming it; the holder takes it again; release frees it', async () => {
        expect(await claimRunLease(store, scope, holder('run-a', 'one'), at(0))).toBeUndefined();
        const refused = await claimRunLease(
            store,
            { target: TARGET, tables: ['contact', 'lead'] },
            holder('run-b'),
            at(1),
        );
        expect(refused).toMatchObject({ table: 'contact', heldBy: { holder: { runId: 'run-a', spec: 'one' } } });
        // A refused claim keeps nothing of what it took before the refusal.
        expect(await readLease(store, TARGET, 'lead')).toBeUndefined();
        expect(await claimRunLease(store, scope, holder('run-a', 'one'), at(2))).toBeUndefined();
        await releaseRunLease(store, scope, 'run-a');
        expect(await claimRunLease(store, scope, holder('run-b'), at(3))).toBeUndefined();
        await releaseRunLease(store, scope, 'run-b');
    });

    it('lets exactly one of many racing starts take a free table, and one take a lapsed lease', async () => {
        const one = { target: TARGET, tables: ['lead'] };
        const race = (seconds: number, prefix: string) =>
            Promise.all(
                Array.from({ length: 8 }, (_, i) => claimRunLease(store, one, holder(`${prefix}-${i}`), at(seconds))),
            );
        const first = await race(10, 'free');
        expect(first.filter((conflict) => conflict === undefined)).toHaveLength(1);
        const winner = (await readLease(store, TARGET, 'lead'))!.holder.runId;
        expect(first.filter((c) => c !== undefined).every((c) => c.heldBy.holder.runId === winner)).toBe(true);
        // The winner stops renewing (it died): after its expiry one racer takes over, the others see that one.
        const second = await race(10 + 61, 'late');
        expect(second.filter((conflict) => conflict === undefined)).toHaveLength(1);
        expect((await readLease(store, TARGET, 'lead'))!.holder.runId).toMatch(/^late-/);
    });

    it('keeps a long run by renewal, and stops a run whose lapsed lease another run took', async () => {
        const tables = { target: TARGET, tables: ['opportunity'] };
        let now = Date.UTC(2026, 11, 1, 13, 0, 0);
        const clock = (seconds: number) => ({ now: new Date(now + seconds * 1000), ttlMs: 60_000 });
        const keeper = new LeaseKeeper({ store, now: () => new Date(now), ttlMs: 60_000, renewEveryMs: 20_000 });
        const spec = {
            name: 'long',
            source: { url: 'https://source.crm4.dynamics.com' },
            target: { url: TARGET },
            tables: [{ name: 'opportunity' }],
        };
        expect(await claimRunLease(store, tables, holder('long-run', 'long'), clock(0))).toBeUndefined();
        // Activities of the run, each past the renewal beat: the lease moves on with them.
        for (let i = 1; i <= 5; i++) {
            now += 30_000;
            await keeper.during('long-run', spec, () => Promise.resolve(undefined));
        }
        // 150 s after its start, far past the first expiry: still held.
        expect(await claimRunLease(store, tables, holder('other'), clock(0))).toMatchObject({
            heldBy: { holder: { runId: 'long-run', who: 'a test' } },
        });
        // The run's host is gone for longer than the lease lasts; another run takes the table.
        expect(await claimRunLease(store, tables, holder('other'), clock(61))).toBeUndefined();
        now += 61_000;
        await expect(keeper.during('long-run', spec, () => Promise.resolve('written'))).rejects.toThrow(LeaseLostError);
        await expect(keeper.during('long-run', spec, () => Promise.resolve('written'))).rejects.toThrow(
            /this run does not hold its lease \(it lapsed, or the run started without it\): run other \(spec 'demo', started by a test\) is writing table opportunity/,
        );
        // Its finish lets go of nothing it no longer holds.
        await keeper.release('long-run');
        expect((await readLease(store, TARGET, 'opportunity'))?.holder.runId).toBe('other');
    });
});

describe('a long activity', () => {
    afterEach(() => vi.useRealTimers());

    it("keeps its run's lease by renewal while it works", async () => {
        const store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-leases-')));
        let now = Date.UTC(2026, 11, 1, 14, 0, 0);
        const keeper = new LeaseKeeper({ store, now: () => new Date(now), ttlMs: 60_000, renewEveryMs: 20_000 });
        const spec = {
            name: 'page',
            source: { url: 'https://source.crm4.dynamics.com' },
            target: { url: TARGET },
            tables: [{ name: 'quote' }],
        };
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
        let finish!: () => void;
        const page = keeper.during('page-run', spec, () => new Promise<void>((resolve) => (finish = resolve)));
        // The activity is under way once its renewal beat is set.
        while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
        const expiry = async () => (await readLease(store, TARGET, 'quote'))?.expiresAt;
        expect(await expiry()).toBe(new Date(now + 60_000).toISOString());
        for (let beat = 1; beat <= 4; beat++) {
            now += 20_000;
            vi.advanceTimersByTime(20_000);
            const expected = new Date(now + 60_000).toISOString();
            while ((await expiry()) !== expected) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        // 80 s into one activity of a 60 s lease, the table is still its run's.
        expect(
            await claimRunLease(store, { target: TARGET, tables: ['quote'] }, holder('other'), {
                now: new Date(now),
                ttlMs: 60_000,
            }),
        ).toMatchObject({ heldBy: { holder: { runId: 'page-run' } } });
        finish();
        await page;
        expect(vi.getTimerCount()).toBe(0); // no beat once no activity of the run is in flight
    });
});

describe('a run whose table another run holds', () => {
    it('fails its activity at once, as data the orchestrator does not retry, naming the holder', async () => {
        const store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-leases-')));
        const spec = {
            name: 'late',
            source: { url: 'https://source.crm4.dynamics.com' },
            target: { url: TARGET },
            tables: [{ name: 'account' }],
        };
        const alive = { ...holder('holder-run'), process: { host: hostname(), pid: process.pid } };
        expect(await claimRunLease(store, scope, alive, { now: new Date() })).toBeUndefined();
        const activities = createActivities({
            store,
            connect: () => {
                throw new Error('no environment is reached before the lease');
            },
        });
        const result = await activities.planRun(
            { runId: 'late-20261201-120000-abcd', spec, trigger: 'test', startedAt: '2026-12-01T12:00:00Z' },
            {},
        );
        expect(isActivityFailure(result)).toBe(true);
        expect(JSON.stringify(result)).toContain(
            "this run does not hold its lease (it lapsed, or the run started without it): run holder-run (spec 'demo', started by a test) is writing table account",
        );
    });
});

describe('a file lease whose holder process died', () => {
    it('is taken over at once, before its expiry', async () => {
        const store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-leases-')));
        const dead = { ...holder('dead-run'), process: { host: hostname(), pid: await deadPid() } };
        expect(await claimRunLease(store, scope, dead, at(0))).toBeUndefined();
        const alive = { ...holder('live-run'), process: { host: hostname(), pid: process.pid } };
        expect(await claimRunLease(store, scope, alive, at(1))).toBeUndefined();
        // A live holder process keeps it.
        expect(await claimRunLease(store, scope, holder('third'), at(2))).toMatchObject({
            heldBy: { holder: { runId: 'live-run' } },
        });
    });
});
