/**
 * Conformance of notes and e-mail attachments (attachment-annotation-files.md; files-images-overview.md "Block
 * certain types of files"): bodies set and read inline as Base64 (`filesize` follows), the organization's
 * maxuploadfilesize on the Base64 size (0x80044a02 "Attachment file size is too big.") and blocked extensions
 * (0x80043e09), the chunked messages Initialize{Annotation,Attachment}BlocksUpload / UploadBlock /
 * Commit{Annotation,Attachment}BlocksUpload and the downloads Initialize{Annotation,Attachment}BlocksDownload /
 * DownloadBlock, with a body above 4 MB coming back identical.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let accountId: string;
let orgId: string;

const MB = 1024 * 1024;
const TOO_BIG = { code: '0x80044a02', message: 'Attachment file size is too big.' };
const BLOCKED = {
    code: '0x80043e09',
    message: 'The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded.',
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 10 }));
    accountId = sim.dump('account')[0]!.accountid as string;
    orgId = sim.dump('organization')[0]!.organizationid as string;
});
afterAll(async () => {
    await sim.close();
});

async function setMaxUpload(bytes: number): Promise<void> {
    const r = await client.patch(`organizations(${orgId})`, { maxuploadfilesize: bytes }, { 'If-Match': '*' });
    expect(r.status).toBe(204);
}

/** Uploads `bytes` in blocks of at most 4 MB under a token; returns the BlockList. */
async function uploadBlocks(token: string, bytes: Buffer): Promise<string[]> {
    const ids: string[] = [];
    for (let at = 0; at < bytes.length; at += 4 * MB) {
        const id = Buffer.from(randomUUID()).toString('base64');
        const block = bytes.subarray(at, at + 4 * MB).toString('base64');
        const r = await client.post('UploadBlock', { BlockId: id, BlockData: block, FileContinuationToken: token });
        expect(r.status).toBe(204);
        ids.push(id);
    }
    return ids;
}

/** Downloads a file block by block (4 MB) after an Initialize...BlocksDownload. */
async function downloadBlocks(token: string, size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let at = 0; at < size; at += 4 * MB) {
        const r = await client.post('DownloadBlock', { Offset: at, BlockLength: 4 * MB, FileContinuationToken: token });
        expect(r.status).toBe(200);
        parts.push(Buffer.from(r.json.Data as string, 'base64'));
    }
    return Buffer.concat(parts);
}

describe('notes', () => {
    it('takes a body inline and reads it back as Base64, with filesize and isdocument', async () => {
        const file = randomBytes(3000);
        const id = await client.create('annotations', {
            subject: 'Contract',
            filename: 'contract.pdf',
            mimetype: 'application/pdf',
            documentbody: file.toString('base64'),
            'objectid_account@odata.bind': `/accounts(${accountId})`,
        });
        const r = await client.get(
            `annotations(${id})?$select=documentbody,filesize,isdocument,filename,_objectid_value`,
        );
        expect(r.json).toMatchObject({
            filesize: 3000,
            isdocument: true,
            filename: 'contract.pdf',
            _objectid_value: accountId,
        });
        expect(r.json.documentbody).toBe(file.toString('base64'));
        const raw = await client.get(`annotations(${id})/documentbody/$value`);
        expect(raw.headers.get('content-type')).toBe('text/plain');
        expect(raw.text).toBe(file.toString('base64'));
        // The body lives beside the row, not in it.
        expect(sim.dump('annotation').find((a) => a.annotationid === id)!.documentbody).toBeUndefined();
    });

    it("refuses a body over the organization's maxuploadfilesize (of its Base64 text) and a blocked extension", async () => {
        await setMaxUpload(4000);
        const fits = randomBytes(3000); // 4000 Base64 characters
        expect(
            (
                await client.post('annotations', {
                    subject: 'fits',
                    filename: 'a.txt',
                    documentbody: fits.toString('base64'),
                })
            ).status,
        ).toBe(204);
        const over = await client.post('annotations', {
            subject: 'over',
            filename: 'a.txt',
            documentbody: randomBytes(3001).toString('base64'),
        });
        expect([over.status, over.json.error]).toEqual([400, TOO_BIG]);
        await setMaxUpload(5242880);
        const exe = await client.post('annotations', {
            subject: 'tool',
            filename: 'setup.EXE',
            documentbody: fits.toString('base64'),
        });
        expect([exe.status, exe.json.error]).toEqual([400, BLOCKED]);
        expect(sim.dump('annotation').filter((a) => a.subject === 'over' || a.subject === 'tool')).toEqual([]);
    });

    it('uploads a body above 4 MB in blocks and downloads it back identical', async () => {
        await setMaxUpload(131072000);
        const file = randomBytes(5 * MB + 123);
        const annotationid = randomUUID();
        const target = {
            annotationid,
            subject: 'large PDF file',
            filename: 'big.pdf',
            mimetype: 'application/pdf',
            'objectid_account@odata.bind': `/accounts(${accountId})`,
            '@odata.type': 'Microsoft.Dynamics.CRM.annotation',
        };
        const init = await client.post('InitializeAnnotationBlocksUpload', { Target: target });
        expect(init.status).toBe(200);
        const token = init.json.FileContinuationToken as string;
        const blocks = await uploadBlocks(token, file);
        const commit = await client.post('CommitAnnotationBlocksUpload', {
            Target: target,
            BlockList: blocks,
            FileContinuationToken: token,
        });
        expect(commit.status).toBe(200);
        expect(commit.json).toMatchObject({ AnnotationId: annotationid, FileSizeInBytes: file.length });
        const down = await client.post('InitializeAnnotationBlocksDownload', {
            Target: { annotationid, '@odata.type': 'Microsoft.Dynamics.CRM.annotation' },
        });
        expect(down.json).toMatchObject({ FileSizeInBytes: file.length, FileName: 'big.pdf' });
        expect(sha(await downloadBlocks(down.json.FileContinuationToken as string, file.length))).toBe(sha(file));
        expect(sim.dump('annotation').find((a) => a.annotationid === annotationid)!.filesize).toBe(file.length);
        await setMaxUpload(5242880);
    });

    it('refuses a commit over the limit, a block over 4 MB and an unknown token', async () => {
        const target = {
            annotationid: randomUUID(),
            subject: 's',
            filename: 'b.bin',
            '@odata.type': 'Microsoft.Dynamics.CRM.annotation',
        };
        const token = (await client.post('InitializeAnnotationBlocksUpload', { Target: target })).json
            .FileContinuationToken;
        const blocks = await uploadBlocks(token, randomBytes(4 * MB)); // 5.6 MB of Base64 > the default 5 MB
        const commit = await client.post('CommitAnnotationBlocksUpload', {
            Target: target,
            BlockList: blocks,
            FileContinuationToken: token,
        });
        expect([commit.status, commit.json.error]).toEqual([400, TOO_BIG]);
        expect(sim.dump('annotation').some((a) => a.annotationid === target.annotationid)).toBe(false);
        const token2 = (await client.post('InitializeAnnotationBlocksUpload', { Target: target })).json
            .FileContinuationToken;
        const big = await client.post('UploadBlock', {
            BlockId: 'QQ==',
            BlockData: randomBytes(4 * MB + 1).toString('base64'),
            FileContinuationToken: token2,
        });
        expect(big.status).toBe(400);
        expect(big.json.error.message).toMatch(/at most 4194304 bytes/);
        const stale = await client.post('UploadBlock', {
            BlockId: 'QQ==',
            BlockData: 'QQ==',
            FileContinuationToken: 'nope',
        });
        expect(stale.status).toBe(400);
        const blocked = await client.post('InitializeAnnotationBlocksUpload', {
            Target: { ...target, filename: 'x.js' },
        });
        expect([blocked.status, blocked.json.error]).toEqual([400, BLOCKED]);
    });
});

describe('e-mail attachments', () => {
    it('creates an attachment by blocks, downloads it, and refuses a second commit of the same id', async () => {
        const emailId = await client.create('emails', { subject: 'With attachment' });
        const file = randomBytes(1 * MB + 7);
        const target = {
            'objectid_email@odata.bind': `emails(${emailId})`,
            objecttypecode: 'email',
            subject: 'Sample attached',
            filename: 'sample.pdf',
            mimetype: 'application/pdf',
            '@odata.type': 'Microsoft.Dynamics.CRM.activitymimeattachment',
        };
        const token = (await client.post('InitializeAttachmentBlocksUpload', { Target: target })).json
            .FileContinuationToken;
        const commit = await client.post('CommitAttachmentBlocksUpload', {
            Target: target,
            BlockList: await uploadBlocks(token, file),
            FileContinuationToken: token,
        });
        expect(commit.status).toBe(200);
        const id = commit.json.ActivityMimeAttachmentId as string;
        expect(commit.json.FileSizeInBytes).toBe(file.length);
        const row = await client.get(`activitymimeattachments(${id})?$select=filesize,filename,_objectid_value,body`);
        expect(row.json).toMatchObject({ filesize: file.length, filename: 'sample.pdf', _objectid_value: emailId });
        expect(Buffer.from(row.json.body as string, 'base64').equals(file)).toBe(true);
        const down = await client.post('InitializeAttachmentBlocksDownload', {
            Target: { activitymimeattachmentid: id, '@odata.type': 'Microsoft.Dynamics.CRM.activitymimeattachment' },
        });
        expect(sha(await downloadBlocks(down.json.FileContinuationToken as string, file.length))).toBe(sha(file));
        // "These messages can only be used to create a new attachment."
        const again = { ...target, activitymimeattachmentid: id };
        const token2 = (await client.post('InitializeAttachmentBlocksUpload', { Target: again })).json
            .FileContinuationToken;
        const dup = await client.post('CommitAttachmentBlocksUpload', {
            Target: again,
            BlockList: await uploadBlocks(token2, randomBytes(10)),
            FileContinuationToken: token2,
        });
        expect(dup.status).toBe(412);
        expect(dup.json.error.code).toBe('0x80040237');
    });
});
