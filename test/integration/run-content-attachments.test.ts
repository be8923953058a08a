/**
 * E-mail attachment bodies in a run: a 6 MB attachment goes through the attachment block messages (its body never in a
 * row read or write), arrives identical by size and SHA-256 with its file name and MIME type, verify compares it, and a
 * second run moves no byte. The attachment's upload can only create (attachment-annotation-files.md), so the content
 * phase re-creates the row the copy phase wrote without its body.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { BLOCK_SIZE, contentHash, uploadBlocks, type ContentRef } from '../../src/dataverse/content/index.js';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
function* blocksOf(bytes: Buffer): Iterable<Buffer> {
    for (let at = 0; at < bytes.length; at += BLOCK_SIZE) yield bytes.subarray(at, at + BLOCK_SIZE);
}

async function allowBigFiles(client: DataverseWriteClient, bytes = 32 * MB): Promise<void> {
    const org = await client.get<{ value: Array<{ organizationid: string }> }>('organizations?$select=organizationid');
    await client.update({ logicalName: 'organization', entitySetName: 'organizations' }, org.value[0]!.organizationid, {
        maxuploadfilesize: bytes,
    });
}

describe('e-mail attachment bodies', () => {
    let pair: Pair;
    let source: DataverseWriteClient;
    let target: DataverseWriteClient;
    let specPath: string;
    let email: string;
    const big = randomBytes(6 * MB + 123);
    const small = randomBytes(700);
    const bigRef: ContentRef = { kind: 'attachment', id: randomUUID() };
    const smallRef: ContentRef = { kind: 'attachment', id: randomUUID() };

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 0, seed: 11 },
            { schema: 'crm', rows: 0, seed: 11, empty: true },
        );
        source = createDataverseClient({ url: pair.source.url });
        target = createDataverseClient({ url: pair.target.url });
        await Promise.all([allowBigFiles(source), allowBigFiles(target)]);
        email = randomUUID();
        await source.create({ logicalName: 'email', entitySetName: 'emails' }, email, { subject: 'the contract' });
        const attach = (ref: ContentRef, bytes: Buffer, fileName: string, mimeType: string) =>
            uploadBlocks(
                source,
                ref,
                {
                    fileName,
                    mimeType,
                    columns: {
                        activitymimeattachmentid: ref.id,
                        subject: fileName,
                        objecttypecode: 'email',
                        'objectid_email@odata.bind': `/emails(${email})`,
                    },
                },
                blocksOf(bytes),
            );
        await attach(bigRef, big, 'contract.pdf', 'application/pdf');
        await attach(smallRef, small, 'photo.png', 'image/png');
        specPath = await writeSpec(pair, {
            name: 'attachments',
            tables: [{ name: 'email' }, { name: 'activitymimeattachment' }],
        });
    });
    afterAll(() => pair?.close());

    it('copies the bodies by blocks with their file names and MIME types; verify compares them', async () => {
        pair.target.resetStats();
        const first = await runJson(pair, specPath);
        expect(first.code, first.stderr).toBe(0);
        expect(await contentHash(target, bigRef)).toEqual({ size: big.length, sha256: sha256(big) });
        expect(await contentHash(target, smallRef)).toEqual({ size: small.length, sha256: sha256(small) });
        const rows = await target.get<{ value: Array<Record<string, unknown>> }>(
            'activitymimeattachments?$select=filename,mimetype,filesize,_objectid_value',
        );
        expect(rows.value.map((r) => [r.activitymimeattachmentid, r.filename, r.mimetype, r.filesize]).sort()).toEqual(
            [
                [bigRef.id, 'contract.pdf', 'application/pdf', big.length],
                [smallRef.id, 'photo.png', 'image/png', small.length],
            ].sort(),
        );
        const content = first.summary.tables.activitymimeattachment.content;
        expect(content).toMatchObject({ read: 2, written: 2, failed: 0, bytesWritten: big.length + small.length });
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });

    it('moves no byte on a second run', async () => {
        pair.target.resetStats();
        const second = await runJson(pair, specPath);
        expect(second.code, second.stderr).toBe(0);
        expect(second.summary.tables.activitymimeattachment.content).toMatchObject({
            written: 0,
            unchanged: 2,
            bytesWritten: 0,
        });
        expect(pair.target.stats().rowsWritten).toBe(0);
    });

    it('verify finds a body changed in the target (same size, other bytes)', async () => {
        const other = Buffer.from(small);
        other[0] = other[0]! ^ 0xff;
        await target.update(
            { logicalName: 'activitymimeattachment', entitySetName: 'activitymimeattachments' },
            smallRef.id,
            { body: other.toString('base64') },
        );
        const drift = await verifyJson(pair, specPath);
        expect(drift.report.tables.activitymimeattachment.samples.different).toEqual([
            { id: smallRef.id, columns: ['body'] },
        ]);
    });

    it('puts an attachment back without its body when the target refuses the body, and fails that row', async () => {
        await allowBigFiles(target, 1 * MB);
        const refused: ContentRef = { kind: 'attachment', id: randomUUID() };
        await uploadBlocks(
            source,
            refused,
            {
                fileName: 'scan.pdf',
                mimeType: 'application/pdf',
                columns: { subject: 'scan', objecttypecode: 'email', 'objectid_email@odata.bind': `/emails(${email})` },
            },
            blocksOf(randomBytes(2 * MB)),
        );
        const run = await runJson(pair, specPath);
        expect(run.summary.tables.activitymimeattachment.content).toMatchObject({ failed: 1 });
        const kept = await target.get<Record<string, unknown>>(
            `activitymimeattachments(${refused.id})?$select=filename,mimetype,filesize,_objectid_value`,
        );
        expect(kept).toMatchObject({
            filename: 'scan.pdf',
            mimetype: 'application/pdf',
            filesize: null,
            _objectid_value: email,
        });
    });
});
