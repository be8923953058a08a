/**
 * Binary content through the file block messages against the simulator: a 10 MB file column, a full-size image, a
 * note body over 4 MB, each uploaded and downloaded in blocks of at most 4 MB and identical by SHA-256; every block is
 * a request of its own, retried like any other.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import {
    BLOCK_SIZE,
    contentHash,
    openDownload,
    uploadBlocks,
    type ContentRef,
} from '../../src/dataverse/content/index.js';
import { accountContent, FAST_RETRY } from './dataverse-helpers.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A buffer as blocks of at most `size` bytes (views, no copies). */
function* blocksOf(bytes: Buffer, size = BLOCK_SIZE): Iterable<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function readAll(client: DataverseWriteClient, ref: ContentRef): Promise<{ bytes: Buffer; blocks: number[] }> {
    const download = await openDownload(client, ref);
    if (!download) throw new Error('no content');
    const parts: Buffer[] = [];
    for await (const block of download.blocks()) parts.push(block);
    return { bytes: Buffer.concat(parts), blocks: parts.map((p) => p.length) };
}

let sim: Simulator;
let client: DataverseWriteClient;

beforeAll(async () => {
    sim = await startSimulator({ schema: 'crm', rows: 0, seed: 3 });
    client = createDataverseClient({ url: sim.url, retry: FAST_RETRY });
});
afterAll(() => sim.close());

async function newAccount(): Promise<string> {
    const id = randomUUID();
    await client.create({ logicalName: 'account', entitySetName: 'accounts' }, id, { name: `content ${id}` });
    return id;
}

describe('file block messages', () => {
    it('moves a 10 MB file column in 4 MB blocks both ways, identical by SHA-256', async () => {
        const id = await newAccount();
        const ref = accountContent(id);
        const bytes = randomBytes(10 * 1024 * 1024);
        const before = sim.stats().requests;
        const sent = await uploadBlocks(
            client,
            ref,
            { fileName: 'contract.pdf', mimeType: 'application/pdf' },
            blocksOf(bytes),
        );
        expect(sent.size).toBe(bytes.length);
        // Initialize, three UploadBlocks (4 + 4 + 2 MB), commit.
        expect(sim.stats().requests - before).toBe(5);
        const back = await readAll(client, ref);
        expect(back.blocks).toEqual([BLOCK_SIZE, BLOCK_SIZE, bytes.length - 2 * BLOCK_SIZE]);
        expect(sha256(back.bytes)).toBe(sha256(bytes));
        expect(await contentHash(client, ref)).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    });

    it('reads an image column at full size, where a row read carries only the thumbnail', async () => {
        const id = await newAccount();
        const ref = accountContent(id, 'entityimage');
        const image = randomBytes(300_000);
        await uploadBlocks(client, ref, { fileName: 'logo.png', mimeType: 'image/png' }, blocksOf(image, 100_000));
        const row = await client.get<{ entityimage: string }>(`accounts(${id})?$select=entityimage`);
        expect(Buffer.from(row.entityimage, 'base64').length).toBeLessThan(image.length);
        expect((await readAll(client, ref)).bytes.equals(image)).toBe(true);
    });

    it('creates a note with a 6 MB body in blocks and reads it back whole', async () => {
        const org = (
            await client.get<{ value: Array<{ organizationid: string }> }>('organizations?$select=organizationid')
        ).value[0]!;
        await client.update({ logicalName: 'organization', entitySetName: 'organizations' }, org.organizationid, {
            maxuploadfilesize: 32 * 1024 * 1024,
        });
        const account = await newAccount();
        const id = randomUUID();
        const ref: ContentRef = { kind: 'annotation', id };
        const body = randomBytes(6 * 1024 * 1024 + 17);
        const columns = { subject: 'big', 'objectid_account@odata.bind': `/accounts(${account})` };
        await uploadBlocks(client, ref, { fileName: 'big.bin', columns }, blocksOf(body));
        const note = await client.get<{ filesize: number; filename: string }>(
            `annotations(${id})?$select=filesize,filename`,
        );
        expect(note).toMatchObject({ filesize: body.length, filename: 'big.bin' });
        expect(await contentHash(client, ref)).toEqual({ size: body.length, sha256: sha256(body) });
    });

    it('answers no download for a row without content', async () => {
        const id = await newAccount();
        const ref = accountContent(id);
        expect(await openDownload(client, ref)).toBeUndefined();
        expect(await contentHash(client, { kind: 'annotation', id: randomUUID() })).toBeUndefined();
    });

    it('retries a refused block like any request: the file arrives whole', async () => {
        const faulty = await startSimulator({
            schema: 'crm',
            rows: 0,
            seed: 5,
            faults: { seed: 9, unavailable: { rate: 0.4, retryAfterSeconds: 0.01 } },
        });
        try {
            const c = createDataverseClient({ url: faulty.url, retry: FAST_RETRY });
            const id = randomUUID();
            await c.create({ logicalName: 'account', entitySetName: 'accounts' }, id, { name: 'faulty' });
            const ref = accountContent(id);
            const bytes = randomBytes(5 * 1024 * 1024);
            await uploadBlocks(c, ref, { fileName: 'f.bin' }, blocksOf(bytes));
            expect(await contentHash(c, ref)).toEqual({ size: bytes.length, sha256: sha256(bytes) });
            expect(c.stats().outageRetries + c.stats().transientRetries).toBeGreaterThan(0);
        } finally {
            await faulty.close();
        }
    });
});
