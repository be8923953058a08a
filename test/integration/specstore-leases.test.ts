/**
 * What happens when a lease runs out: another holder may take it, the old holder's renew fails with
 * `lease-lost`, and its release leaves the new holder's lease alone. The filesystem store runs on an
 * injected clock; the Blob store on Azurite's own clock (Blob leases last at least 15 seconds).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobSpecStore } from '../../src/specstore/blob-spec-store.js';
import { createFileSpecStore } from '../../src/specstore/file-spec-store.js';
import { MIN_LEASE_MS, SpecStoreError, type SpecStore } from '../../src/specstore/types.js';
import { useAzurite } from '../helpers/azurite.js';

const azurite = useAzurite();
let root: string;

beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'specstore-leases-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

/** Takes the lease, lets it expire (`wait`), and checks what each side can do next. */
async function expiry(first: SpecStore, second: SpecStore, wait: () => Promise<void>): Promise<void> {
    const old = (await first.lease('nightly', MIN_LEASE_MS))!;
    expect(await second.lease('nightly', MIN_LEASE_MS)).toBeUndefined();
    await wait();
    const taken = await second.lease('nightly', MIN_LEASE_MS);
    expect(taken).toBeDefined();
    const lost = await old.renew().then(
        () => undefined,
        (error: unknown) => error,
    );
    expect(lost).toBeInstanceOf(SpecStoreError);
    expect((lost as SpecStoreError).code).toBe('lease-lost');
    await old.release();
    expect(await first.lease('nightly', MIN_LEASE_MS)).toBeUndefined();
    await taken!.release();
    expect(await first.lease('nightly', MIN_LEASE_MS)).toBeDefined();
}

describe('lease expiry', () => {
    it('filesystem: an expired lock file can be taken over, and the old holder cannot renew it', async () => {
        let now = Date.parse('2025-01-01T00:00:00Z');
        const clock = () => now;
        const first = createFileSpecStore(root, { now: clock });
        const second = createFileSpecStore(root, { now: clock });
        await expiry(first, second, () => {
            now += MIN_LEASE_MS + 1;
            return Promise.resolve();
        });
    });

    it('blob: an expired Blob lease can be taken over, and the old holder cannot renew it', async () => {
        const container = () => azurite().serviceClient().getContainerClient('leases');
        await expiry(
            createBlobSpecStore({ container: container() }),
            createBlobSpecStore({ container: container() }),
            () => new Promise((resolve) => setTimeout(resolve, MIN_LEASE_MS + 1_500)),
        );
    }, 60_000);

    it('filesystem: a stored spec that is not one names its file', async () => {
        const store = createFileSpecStore(root);
        await mkdir(join(root, 'specs', 'broken'), { recursive: true });
        await writeFile(join(root, 'specs', 'broken', 'v1.json'), '{"name": "broken", "spec": ');
        await expect(store.get('broken')).rejects.toThrow(/specs\/broken\/v1\.json is not valid JSON/);
        await writeFile(join(root, 'specs', 'broken', 'v2.json'), '{"name": "broken", "spec": {}}');
        const error = await store.get('broken').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SpecStoreError);
        expect((error as SpecStoreError).code).toBe('invalid-document');
        expect((error as Error).message).toMatch(/specs\/broken is not a stored spec: meta: /);
    });
});
