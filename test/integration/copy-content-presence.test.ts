/**
 * contentPresence against the simulator: the rows of both sides tell which hold an image (its thumbnail) or a file (its
 * file id), so rows with content on neither side are known without a content request, by one read a side.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { contentPresence, neitherHasContent } from '../../src/copy/content-presence.js';
import { uploadBlocks } from '../../src/dataverse/content/index.js';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import type { ContentColumn, TablePlan } from '../../src/plan/types.js';
import { accountContent, FAST_RETRY } from './dataverse-helpers.js';

const ACCOUNT = { logicalName: 'account', entitySetName: 'accounts' };
const endpoint = { logicalName: 'account', entitySetName: 'accounts', primaryId: 'accountid' };
// Only the endpoints are read by contentPresence.
const table = { source: endpoint, target: endpoint } as unknown as TablePlan;
const image: ContentColumn = { source: 'entityimage', target: 'entityimage', kind: 'image' };
const file: ContentColumn = { source: 'sample_contract', target: 'sample_contract', kind: 'file' };

let sims: Simulator[];
let source: DataverseWriteClient;
let target: DataverseWriteClient;

beforeAll(async () => {
    sims = await Promise.all([
        startSimulator({ schema: 'crm', rows: 0, seed: 5 }),
        startSimulator({ schema: 'crm', rows: 0, seed: 5, empty: true }),
    ]);
    source = createDataverseClient({ url: sims[0]!.url, retry: FAST_RETRY });
    target = createDataverseClient({ url: sims[1]!.url, retry: FAST_RETRY });
});
afterAll(() => Promise.all(sims.map((s) => s.close())));

describe('content presence from the rows', () => {
    it('knows the rows without an image or a file on either side by one read a side', async () => {
        const ids = Array.from({ length: 6 }, () => randomUUID());
        for (const id of ids) {
            await source.create(ACCOUNT, id, { name: id });
            await target.create(ACCOUNT, id, { name: id });
        }
        const [imageInSource, imageInTarget, fileInSource, fileInTarget] = ids;
        const put = (client: DataverseWriteClient, id: string, column: string) =>
            uploadBlocks(client, accountContent(id, column), { fileName: 'x.bin' }, [randomBytes(900)]);
        await put(source, imageInSource!, 'entityimage');
        await put(target, imageInTarget!, 'entityimage');
        await put(source, fileInSource!, 'sample_contract');
        await put(target, fileInTarget!, 'sample_contract');

        for (const sim of sims) sim.resetStats();
        const presence = await contentPresence(
            { source, target },
            table,
            [image, file],
            { source: ids, target: ids },
            {},
        );
        // One GET a side for both columns.
        expect(sims.map((s) => s.stats().methods)).toEqual([{ GET: 1 }, { GET: 1 }]);

        // The source holds content: it is copied; the target holds some the source lacks: it is cleared.
        expect(ids.map((id) => neitherHasContent(presence, image, id, id))).toEqual([
            false,
            false,
            true,
            true,
            true,
            true,
        ]);
        expect(ids.map((id) => neitherHasContent(presence, file, id, id))).toEqual([
            true,
            true,
            false,
            false,
            true,
            true,
        ]);
    });
});
