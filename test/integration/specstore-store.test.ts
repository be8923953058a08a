/**
 * The SpecStore contract, run against both implementations: files under a temporary root, and Blob
 * Storage on Azurite. CRUD, status fields that survive a put, ETag conflicts, and lease exclusion.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBlobSpecStore } from '../../src/specstore/blob-spec-store.js';
import { createFileSpecStore } from '../../src/specstore/file-spec-store.js';
import { SpecStoreError, type SpecStore, type StoredSpec } from '../../src/specstore/types.js';
import { useAzurite } from '../helpers/azurite.js';

const azurite = useAzurite();
const folders: string[] = [];
let containers = 0;

afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

/** A store, and `another`: a second instance over the same specs, as a second process would open it. */
interface Opened {
    store: SpecStore;
    another: () => SpecStore;
}

const implementations = [
    {
        name: 'filesystem',
        open: async (): Promise<Opened> => {
            const folder = await mkdtemp(join(tmpdir(), 'specstore-'));
            folders.push(folder);
            return { store: createFileSpecStore(folder), another: () => createFileSpecStore(folder) };
        },
    },
    {
        name: 'blob',
        open: (): Promise<Opened> => {
            const name = `specs-${++containers}`;
            const another = () =>
                createBlobSpecStore({ container: azurite().serviceClient().getContainerClient(name) });
            return Promise.resolve({ store: another(), another });
        },
    },
];

const spec = (name: string, tables: string[] = ['account']) => ({
    name,
    source: { url: 'http://127.0.0.1:5555', credential: { type: 'none' } },
    target: { url: 'http://127.0.0.1:5556', credential: { type: 'none' } },
    tables: tables.map((table) => ({ name: table })),
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
    try {
        await promise;
        return undefined;
    } catch (error) {
        expect(error).toBeInstanceOf(SpecStoreError);
        return (error as SpecStoreError).code;
    }
}

describe.each(implementations)('$name spec store', (implementation) => {
    it('puts, gets, lists and deletes specs', async () => {
        const { store } = await implementation.open();
        expect(await store.get('crm-seed')).toBeUndefined();
        expect(await store.list()).toEqual([]);
        expect(await store.delete('crm-seed')).toBe(false);

        const put = await store.put('crm-seed', spec('crm-seed'), { schedule: '0 0 2 * * *' });
        expect(put).toMatchObject({ name: 'crm-seed', spec: spec('crm-seed') });
        expect(put.meta).toEqual({ status: 'never-run', schedule: '0 0 2 * * *' });
        expect(Date.parse(put.updatedAt)).not.toBeNaN();
        expect(await store.get('crm-seed')).toEqual(put);

        await store.put('alpha', spec('alpha'));
        expect((await store.list()).map((stored) => stored.name)).toEqual(['alpha', 'crm-seed']);
        expect(await store.delete('alpha')).toBe(true);
        expect(await store.get('alpha')).toBeUndefined();
        expect((await store.list()).map((stored) => stored.name)).toEqual(['crm-seed']);
        expect(store.location).not.toMatch(/[?]|sig=|AccountKey/);
    });

    it('keeps the status fields when a spec is replaced, and replaces the schedule', async () => {
        const { store } = await implementation.open();
        await store.put('nightly', spec('nightly'), { schedule: '0 0 2 * * *' });
        await store.updateStatus('nightly', {
            status: 'failed',
            lastRunId: 'run-7',
            lastRunAt: '2025-01-02T02:00:00.000Z',
            failedRows: 3,
            statusDetail: '3 rows failed',
        });
        const replaced = await store.put('nightly', spec('nightly', ['account', 'contact']));
        expect(replaced.spec).toEqual(spec('nightly', ['account', 'contact']));
        expect(replaced.meta).toEqual({
            status: 'failed',
            lastRunId: 'run-7',
            lastRunAt: '2025-01-02T02:00:00.000Z',
            failedRows: 3,
            statusDetail: '3 rows failed',
        });
        const next = await store.updateStatus('nightly', { status: 'pending', statusDetail: null, failedRows: null });
        expect(next.meta).toEqual({ status: 'pending', lastRunId: 'run-7', lastRunAt: '2025-01-02T02:00:00.000Z' });
        expect(await store.get('nightly')).toEqual(next);
    });

    it('refuses bad names, specs and patches, naming the problem', async () => {
        const { store } = await implementation.open();
        await expect(store.put('../x', spec('../x'))).rejects.toThrow(/spec name '..\/x'/);
        await expect(store.put('a', spec('b'))).rejects.toThrow(/the spec's name is "b", not 'a'/);
        await expect(store.put('a', [] as never)).rejects.toThrow(/must be a JSON object/);
        await expect(store.put('a', spec('a'), { schedule: '' })).rejects.toThrow(/bad meta: schedule/);
        await store.put('a', spec('a'));
        await expect(store.updateStatus('a', { status: 'done' as never })).rejects.toThrow(/status/);
        await expect(store.updateStatus('a', { failedRows: -1 })).rejects.toThrow(/failedRows/);
        await expect(store.updateStatus('a', { lastRunAt: 'today' })).rejects.toThrow(/lastRunAt/);
        await expect(store.updateStatus('a', { extra: 1 } as never)).rejects.toThrow(/extra/);
        expect(await codeOf(store.updateStatus('missing', { status: 'pending' }))).toBe('not-found');
        expect((await store.get('a'))!.meta).toEqual({ status: 'never-run' });
    });

    it('updates status only if nothing changed since the read (if-match)', async () => {
        const opened = await implementation.open();
        const { store } = opened;
        const first = await store.put('crm-seed', spec('crm-seed'));
        const updated = await store.updateStatus('crm-seed', { status: 'pending' }, { ifMatch: first.etag });
        expect(updated.etag).not.toBe(first.etag);
        // A second scheduler tick that read the same version loses.
        expect(
            await codeOf(opened.another().updateStatus('crm-seed', { status: 'pending' }, { ifMatch: first.etag })),
        ).toBe('conflict');
        expect(await codeOf(store.put('crm-seed', spec('crm-seed'), {}, { ifMatch: first.etag }))).toBe('conflict');
        expect(await codeOf(store.delete('crm-seed', { ifMatch: first.etag }))).toBe('conflict');
        expect((await store.get('crm-seed'))!.etag).toBe(updated.etag);

        // A deleted and recreated spec does not accept an ETag of its earlier life.
        expect(await store.delete('crm-seed', { ifMatch: updated.etag })).toBe(true);
        await store.put('crm-seed', spec('crm-seed'));
        expect(await codeOf(store.updateStatus('crm-seed', { status: 'failed' }, { ifMatch: updated.etag }))).toBe(
            'conflict',
        );
        expect(await codeOf(store.updateStatus('gone', { status: 'failed' }, { ifMatch: updated.etag }))).toBe(
            'not-found',
        );
    });

    it('loses no update when many writers change the same spec at once', async () => {
        const opened = await implementation.open();
        await opened.store.put('counter', spec('counter'));
        const instances = [opened.store, opened.another(), opened.another()];
        // Each writer adds one to failedRows by read + if-match write, retrying on conflict.
        const increment = async (store: SpecStore) => {
            for (;;) {
                const current = (await store.get('counter'))!;
                try {
                    return await store.updateStatus(
                        'counter',
                        { failedRows: (current.meta.failedRows ?? 0) + 1 },
                        { ifMatch: current.etag },
                    );
                } catch (error) {
                    if ((error as SpecStoreError).code !== 'conflict') throw error;
                }
            }
        };
        await Promise.all(Array.from({ length: 20 }, (_, i) => increment(instances[i % 3]!)));
        expect((await opened.store.get('counter'))!.meta.failedRows).toBe(20);

        // Without if-match, a put and status updates racing it all survive.
        await Promise.all([
            opened.store.put('counter', spec('counter', ['contact'])),
            instances[1]!.updateStatus('counter', { status: 'in-progress', lastRunId: 'run-9' }),
            instances[2]!.updateStatus('counter', { statusDetail: 'copying tier 2' }),
        ]);
        const final = (await opened.store.get('counter'))!;
        expect(final.spec).toEqual(spec('counter', ['contact']));
        expect(final.meta).toMatchObject({
            status: 'in-progress',
            lastRunId: 'run-9',
            statusDetail: 'copying tier 2',
            failedRows: 20,
        });
    });

    it('gives a spec lease to one holder at a time', async () => {
        const opened = await implementation.open();
        const { store } = opened;
        await store.put('nightly', spec('nightly'));
        const lease = await store.lease('nightly', 30_000);
        expect(lease).toMatchObject({ name: 'nightly' });
        expect(await opened.another().lease('nightly', 30_000)).toBeUndefined();
        // Other specs have their own leases, and a held lease does not block status updates.
        expect(await store.lease('other', 15_000)).toBeDefined();
        await opened.another().updateStatus('nightly', { status: 'in-progress' });
        await lease!.renew();
        expect(await store.lease('nightly', 30_000)).toBeUndefined();
        await lease!.release();
        const next = await opened.another().lease('nightly', 30_000);
        expect(next).toBeDefined();
        expect(next!.leaseId).not.toBe(lease!.leaseId);
        await next!.release();

        // Ten ticks at once: exactly one wins.
        const ticks = await Promise.all(Array.from({ length: 10 }, () => opened.another().lease('nightly', 60_000)));
        expect(ticks.filter((tick) => tick !== undefined)).toHaveLength(1);
        await expect(store.lease('nightly', 1_000)).rejects.toThrow(/ttlMs must be a whole number from 15000 to 60000/);
    });

    it('lists what it stored exactly as get returns it', async () => {
        const { store } = await implementation.open();
        const stored: StoredSpec[] = [];
        for (const name of ['c', 'a', 'b'])
            stored.push(await store.put(name, spec(name), { schedule: '0 */5 * * * *' }));
        expect(await store.list()).toEqual([...stored].sort((x, y) => x.name.localeCompare(y.name)));
    });
});
