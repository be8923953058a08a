/**
 * syncContent against the simulator: content already equal moves nothing, a source without content clears the
 * target's, and commits answered 500 (before or after the service took them) are settled by reading the target and
 * sent again only when it did not take them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { syncContent } from '../../src/copy/content-transfer.js';
import { contentHash, uploadBlocks } from '../../src/dataverse/content/index.js';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { accountContent, FAST_RETRY } from './dataverse-helpers.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ref = (id: string) => accountContent(id);
const ACCOUNT = { logicalName: 'account', entitySetName: 'accounts' };

let sims: Simulator[];
let source: DataverseWriteClient;
let target: DataverseWriteClient;

beforeAll(async () => {
    sims = await Promise.all([
        startSimulator({ schema: 'crm', rows: 0, seed: 11 }),
        // Half of the 500s come after the work: the commit was taken, the answer says otherwise.
        startSimulator({
            schema: 'crm',
            rows: 0,
            seed: 11,
            empty: true,
            faults: { seed: 4, serverError: { rate: 0.15, statuses: [500], afterWorkShare: 0.5 } },
        }),
    ]);
    source = createDataverseClient({ url: sims[0]!.url, retry: FAST_RETRY });
    target = createDataverseClient({ url: sims[1]!.url, retry: FAST_RETRY });
});
afterAll(() => Promise.all(sims.map((s) => s.close())));

async function pairOfRows(): Promise<string> {
    const id = randomUUID();
    await source.create(ACCOUNT, id, { name: id });
    await target.upsert(ACCOUNT, id, { name: id }); // an upsert: a 500 after the work is sent again harmlessly
    return id;
}

const sync = (id: string, cleared: string[] = []) =>
    syncContent(
        { client: source, ref: ref(id) },
        {
            client: target,
            ref: ref(id),
            clear: async () => {
                cleared.push(id);
                await target.deleteColumnValue('accounts', id, 'sample_contract');
            },
        },
        { fileName: 'f.bin' },
    );

describe('syncContent', () => {
    it('copies through lost commit answers, then finds everything equal and moves nothing', async () => {
        const files = new Map<string, Buffer>();
        for (let i = 0; i < 8; i++) {
            const id = await pairOfRows();
            const bytes = randomBytes(50_000 + i);
            await uploadBlocks(source, ref(id), { fileName: `f${i}.bin` }, [bytes]);
            files.set(id, bytes);
        }
        for (const [id, bytes] of files) {
            expect(await sync(id)).toMatchObject({ action: 'copied' });
            expect(await contentHash(target, ref(id))).toEqual({ size: bytes.length, sha256: sha256(bytes) });
        }
        // The faults did hit commits (else this test proves nothing about settling).
        expect(sims[1]!.stats().faults.serverErrorAfterWork).toBeGreaterThan(0);
        for (const [id, bytes] of files)
            expect(await sync(id)).toEqual({ action: 'unchanged', bytesRead: bytes.length, bytesWritten: 0 });
    });

    it('clears the target when the source has no content, and leaves two empty sides alone', async () => {
        const id = await pairOfRows();
        // Seeded through the faults: until the target has it.
        for (let i = 0; i < 5 && !(await contentHash(target, ref(id))); i++)
            await uploadBlocks(target, ref(id), { fileName: 'old.bin' }, [randomBytes(10)]).catch(() => undefined);
        const cleared: string[] = [];
        expect(await sync(id, cleared)).toEqual({ action: 'cleared', bytesRead: 0, bytesWritten: 0 });
        expect(cleared).toEqual([id]);
        expect(await contentHash(target, ref(id))).toBeUndefined();
        expect(await sync(id, cleared)).toEqual({ action: 'unchanged', bytesRead: 0, bytesWritten: 0 });
        expect(cleared).toEqual([id]);
    });

    it('fails the row (ContentRowGone), never the run, when the source file goes away while it is compared', async () => {
        const id = await pairOfRows();
        await uploadBlocks(source, ref(id), { fileName: 's.bin' }, [randomBytes(20_000)]);
        await uploadBlocks(target, ref(id), { fileName: 't.bin' }, [randomBytes(20_000)]);
        // The source as the service would answer it if someone removed the file after the compare read it: the
        // second download's Initialize comes after the removal.
        let initializes = 0;
        const vanishing = new Proxy(source, {
            get(client, name, receiver) {
                if (name !== 'action') return Reflect.get(client, name, receiver);
                return async (action: string, ...rest: unknown[]) => {
                    if (action === 'InitializeFileBlocksDownload' && ++initializes === 2)
                        await source.deleteColumnValue('accounts', id, 'sample_contract');
                    return (client.action as (...a: unknown[]) => unknown).call(client, action, ...rest);
                };
            },
        });
        const outcome = syncContent(
            { client: vanishing, ref: ref(id) },
            { client: target, ref: ref(id), clear: () => Promise.resolve() },
            { fileName: 'f.bin' },
        );
        await expect(outcome).rejects.toMatchObject({ name: 'ContentRowError', code: 'ContentRowGone' });
        expect(initializes).toBe(2);
    });
});
