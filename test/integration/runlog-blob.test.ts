/**
 * What only the Blob store has to get right, against Azurite: parts that stop at the append limit even
 * when writers of several processes race at it, a lost answer that must not duplicate a block, the
 * container created on first use, settings-based construction, and a location that never shows a SAS.
 */
import {
    ContainerSASPermissions,
    ContainerClient,
    generateBlobSASQueryParameters,
    StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { createBlobRunStore } from '../../src/runlog/blob-store.js';
import { runPaths } from '../../src/runlog/layout.js';
import { createRunStoreFromSettings } from '../../src/runlog/settings.js';
import { AZURITE_ACCOUNT, useAzurite } from '../helpers/azurite.js';

const azurite = useAzurite();
let containers = 0;

function freshContainer(): ContainerClient {
    return azurite().serviceClient().getContainerClient(`blob-${++containers}`);
}

/** Every blob of the container with its committed block count, by name. */
async function blocksPerBlob(container: ContainerClient): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for await (const item of container.listBlobsFlat()) {
        const properties = await container.getBlobClient(item.name).getProperties();
        counts.set(item.name, properties.blobCommittedBlockCount ?? -1);
    }
    return counts;
}

describe('Blob run store', () => {
    it('creates its container on first use and stops each part at the append limit', async () => {
        const container = freshContainer();
        expect(await container.exists()).toBe(false);
        const store = createBlobRunStore({ container, maxAppendsPerBlob: 5 });
        const { events } = runPaths('parts');
        for (let i = 0; i < 12; i++) await store.appendLines(events, [`line ${i}`]);
        expect(await container.exists()).toBe(true);
        expect(Object.fromEntries(await blocksPerBlob(container))).toEqual({
            'runs/parts/events.jsonl': 5,
            'runs/parts/events.0001.jsonl': 5,
            'runs/parts/events.0002.jsonl': 2,
        });
        expect(await store.readLines(events)).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i}`));
    });

    it('rolls over safely when writers of several processes race at the limit', async () => {
        const container = freshContainer();
        // Four instances stand for four processes: nothing is shared between them but the blobs.
        const instances = Array.from({ length: 4 }, () =>
            createBlobRunStore({ container: freshClient(container), maxAppendsPerBlob: 5 }),
        );
        const { events } = runPaths('race');
        await Promise.all(
            Array.from({ length: 16 }, async (_, w) => {
                for (let i = 0; i < 25; i++)
                    await instances[w % 4]!.appendLines(events, [`w${w} ${i} a`, `w${w} ${i} b`]);
            }),
        );
        const counts = await blocksPerBlob(container);
        expect(counts.size).toBe(80);
        for (const [name, blocks] of counts) expect(blocks, name).toBe(5);

        const lines = await instances[0]!.readLines(events);
        expect(lines).toHaveLength(16 * 25 * 2);
        const next = new Map<number, number>();
        for (let at = 0; at < lines.length; at += 2) {
            const [, w, i] = /^w(\d+) (\d+) a$/.exec(lines[at]!)!.map(Number) as [number, number, number];
            expect(lines[at + 1]).toBe(`w${w} ${i} b`);
            // Parts are read in order: every writer's appends come back in the order it made them.
            expect(i).toBe(next.get(w) ?? 0);
            next.set(w, i + 1);
        }
    }, 120_000);

    it('does not write a block twice when its first answer was lost, and never overwrites another writer', async () => {
        const container = freshContainer();
        const store = createBlobRunStore({ container });
        const { events } = runPaths('retry');
        await store.appendLines(events, ['first']);
        const blob = container.getAppendBlobClient(events);
        // As if the store's next append reached the service but its answer did not come back.
        await blob.appendBlock('second\n', 7);
        await store.appendLines(events, ['second']);
        expect(await store.readLines(events)).toEqual(['first', 'second']);
        // Another writer's different block at the expected offset: this append goes after it.
        await blob.appendBlock('other\n', 6);
        await store.appendLines(events, ['third']);
        expect(await store.readLines(events)).toEqual(['first', 'second', 'other', 'third']);
    });

    it("lists runs from the markers' metadata, and reads a marker that has none", async () => {
        const container = freshContainer();
        const store = createBlobRunStore({ container });
        await store.indexRun({ runId: 'r1', spec: 's', startedAt: '2025-01-01T00:00:00.000Z', status: 'running' });
        const [marker] = await store.list('index/runs/');
        const properties = await container.getBlobClient(marker!).getProperties();
        expect(JSON.parse(Buffer.from(properties.metadata!.runindexentry!, 'base64url').toString())).toMatchObject({
            runId: 'r1',
        });
        // A marker written without metadata (by hand, or by an older writer) still lists.
        const older = { runId: 'r0', spec: 's', startedAt: '2024-01-01T00:00:00.000Z', status: 'succeeded' };
        const text = JSON.stringify(older);
        await container.getBlockBlobClient(`index/runs/8295932799999~r0`).upload(text, text.length);
        expect((await store.listRuns()).runs).toEqual([
            { runId: 'r1', spec: 's', startedAt: '2025-01-01T00:00:00.000Z', status: 'running' },
            older,
        ]);
    });

    it('refuses to append to a whole document and names it', async () => {
        const store = createBlobRunStore({ container: freshContainer() });
        await store.writeJson('runs/r/summary.json', { done: true });
        await expect(store.appendLines('runs/r/summary.json', ['x'])).rejects.toThrow(
            /runs\/r\/summary\.json: it is a whole document, not an append log/,
        );
        expect(await store.readJson('runs/r/summary.json')).toEqual({ done: true });
    });

    it('refuses a line longer than one append and limits outside what the service allows', async () => {
        const store = createBlobRunStore({ container: freshContainer(), maxAppendBytes: 32 });
        await expect(store.appendLines('runs/r/events.jsonl', ['x'.repeat(40)])).rejects.toThrow(
            /one line is 41 bytes, more than one append takes \(32\)/,
        );
        expect(await store.readLines('runs/r/events.jsonl')).toEqual([]);
        expect(() => createBlobRunStore({ container: freshContainer(), maxAppendsPerBlob: 50_001 })).toThrow(
            /maxAppendsPerBlob must be a whole number from 1 to 50000/,
        );
        expect(() => createBlobRunStore({ container: freshContainer(), maxAppendBytes: 0 })).toThrow(/maxAppendBytes/);
    });

    it('shows its container URL without the SAS it was given', async () => {
        const container = freshContainer();
        await container.create();
        const key = /AccountKey=([^;]+)/.exec(azurite().connectionString)![1]!;
        const sas = generateBlobSASQueryParameters(
            {
                containerName: container.containerName,
                permissions: ContainerSASPermissions.parse('racwdl'),
                expiresOn: new Date(Date.now() + 3_600_000),
            },
            new StorageSharedKeyCredential(AZURITE_ACCOUNT, key),
        ).toString();
        const store = createBlobRunStore({ container: new ContainerClient(`${container.url}?${sas}`) });
        expect(store.location).toBe(`${azurite().blobEndpoint}/${container.containerName}`);
        await store.writeJson('runs/r/summary.json', { ok: 1 });
        expect(await store.readJson('runs/r/summary.json')).toEqual({ ok: 1 });
        expect(await store.readJson('runs/r/x.json')).toBeUndefined();
    });

    it('is built from a connection-string setting, into container migration-runs', async () => {
        const store = createRunStoreFromSettings({ MIGRATION_LOG_STORAGE: azurite().connectionString });
        expect(store.location).toBe(`${azurite().blobEndpoint}/migration-runs`);
        await store.writeJson(runPaths('from-settings').summary, { ok: true });
        const direct = azurite().serviceClient().getContainerClient('migration-runs');
        expect(await direct.getBlobClient('runs/from-settings/summary.json').exists()).toBe(true);
    });

    it('names the document it cannot reach, without the key', async () => {
        // Nothing listens on port 9 of loopback; one try, so the test does not wait for the SDK's backoff.
        const key = new StorageSharedKeyCredential(AZURITE_ACCOUNT, 'c2VjcmV0a2V5');
        const container = new ContainerClient('http://127.0.0.1:9/devstoreaccount1/migration-runs', key, {
            retryOptions: { maxTries: 1 },
        });
        const error = (await createBlobRunStore({ container })
            .readJson('runs/r/summary.json')
            .catch((e: unknown) => e)) as Error;
        expect(error.name).toBe('RunStoreError');
        expect(error.message).toContain(
            'cannot read http://127.0.0.1:9/devstoreaccount1/migration-runs/runs/r/summary.json',
        );
        expect(error.message).not.toContain('c2VjcmV0a2V5');
    });
});

/** A client of the same container that shares nothing (no pipeline, no state) with `container`. */
function freshClient(container: ContainerClient): ContainerClient {
    return azurite().serviceClient().getContainerClient(container.containerName);
}
