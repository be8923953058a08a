/**
 * Binary content in a run: files over 4 MB in a file column, full-size images, note bodies over 4 MB and small ones,
 * copied by the content phase after the rows, identical by SHA-256; a second run reads and compares but writes no byte.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { BLOCK_SIZE, contentHash, uploadBlocks, type ContentRef } from '../../src/dataverse/content/index.js';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
function* blocksOf(bytes: Buffer): Iterable<Buffer> {
    for (let at = 0; at < bytes.length; at += BLOCK_SIZE) yield bytes.subarray(at, at + BLOCK_SIZE);
}
const file = (id: string, column: string): ContentRef => ({
    kind: 'column',
    table: 'account',
    primaryId: 'accountid',
    id,
    column,
});

async function allowBigNotes(client: DataverseWriteClient): Promise<void> {
    const org = await client.get<{ value: Array<{ organizationid: string }> }>('organizations?$select=organizationid');
    await client.update({ logicalName: 'organization', entitySetName: 'organizations' }, org.value[0]!.organizationid, {
        maxuploadfilesize: 32 * 1024 * 1024,
    });
}

describe('content phase', () => {
    let pair: Pair;
    let source: DataverseWriteClient;
    let target: DataverseWriteClient;
    let specPath: string;
    const expected = new Map<string, { ref: ContentRef; size: number; sha256: string }>();

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 0, seed: 7 },
            { schema: 'crm', rows: 0, seed: 7, empty: true },
        );
        source = createDataverseClient({ url: pair.source.url });
        target = createDataverseClient({ url: pair.target.url });
        await Promise.all([allowBigNotes(source), allowBigNotes(target)]);
        const accounts = Array.from({ length: 3 }, () => randomUUID());
        for (const [i, id] of accounts.entries())
            await source.create({ logicalName: 'account', entitySetName: 'accounts' }, id, { name: `content ${i}` });
        const put = async (
            ref: ContentRef,
            bytes: Buffer,
            fileName: string,
            columns?: Record<string, unknown>,
            mimeType?: string,
        ) => {
            await uploadBlocks(
                source,
                ref,
                { fileName, ...(columns ? { columns } : {}), ...(mimeType ? { mimeType } : {}) },
                blocksOf(bytes),
            );
            expected.set(`${ref.kind}:${ref.id}:${'column' in ref ? ref.column : ''}`, {
                ref,
                size: bytes.length,
                sha256: sha256(bytes),
            });
        };
        await put(
            file(accounts[0]!, 'sample_contract'),
            randomBytes(BLOCK_SIZE + 300_005),
            'contract.pdf',
            undefined,
            'application/pdf',
        );
        await put(file(accounts[1]!, 'sample_contract'), randomBytes(1000), 'small.txt');
        await put(file(accounts[0]!, 'entityimage'), randomBytes(200_000), 'logo.png');
        await put(file(accounts[2]!, 'entityimage'), randomBytes(5_000), 'icon.png');
        const note = (bytes: Buffer, name: string, account: string) =>
            put(
                { kind: 'annotation', id: randomUUID() },
                bytes,
                name,
                { subject: name, 'objectid_account@odata.bind': `/accounts(${account})` },
                'text/plain',
            );
        await note(randomBytes(BLOCK_SIZE + 200_000), 'big-note.bin', accounts[1]!);
        await note(randomBytes(2000), 'small-note.txt', accounts[2]!);
        specPath = await writeSpec(pair, {
            name: 'content',
            tables: [{ name: 'account' }, { name: 'annotation' }],
        });
    });
    afterAll(() => pair?.close());

    it('copies files, full-size images and note bodies, identical by size and SHA-256', async () => {
        const first = await runJson(pair, specPath);
        expect(first.code, first.stderr).toBe(0);
        for (const { ref, size, sha256: hash } of expected.values())
            expect(await contentHash(target, ref), JSON.stringify(ref)).toEqual({ size, sha256: hash });
        const bytes = [...expected.values()].reduce((n, e) => n + e.size, 0);
        const content = (t: string) => first.summary.tables[t].content;
        expect(content('account')).toMatchObject({ read: 3, written: 3, failed: 0 });
        expect(content('annotation')).toMatchObject({ read: 2, written: 2, failed: 0 });
        expect(content('account').bytesWritten + content('annotation').bytesWritten).toBe(bytes);
        expect(first.summary.phases.content).toMatchObject({ written: 5, bytesWritten: bytes });
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
        // The MIME type the block download does not give: the file's from its source `$value`, a note's as a column.
        const contract = [...expected.values()].find((e) => e.ref.kind === 'column' && e.size > BLOCK_SIZE)!;
        const info = await target.columnFileInfo('accounts', contract.ref.id, 'sample_contract');
        expect(info).toEqual({ mimeType: 'application/pdf', fileName: 'contract.pdf' });
        const notes = await target.get<{ value: Array<{ filename: string; mimetype: string }> }>(
            'annotations?$select=filename,mimetype',
        );
        expect(notes.value.map((n) => [n.filename, n.mimetype]).sort()).toEqual([
            ['big-note.bin', 'text/plain'],
            ['small-note.txt', 'text/plain'],
        ]);
    });

    it('moves no byte on a second run: every piece is compared by size and hash first', async () => {
        pair.source.resetStats();
        pair.target.resetStats();
        const second = await runJson(pair, specPath);
        expect(second.code, second.stderr).toBe(0);
        expect(second.summary.phases.content).toMatchObject({ read: 5, written: 0, unchanged: 5, bytesWritten: 0 });
        // Nothing written to the target: no row, no UploadBlock, PATCH or DELETE (each answered 204).
        const stats = pair.target.stats();
        expect(stats.rowsWritten).toBe(0);
        expect(stats.statuses['204'] ?? 0).toBe(0);
        // Each side: one Initialize*BlocksDownload per piece and one DownloadBlock per block of it (same size, so both
        // hashed); the account without a file and the one without an image cost no request, the rows say so.
        const blocks = [...expected.values()].reduce((n, e) => n + Math.ceil(e.size / BLOCK_SIZE), 0);
        for (const side of [pair.source.stats(), stats]) expect(side.methods.POST).toBe(expected.size + blocks);
    });

    it('verify finds a target file of the same size with other bytes; the next run copies only that file', async () => {
        const contract = [...expected.values()].find((e) => e.size > BLOCK_SIZE && e.ref.kind === 'column')!;
        const other = randomBytes(contract.size);
        await uploadBlocks(target, contract.ref, { fileName: 'contract.pdf' }, blocksOf(other));
        const drift = await verifyJson(pair, specPath);
        expect(drift.report.identical).toBe(false);
        expect(drift.report.tables.account).toMatchObject({ different: 1 });
        expect(drift.report.tables.account.samples.different).toEqual([
            { id: contract.ref.id, columns: ['sample_contract'] },
        ]);
        const third = await runJson(pair, specPath);
        expect(third.code, third.stderr).toBe(0);
        expect(third.summary.phases.content).toMatchObject({ written: 1, bytesWritten: contract.size });
        expect(await contentHash(target, contract.ref)).toEqual({ size: contract.size, sha256: contract.sha256 });
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
