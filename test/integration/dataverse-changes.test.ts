import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import {
    createDataverseClient,
    isExpiredDeltaToken,
    type ChangePage,
    type DataverseWriteClient,
    type WriteTable,
} from '../../src/dataverse/index.js';
import { duplicates } from './dataverse-helpers.js';

const ACCOUNT: WriteTable = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };

async function readAll(
    client: DataverseWriteClient,
    options: { pageSize?: number; deltaLink?: string } = {},
): Promise<ChangePage[]> {
    const pages: ChangePage[] = [];
    for await (const page of client.readChanges('accounts', { select: ['accountid', 'name'] }, options)) {
        pages.push(page);
    }
    return pages;
}

const ids = (pages: ChangePage[]) => pages.flatMap((page) => page.rows.map((row) => row.accountid as string));

let sim: Simulator | undefined;
afterEach(async () => {
    await sim?.close();
    sim = undefined;
});

describe('readChanges', () => {
    it('reads every row on the initial read, page by page, with the deltaLink on the last page only', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 600, seed: 21 });
        const client = createDataverseClient({ url: sim.url });
        const expected = sim.dump('account').map((row) => row.accountid as string);
        expect(expected.length).toBeGreaterThan(100);

        const pages = await readAll(client, { pageSize: 40 });
        expect(pages.length).toBe(Math.ceil(expected.length / 40));
        expect(duplicates(ids(pages))).toEqual([]);
        expect(new Set(ids(pages))).toEqual(new Set(expected));
        expect(pages.every((page) => page.deleted.length === 0)).toBe(true);
        expect(pages.slice(0, -1).every((page) => page.deltaLink === undefined)).toBe(true);
        expect(pages.at(-1)?.deltaLink).toMatch(/\$deltatoken=/);
        // The selected columns only (plus the etag the service always sends).
        expect(Object.keys(pages[0]?.rows[0] ?? {}).sort()).toEqual(['@odata.etag', 'accountid', 'name']);
    });

    it('returns created and updated rows, then deleted ids, and a fresh deltaLink each time', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 200, seed: 22 });
        const client = createDataverseClient({ url: sim.url });
        const initial = await readAll(client, { pageSize: 5000 });
        const firstLink = initial.at(-1)?.deltaLink as string;

        const existing = sim.dump('account').map((row) => row.accountid as string);
        const [updatedId, deletedId] = existing as [string, string];
        const createdId = randomUUID();
        await client.upsertMultiple(ACCOUNT, [
            { accountid: updatedId, name: 'changed since the token' },
            { accountid: createdId, name: 'created since the token' },
        ]);
        expect(await client.delete(ACCOUNT, deletedId)).toBe(true);

        const delta = await readAll(client, { pageSize: 5000, deltaLink: firstLink });
        expect(new Set(ids(delta))).toEqual(new Set([updatedId, createdId]));
        expect(delta.find((page) => page.rows.some((row) => row.accountid === updatedId))?.rows).toContainEqual(
            expect.objectContaining({ accountid: updatedId, name: 'changed since the token' }),
        );
        expect(delta.flatMap((page) => page.deleted)).toEqual([deletedId]);
        const secondLink = delta.at(-1)?.deltaLink as string;
        expect(secondLink).toMatch(/\$deltatoken=/);
        expect(secondLink).not.toBe(firstLink);

        // Nothing changed since the second token: one empty page with yet another deltaLink.
        const quiet = await readAll(client, { deltaLink: secondLink });
        expect(quiet.map((page) => [page.rows.length, page.deleted.length])).toEqual([[0, 0]]);
        expect(quiet[0]?.deltaLink).toMatch(/\$deltatoken=/);
    });

    it('fails a token the service does not know with an error isExpiredDeltaToken recognises', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 20, seed: 23 });
        const client = createDataverseClient({ url: sim.url });
        const link = (await readAll(client)).at(-1)?.deltaLink as string;
        // A token for a version the service never issued: refused as not valid, which also means a full read.
        const refused = link.replace(/\$deltatoken=[^&]*/, '$deltatoken=999999999%2101%2f01%2f2020%2000%3a00%3a00');
        const error = await readAll(client, { deltaLink: refused }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', status: 400 });
        expect(isExpiredDeltaToken(error)).toBe(true);
    });

    it('names the table when change tracking is off, and that is not an expired token', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 20, seed: 24 });
        const client = createDataverseClient({ url: sim.url });
        const pages = client.readChanges('accountleadscollection', { select: ['accountleadid'] });
        const error = await (async () => {
            for await (const page of pages) void page;
        })().catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', status: 400 });
        expect((error as Error).message).toMatch(/Change tracking is not enabled/);
        expect(isExpiredDeltaToken(error)).toBe(false);
    });

    it('refuses a deltaLink without a token or of another environment before sending anything', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 0 });
        const client = createDataverseClient({ url: sim.url });
        await expect(readAll(client, { deltaLink: `${sim.url}/api/data/v9.2/accounts?$select=name` })).rejects.toThrow(
            /no \$deltatoken/,
        );
        await expect(
            readAll(client, { deltaLink: 'https://elsewhere.crm.dynamics.com/api/data/v9.2/accounts?$deltatoken=1' }),
        ).rejects.toThrow(/refusing to follow a URL outside/);
        expect(client.stats().attempts).toBe(0);
    });
});

describe('readChanges on large and old deltas', () => {
    it('pages a large delta through nextLinks until the new deltaLink', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 2000, seed: 25 });
        const client = createDataverseClient({ url: sim.url });
        const link = (await readAll(client, { pageSize: 5000 })).at(-1)?.deltaLink as string;
        const accounts = sim.dump('account').map((row) => row.accountid as string);
        expect(accounts.length).toBeGreaterThan(300);
        const changed = accounts.slice(0, 250);
        const removed = accounts.slice(250, 280);
        await client.updateMultiple(
            ACCOUNT,
            changed.map((accountid) => ({ accountid, name: `changed ${accountid}` })),
        );
        const deletions = await client.deleteMultiple(ACCOUNT, removed);
        expect(deletions.every((r) => r.ok && r.status === 204)).toBe(true);

        const delta = await readAll(client, { pageSize: 100, deltaLink: link });
        // 250 changed rows, then 30 deletions, 100 entries a page.
        expect(delta.map((page) => page.rows.length + page.deleted.length)).toEqual([100, 100, 80]);
        expect(delta.slice(0, -1).every((page) => page.deltaLink === undefined)).toBe(true);
        expect(delta.at(-1)?.deltaLink).toMatch(/\$deltatoken=/);
        expect(duplicates(ids(delta))).toEqual([]);
        expect(new Set(ids(delta))).toEqual(new Set(changed));
        expect(delta.flatMap((page) => page.deleted).sort()).toEqual([...removed].sort());
    });

    it("fails a token older than the org's retention with ExpiredVersionStamp, and a full read starts over", async () => {
        sim = await startSimulator({ schema: 'crm', rows: 50, seed: 26 });
        const client = createDataverseClient({ url: sim.url });
        const link = (await readAll(client)).at(-1)?.deltaLink as string;
        sim.advanceClock(8 * 86_400_000); // the default retention is 7 days
        const error = await readAll(client, { deltaLink: link }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'http', status: 400, code: '0x80044352' });
        expect((error as Error).message).toContain('Version stamp associated with the client has expired');
        expect(isExpiredDeltaToken(error)).toBe(true);
        const fresh = await readAll(client);
        expect(ids(fresh).length).toBe(sim.dump('account').length);
        expect(fresh.at(-1)?.deltaLink).toMatch(/\$deltatoken=/);
    });
});
