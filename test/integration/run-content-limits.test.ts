/**
 * Target limits on content: a file column that takes less in the target (MaxSizeInKB), a smaller
 * organization.maxuploadfilesize and an extension the target blocks are warnings of the plan; at run time each row
 * they hit fails with the service's code and message, and the run goes on.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema } from 'dataverse-sim';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { BLOCK_SIZE, uploadBlocks, type ContentRef } from '../../src/dataverse/content/index.js';
import { dvm, runJson, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

function* blocksOf(bytes: Buffer): Iterable<Buffer> {
    for (let at = 0; at < bytes.length; at += BLOCK_SIZE) yield bytes.subarray(at, at + BLOCK_SIZE);
}

/** The crm schema whose account.sample_contract takes at most 1 MB. */
function smallFiles() {
    const schema = crmSchema();
    const account = schema.tables.find((t) => t.logicalName === 'account')!;
    const column = account.attributes.find((a) => a.logicalName === 'sample_contract')!;
    column.maxSizeInKB = 1024;
    return schema;
}

async function setOrg(client: DataverseWriteClient, values: Record<string, unknown>): Promise<void> {
    const org = await client.get<{ value: Array<{ organizationid: string }> }>('organizations?$select=organizationid');
    await client.update(
        { logicalName: 'organization', entitySetName: 'organizations' },
        org.value[0]!.organizationid,
        values,
    );
}

describe('content limits of the target', () => {
    let pair: Pair;
    let specPath: string;
    const accounts = [randomUUID(), randomUUID()];
    const notes = [randomUUID(), randomUUID()];

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 0, seed: 8 },
            { schema: smallFiles(), rows: 0, seed: 8, empty: true },
        );
        const source = createDataverseClient({ url: pair.source.url });
        const target = createDataverseClient({ url: pair.target.url });
        await setOrg(source, { maxuploadfilesize: 10 * 1024 * 1024, blockedattachments: 'exe;bat' });
        await setOrg(target, { maxuploadfilesize: 5 * 1024 * 1024, blockedattachments: 'exe;bat;pdf' });
        for (const id of accounts)
            await source.create({ logicalName: 'account', entitySetName: 'accounts' }, id, { name: `limits ${id}` });
        const file = (id: string): ContentRef => ({
            kind: 'column',
            table: 'account',
            primaryId: 'accountid',
            id,
            column: 'sample_contract',
        });
        await uploadBlocks(source, file(accounts[0]!), { fileName: 'big.bin' }, blocksOf(randomBytes(2 * 1024 * 1024)));
        await uploadBlocks(source, file(accounts[1]!), { fileName: 'small.bin' }, blocksOf(randomBytes(1000)));
        const note = (id: string, name: string) =>
            uploadBlocks(
                source,
                { kind: 'annotation', id },
                {
                    fileName: name,
                    columns: { subject: name, 'objectid_account@odata.bind': `/accounts(${accounts[0]!})` },
                },
                blocksOf(randomBytes(500)),
            );
        await note(notes[0]!, 'report.pdf');
        await note(notes[1]!, 'report.txt');
        specPath = await writeSpec(pair, { name: 'limits', tables: [{ name: 'account' }, { name: 'annotation' }] });
    });
    afterAll(() => pair?.close());

    it('lists what will not fit as warnings of the plan', async () => {
        const { code, stdout } = await dvm(pair, ['plan', '--spec', specPath, '--json']);
        expect(code).toBe(0);
        const messages: string[] = JSON.parse(stdout).warnings.map((w: { message: string }) => w.message);
        expect(messages).toContainEqual(
            "'account.sample_contract': the target takes files up to 1024 KB (MaxSizeInKB), the source up to 32768 KB: larger ones fail their rows",
        );
        expect(messages).toContainEqual(
            "'annotation': the target takes note and attachment bodies up to 5242880 bytes (organization.maxuploadfilesize), the source up to 10485760: larger ones fail their rows",
        );
        expect(messages).toContainEqual(
            'the target blocks file extensions the source allows (organization.blockedattachments): pdf; notes and files named so fail their rows (account, annotation)',
        );
    });

    it('fails the rows they hit with the service error, and copies the others', async () => {
        const run = await runJson(pair, specPath);
        expect(run.summary.tables.account.content).toMatchObject({ read: 2, written: 1, failed: 1 });
        // A note's file name travels with its row: the blocked one fails there, the other's body is copied.
        expect(run.summary.tables.annotation.copy).toMatchObject({ read: 2, written: 1, failed: 1 });
        expect(run.summary.tables.annotation.content).toMatchObject({ read: 1, written: 1, failed: 0 });
        const errors = (
            await Promise.all(
                run.summary.log.errors.map((e: string) => readFile(join(run.summary.log.location, e), 'utf8')),
            )
        ).join('\n');
        expect(errors).toContain(accounts[0]);
        expect(errors).toMatch(/0x80044a02.*Attachment file size is too big\./);
        expect(errors).toContain(notes[0]);
        expect(errors).toMatch(/0x80043e09/);
    });
});
