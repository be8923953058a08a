/**
 * Conformance of file and image columns (file-column-data.md, image-column-data.md, files-images-overview.md): a file
 * column uploaded in one PATCH, in `x-ms-transfer-mode: chunked` pieces (Location with a sessiontoken, 206 then 204)
 * or with InitializeFileBlocksUpload / UploadBlock / CommitFileBlocksUpload, downloaded by `$value` (whole or by
 * Range) or InitializeFileBlocksDownload / DownloadBlock, identical; MaxSizeInKB and blocked extensions refused with
 * the service's errors; the primary image reads as its thumbnail and `$value?size=full` gives the full image.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { crmSchema, generateDataset, startSimulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let accounts: string[];
let contactId: string;

const MB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TOO_BIG = { code: '0x80044a02', message: 'Attachment file size is too big.' };
const BLOCKED = {
    code: '0x80043e09',
    message: 'The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded.',
};

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 40 }));
    accounts = sim.dump('account').map((a) => a.accountid as string);
    contactId = sim.dump('contact')[0]!.contactid as string;
});
afterAll(async () => {
    await sim.close();
});

async function raw(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
    const res = await fetch(/^http/.test(path) ? path : client.api + path, { method, body, headers });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const json = (r: { bytes: Buffer }) =>
    JSON.parse(r.bytes.toString('utf8')) as { error: { code: string; message: string } };

describe('file columns', () => {
    it('serves MaxSizeInKB in the column metadata', async () => {
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='sample_contract')/Microsoft.Dynamics.CRM.FileAttributeMetadata?$select=MaxSizeInKB",
        );
        expect(r.json.MaxSizeInKB).toBe(32768);
    });

    it('uploads in one request and downloads whole and by range', async () => {
        const file = randomBytes(300_000);
        const up = await raw('PATCH', `accounts(${accounts[0]})/sample_contract`, file, {
            'Content-Type': 'application/octet-stream',
            'x-ms-file-name': 'contract.pdf',
        });
        expect(up.status).toBe(204);
        const down = await raw('GET', `accounts(${accounts[0]})/sample_contract/$value`);
        expect(down.status).toBe(200);
        expect(down.headers.get('x-ms-file-size')).toBe('300000');
        expect(down.headers.get('x-ms-file-name')).toBe('contract.pdf');
        expect(down.bytes.equals(file)).toBe(true);
        const part = await raw('GET', `accounts(${accounts[0]})/sample_contract/$value`, undefined, {
            Range: 'bytes=1000-1999',
        });
        expect(part.status).toBe(206);
        expect(part.headers.get('x-ms-file-size')).toBe('300000');
        expect(part.bytes.equals(file.subarray(1000, 2000))).toBe(true);
    });

    it('uploads above 4 MB in chunks (Location, 206, 204) and downloads it back identical by blocks', async () => {
        const file = randomBytes(6 * MB + 17);
        const begin = await raw('PATCH', `accounts(${accounts[1]})/sample_contract?x-ms-file-name=big.pdf`, undefined, {
            'x-ms-transfer-mode': 'chunked',
        });
        expect(begin.status).toBe(200);
        expect(begin.headers.get('x-ms-chunk-size')).toBe(String(4 * MB));
        const location = begin.headers.get('location')!;
        expect(location).toMatch(/\/sample_contract\?sessiontoken=/);
        const statuses: number[] = [];
        for (let at = 0; at < file.length; at += 4 * MB) {
            const chunk = file.subarray(at, at + 4 * MB);
            const r = await raw('PATCH', location, chunk, {
                'Content-Type': 'application/octet-stream',
                'x-ms-file-name': 'big.pdf',
                'Content-Range': `bytes ${at}-${at + chunk.length - 1}/${file.length}`,
            });
            statuses.push(r.status);
        }
        expect(statuses).toEqual([206, 204]);
        const init = await client.post('InitializeFileBlocksDownload', {
            Target: { accountid: accounts[1], '@odata.type': 'Microsoft.Dynamics.CRM.account' },
            FileAttributeName: 'sample_contract',
        });
        expect(init.json).toMatchObject({
            FileSizeInBytes: file.length,
            FileName: 'big.pdf',
            IsChunkingSupported: true,
        });
        const parts: Buffer[] = [];
        for (let at = 0; at < file.length; at += 4 * MB) {
            const r = await client.post('DownloadBlock', {
                Offset: at,
                BlockLength: 4 * MB,
                FileContinuationToken: init.json.FileContinuationToken,
            });
            parts.push(Buffer.from(r.json.Data as string, 'base64'));
        }
        expect(sha(Buffer.concat(parts))).toBe(sha(file));
    });

    it('uploads with InitializeFileBlocksUpload / UploadBlock / CommitFileBlocksUpload', async () => {
        const file = randomBytes(5 * MB + 5);
        const init = await client.post('InitializeFileBlocksUpload', {
            Target: { accountid: accounts[2], '@odata.type': 'Microsoft.Dynamics.CRM.account' },
            FileName: 'scan.pdf',
            FileAttributeName: 'sample_contract',
        });
        const token = init.json.FileContinuationToken as string;
        const ids: string[] = [];
        for (let at = 0; at < file.length; at += 4 * MB) {
            const id = Buffer.from(randomUUID()).toString('base64');
            const data = file.subarray(at, at + 4 * MB).toString('base64');
            expect(
                (await client.post('UploadBlock', { BlockId: id, BlockData: data, FileContinuationToken: token }))
                    .status,
            ).toBe(204);
            ids.push(id);
        }
        const commit = await client.post('CommitFileBlocksUpload', {
            FileName: 'scan.pdf',
            MimeType: 'application/pdf',
            BlockList: ids,
            FileContinuationToken: token,
        });
        expect(commit.status).toBe(200);
        expect(commit.json.FileSizeInBytes).toBe(file.length);
        const down = await raw('GET', `accounts(${accounts[2]})/sample_contract/$value`);
        expect(down.headers.get('mimetype')).toBe('application/pdf');
        expect(sha(down.bytes)).toBe(sha(file));
        expect((await raw('DELETE', `accounts(${accounts[2]})/sample_contract`)).status).toBe(204);
        const gone = await raw('GET', `accounts(${accounts[2]})/sample_contract/$value`);
        expect([gone.status, json(gone).error.code]).toEqual([404, '0x80040217']);
    });

    it('reads a file column as its file id and <column>_name as its name, null without a file; refuses setting it', async () => {
        const [withFile, without] = [accounts[4]!, accounts[5]!];
        const init = await client.post('InitializeFileBlocksUpload', {
            Target: { accountid: withFile, '@odata.type': 'Microsoft.Dynamics.CRM.account' },
            FileName: 'terms.pdf',
            FileAttributeName: 'sample_contract',
        });
        const token = init.json.FileContinuationToken as string;
        const id = Buffer.from('block-1').toString('base64');
        await client.post('UploadBlock', { BlockId: id, BlockData: 'aGVsbG8=', FileContinuationToken: token });
        const commit = await client.post('CommitFileBlocksUpload', {
            FileName: 'terms.pdf',
            MimeType: 'application/pdf',
            BlockList: [id],
            FileContinuationToken: token,
        });
        const read = await client.get(
            `accounts?$select=name,sample_contract,sample_contract_name&$filter=accountid eq ${withFile} or accountid eq ${without}`,
        );
        const byId = new Map((read.json.value as Array<Record<string, unknown>>).map((r) => [r.accountid, r]));
        expect(byId.get(withFile)).toMatchObject({
            sample_contract: commit.json.FileId,
            sample_contract_name: 'terms.pdf',
        });
        expect(byId.get(without)).toMatchObject({ sample_contract: null, sample_contract_name: null });
        // "$filter=sample_filecolumn ne null" (file-column-data.md) finds the rows with a file.
        const holders = await client.get(`accounts?$select=accountid&$filter=sample_contract ne null`);
        expect((holders.json.value as Array<{ accountid: string }>).map((r) => r.accountid)).toContain(withFile);
        const set = await client.patch(`accounts(${without})`, { sample_contract: commit.json.FileId });
        expect([set.status, (set.json.error as { code: string }).code]).toEqual([400, '0x80040203']);
        expect((await raw('DELETE', `accounts(${withFile})/sample_contract`)).status).toBe(204);
        const cleared = await client.get(`accounts(${withFile})?$select=sample_contract,sample_contract_name`);
        expect(cleared.json).toMatchObject({ sample_contract: null, sample_contract_name: null });
    });

    it('refuses a file over MaxSizeInKB and a blocked extension, storing nothing', async () => {
        const declared = 32768 * 1024 + 1;
        const begin = await raw(
            'PATCH',
            `accounts(${accounts[3]})/sample_contract?x-ms-file-name=huge.bin`,
            undefined,
            {
                'x-ms-transfer-mode': 'chunked',
            },
        );
        const over = await raw('PATCH', begin.headers.get('location')!, randomBytes(10), {
            'Content-Type': 'application/octet-stream',
            'Content-Range': `bytes 0-9/${declared}`,
        });
        expect([over.status, json(over).error]).toEqual([400, TOO_BIG]);
        const exe = await raw('PATCH', `accounts(${accounts[3]})/sample_contract`, randomBytes(10), {
            'Content-Type': 'application/octet-stream',
            'x-ms-file-name': 'tool.exe',
        });
        expect([exe.status, json(exe).error]).toEqual([400, BLOCKED]);
        const init = await client.post('InitializeFileBlocksUpload', {
            Target: { accountid: accounts[3], '@odata.type': 'Microsoft.Dynamics.CRM.account' },
            FileName: 'x.bat',
            FileAttributeName: 'sample_contract',
        });
        expect([init.status, init.json.error]).toEqual([400, BLOCKED]);
        expect((await raw('GET', `accounts(${accounts[3]})/sample_contract/$value`)).status).toBe(404);
    });
});

describe('image columns', () => {
    it('reads the thumbnail with the row and the full image with $value?size=full', async () => {
        const full = randomBytes(50_000);
        const r = await client.patch(
            `contacts(${contactId})`,
            { entityimage: full.toString('base64') },
            { 'If-Match': '*' },
        );
        expect(r.status).toBe(204);
        const row = await client.get(`contacts(${contactId})?$select=entityimage`);
        const thumb = Buffer.from(row.json.entityimage as string, 'base64');
        expect(thumb.length).toBeLessThan(full.length);
        const thumbValue = await raw('GET', `contacts(${contactId})/entityimage/$value`);
        expect(thumbValue.bytes.equals(thumb)).toBe(true);
        const fullValue = await raw('GET', `contacts(${contactId})/entityimage/$value?size=full`);
        expect(sha(fullValue.bytes)).toBe(sha(full));
        const init = await client.post('InitializeFileBlocksDownload', {
            Target: { contactid: contactId, '@odata.type': 'Microsoft.Dynamics.CRM.contact' },
            FileAttributeName: 'entityimage',
        });
        expect(init.json.FileSizeInBytes).toBe(full.length);
    });

    it('takes an image upload by PATCH of the column, answers 204 for an empty image, refuses one over MaxSizeInKB', async () => {
        const empty = await raw('GET', `accounts(${accounts[4]})/entityimage/$value?size=full`);
        expect(empty.status).toBe(204);
        const full = randomBytes(30_000);
        const up = await raw('PATCH', `accounts(${accounts[4]})/entityimage`, full, {
            'Content-Type': 'application/octet-stream',
            'x-ms-file-name': 'logo.png',
        });
        expect(up.status).toBe(204);
        expect(sha((await raw('GET', `accounts(${accounts[4]})/entityimage/$value?size=full`)).bytes)).toBe(sha(full));
        const big = await client.patch(
            `accounts(${accounts[4]})`,
            { entityimage: Buffer.alloc(10240 * 1024 + 1).toString('base64') },
            { 'If-Match': '*' },
        );
        expect([big.status, big.json.error]).toEqual([400, TOO_BIG]);
    });

    it('serves an image a loaded row holds (a CMT export) as its full image too', async () => {
        const dataset = generateDataset(crmSchema(), { rows: 5, seed: 3 });
        const image = randomBytes(100);
        const contact = dataset.rows.contact![0]!;
        contact.entityimage = image.toString('base64');
        const loaded = await startSimulator({ dataset });
        try {
            const r = await fetch(
                `${loaded.url}/api/data/v9.2/contacts(${contact.contactid as string})/entityimage/$value?size=full`,
            );
            expect(Buffer.from(await r.arrayBuffer()).equals(image)).toBe(true);
        } finally {
            await loaded.close();
        }
    });
});
