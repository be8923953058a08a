import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { crmSchema, startSimulator, type SimRow, type Simulator } from 'dataverse-sim';
import { createDataverseClient, type Row, type WriteTable } from '../../src/dataverse/index.js';
import { FAST_RETRY, STORM_LIMITS, STORM_TIME_SCALE } from './dataverse-helpers.js';

const ACCOUNT: WriteTable = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };
const CONTACT: WriteTable = { logicalName: 'contact', entitySetName: 'contacts', primaryIdAttribute: 'contactid' };
const LEAD: WriteTable = { logicalName: 'lead', entitySetName: 'leads', primaryIdAttribute: 'leadid' };

/** The crm schema where contact has no UpsertMultiple, as some standard tables on the real service. */
function crmWithoutContactBulk() {
    const schema = crmSchema();
    const contact = schema.tables.find((t) => t.logicalName === 'contact');
    if (!contact) throw new Error('crm schema has no contact');
    contact.bulkOperations = false;
    return schema;
}

function newAccounts(n: number, tag: string): Row[] {
    return Array.from({ length: n }, (_, i) => ({
        accountid: randomUUID(),
        name: `${tag} account ${i}`,
        numberofemployees: i,
    }));
}

function byId(rows: SimRow[], idColumn: string): Map<string, SimRow> {
    return new Map(rows.map((row) => [row[idColumn] as string, row]));
}

let sim: Simulator | undefined;
afterEach(async () => {
    await sim?.close();
    sim = undefined;
});

describe('upsertMultiple', () => {
    it('creates and updates rows with UpsertMultiple in chunks, one result per row', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 100, seed: 2 });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 25 });
        const existing = sim.dump('account').slice(0, 10);
        const rows = [
            ...newAccounts(90, 'new'),
            ...existing.map((row) => ({ accountid: row.accountid as string, name: `renamed ${row.name as string}` })),
        ];
        const results = await client.upsertMultiple(ACCOUNT, rows);
        expect(results.map((r) => r.index)).toEqual(rows.map((_, i) => i));
        expect(results.every((r) => r.ok)).toBe(true);
        // 100 rows in chunks of 25 = 4 UpsertMultiple requests, no fallback.
        expect(client.stats().attempts).toBe(4);
        const stored = byId(sim.dump('account'), 'accountid');
        for (const row of rows) expect(stored.get(row.accountid as string)?.name).toBe(row.name);
    });

    it('goes row by row for a chunk the service rejects, and reports the failing row', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 0 });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 10 });
        const rows = newAccounts(20, 'mixed');
        const bad = rows[13] as Row;
        bad.name = 'x'.repeat(161); // longer than account.name's 160
        const results = await client.upsertMultiple(ACCOUNT, rows);
        expect(results.filter((r) => !r.ok)).toEqual([
            expect.objectContaining({ index: 13, ok: false, status: 400, code: '0x80044331' }),
        ]);
        expect(results.filter((r) => !r.ok)[0]?.message).toMatch(/length/);
        const stored = byId(sim.dump('account'), 'accountid');
        expect(stored.size).toBe(19);
        expect(stored.has(bad.accountid as string)).toBe(false);
    });

    it('falls back to $batch PATCH upserts for a table without UpsertMultiple', async () => {
        sim = await startSimulator({ schema: crmWithoutContactBulk(), rows: 60, seed: 4 });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 15 });
        const accounts = sim.dump('account').map((row) => row.accountid as string);
        const rows: Row[] = Array.from({ length: 45 }, (_, i) => ({
            contactid: randomUUID(),
            lastname: `Batch ${i}`,
            'parentcustomerid_account@odata.bind': `/accounts(${accounts[i % accounts.length] ?? ''})`,
        }));
        // One row points at an account that does not exist: only that row fails.
        rows[7] = {
            ...rows[7],
            'parentcustomerid_account@odata.bind': '/accounts(00000000-0000-0000-0000-0000000000aa)',
        };
        const results = await client.upsertMultiple(CONTACT, rows, {
            bypass: { businessLogic: ['CustomSync'], powerAutomateFlows: true },
        });
        expect(results).toHaveLength(45);
        expect(results.filter((r) => !r.ok).map((r) => [r.index, r.status, r.code])).toEqual([[7, 404, '0x80040217']]);
        const stored = byId(sim.dump('contact'), 'contactid');
        rows.forEach((row, i) => {
            const contact = stored.get(row.contactid as string);
            if (i === 7) return expect(contact).toBeUndefined();
            expect(contact?.lastname).toBe(row.lastname);
            expect(contact?.parentcustomerid).toEqual({ id: accounts[i % accounts.length], table: 'account' });
        });
        // The first chunk tried UpsertMultiple once; after the "not supported" answer the rest went straight to $batch.
        expect(client.stats().attempts).toBe(1 + 3);
    });

    it('reports rows that cannot be addressed without sending them', async () => {
        sim = await startSimulator({ schema: crmWithoutContactBulk(), rows: 0 });
        const client = createDataverseClient({ url: sim.url });
        const results = await client.upsertMultiple(CONTACT, [
            { lastname: 'no id' },
            { contactid: randomUUID(), lastname: 'ok' },
        ]);
        expect(results[0]).toMatchObject({ index: 0, ok: false });
        expect(results[0]?.message).toContain('contactid');
        expect(results[1]).toMatchObject({ index: 1, ok: true });
    });
});

describe('updateMultiple', () => {
    it('updates existing rows with UpdateMultiple, never creates, and reports a missing row alone', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 100, seed: 12 });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 10 });
        const existing = sim.dump('account').slice(0, 20);
        expect(existing).toHaveLength(20);
        const missing = randomUUID();
        const rows: Row[] = existing.map((row) => ({
            accountid: row.accountid as string,
            name: `updated ${row.name as string}`,
        }));
        rows.splice(15, 0, { accountid: missing, name: 'must not be created' });
        const results = await client.updateMultiple(ACCOUNT, rows);
        expect(results.map((r) => r.index)).toEqual(rows.map((_, i) => i));
        expect(results.filter((r) => !r.ok)).toEqual([
            expect.objectContaining({ index: 15, ok: false, status: 404, code: '0x80040217' }),
        ]);
        const stored = byId(sim.dump('account'), 'accountid');
        expect(stored.has(missing)).toBe(false);
        for (const row of rows.filter((r) => r.accountid !== missing)) {
            expect(stored.get(row.accountid as string)?.name).toBe(row.name);
        }
        // 21 rows in chunks of 10: three UpdateMultiple requests; the one holding the missing row answered 404 and
        // went again as one $batch of PATCHes with If-Match: *.
        expect(client.stats().attempts).toBe(3 + 1);
    });

    it('falls back to $batch PATCH with If-Match for a table without UpdateMultiple', async () => {
        sim = await startSimulator({ schema: crmWithoutContactBulk(), rows: 60, seed: 13 });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 8 });
        const contacts = sim.dump('contact').slice(0, 20);
        const rows: Row[] = contacts.map((row, i) => ({
            contactid: row.contactid as string,
            lastname: `Patched ${i}`,
        }));
        rows.push({ contactid: randomUUID(), lastname: 'gone' }, { lastname: 'no id' });
        const results = await client.updateMultiple(CONTACT, rows, { bypass: { powerAutomateFlows: true } });
        expect(results.filter((r) => !r.ok).map((r) => [r.index, r.status, r.code])).toEqual([
            [20, 404, '0x80040217'],
            [21, 400, undefined],
        ]);
        expect(results[21]?.message).toMatch(/no contactid and no @odata.id, so it cannot be updated/);
        const stored = byId(sim.dump('contact'), 'contactid');
        expect(stored.size).toBe(sim.dump('contact').length);
        contacts.forEach((row, i) => expect(stored.get(row.contactid as string)?.lastname).toBe(`Patched ${i}`));
        // One UpdateMultiple probe answered "not supported"; then 3 $batch requests for 22 rows in chunks of 8.
        expect(client.stats().attempts).toBe(1 + 3);
    });
});

describe('deleteMultiple', () => {
    it('deletes by id in $batch chunks; a row already gone is ok, an unusable id fails alone', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 300, seed: 14 });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 7 });
        const before = sim.dump('account').map((row) => row.accountid as string);
        const doomed = before.slice(0, 20);
        const ids = [...doomed, '00000000-0000-0000-0000-0000000000cc', 'not-an-id'];
        const results = await client.deleteMultiple(ACCOUNT, ids);
        expect(results.map((r) => r.index)).toEqual(ids.map((_, i) => i));
        expect(results.slice(0, 20).every((r) => r.ok && r.status === 204)).toBe(true);
        expect(results[20]).toEqual({ index: 20, ok: true, status: 404, unchanged: true });
        expect(results[21]).toMatchObject({ index: 21, ok: false, status: 400 });
        expect(results[21]?.message).toMatch(/neither a GUID/);
        const after = new Set(sim.dump('account').map((row) => row.accountid as string));
        expect(doomed.filter((id) => after.has(id))).toEqual([]);
        expect(after.size).toBe(before.length - doomed.length);
        // 22 ids in chunks of 7: the last chunk holds only the unusable id, so 3 $batch requests.
        expect(client.stats().attempts).toBe(3);

        // A retried delete of the same rows is not an error: nothing to do.
        const again = await client.deleteMultiple(ACCOUNT, doomed);
        expect(again.every((r) => r.ok && r.unchanged && r.status === 404)).toBe(true);
    });
});

describe('single-row writes and associations', () => {
    it('upserts, updates, creates, deletes and associates with the documented semantics', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 50, seed: 8 });
        const client = createDataverseClient({ url: sim.url });
        const id = randomUUID();
        await client.upsert(ACCOUNT, id, { name: 'one' });
        await client.update(ACCOUNT, id, { name: 'two' });
        await expect(client.create(ACCOUNT, id, { name: 'three' })).rejects.toMatchObject({ status: 412 });
        await expect(client.update(ACCOUNT, randomUUID(), { name: 'x' })).rejects.toMatchObject({
            status: 404,
            code: '0x80040217',
        });
        const created = randomUUID();
        await client.create(ACCOUNT, created, { name: 'fresh' });
        expect(byId(sim.dump('account'), 'accountid').get(created)?.name).toBe('fresh');
        expect(byId(sim.dump('account'), 'accountid').get(id)?.name).toBe('two');

        const leads = sim.dump('lead').map((row) => row.leadid as string);
        const related = (): string[] =>
            sim!
                .dump('accountleads')
                .filter((row) => row.accountid === id)
                .map((row) => row.leadid as string)
                .sort();
        await client.associate(ACCOUNT, id, 'accountleads_association', LEAD, leads[0] as string);
        await client.associate(ACCOUNT, id, 'accountleads_association', LEAD, leads[0] as string); // already related: ok
        const many = await client.associateMany(ACCOUNT, 'accountleads_association', LEAD, [
            [id, leads[0] as string],
            [id, leads[1] as string],
            [id, leads[2] as string],
            [id, '00000000-0000-0000-0000-0000000000bb'],
        ]);
        expect(many.map((r) => r.ok)).toEqual([true, true, true, false]);
        expect(many[3]?.code).toBe('0x80040217');
        expect(related()).toEqual([leads[0], leads[1], leads[2]].sort());
        expect(await client.disassociate(ACCOUNT, id, 'accountleads_association', leads[1] as string)).toBe(true);
        expect(related()).toEqual([leads[0], leads[2]].sort());

        expect(await client.delete(ACCOUNT, id)).toBe(true);
        expect(await client.delete(ACCOUNT, id)).toBe(false);
        expect(byId(sim.dump('account'), 'accountid').has(id)).toBe(false);
    });
});

describe('writes under a 429 storm, 5xx bursts and connection resets', () => {
    it('applies every write exactly as sent through 429s and 503s (the service did not take those requests)', async () => {
        sim = await startSimulator({
            schema: crmWithoutContactBulk(),
            rows: 100,
            seed: 6,
            limits: STORM_LIMITS,
            timeScale: STORM_TIME_SCALE,
            faults: {
                seed: 3,
                // Nothing happened: sending again is safe, and the client does.
                unavailable: { rate: 0.15, retryAfterSeconds: 1 },
            },
        });
        const client = createDataverseClient({
            url: sim.url,
            maxConcurrency: 16,
            writeBatchSize: 20,
            retry: FAST_RETRY,
        });
        const accounts = newAccounts(300, 'storm');
        const contacts: Row[] = accounts.slice(0, 120).map((account, i) => ({
            contactid: randomUUID(),
            lastname: `Storm ${i}`,
            'parentcustomerid_account@odata.bind': `/accounts(${account.accountid as string})`,
        }));
        const accountResults = await client.upsertMultiple(ACCOUNT, accounts);
        const contactResults = await client.upsertMultiple(CONTACT, contacts);
        expect(accountResults.every((r) => r.ok)).toBe(true);
        expect(contactResults.every((r) => r.ok)).toBe(true);

        const storedAccounts = byId(sim.dump('account'), 'accountid');
        for (const row of accounts) {
            expect(storedAccounts.get(row.accountid as string)).toMatchObject({
                name: row.name,
                numberofemployees: row.numberofemployees,
            });
        }
        const storedContacts = byId(sim.dump('contact'), 'contactid');
        contacts.forEach((row, i) => {
            expect(storedContacts.get(row.contactid as string)).toMatchObject({
                lastname: row.lastname,
                parentcustomerid: { id: accounts[i]?.accountid, table: 'account' },
            });
        });
        const stats = client.stats();
        // A 503 says the environment is away for now: waited out within the outage budget, holding every caller, so
        // how many 429s the concurrency limit still gives depends on timing; no transient retry either way.
        expect(stats.outageRetries).toBeGreaterThan(0);
        expect(stats.transientRetries).toBe(0);
        // The one failed request is contact's UpsertMultiple answering "not supported"; nothing gave up.
        expect(stats.failed).toBe(1);
    });

    it('reports a write whose answer was lost as ambiguous and never sends it again', async () => {
        sim = await startSimulator({
            schema: 'crm',
            rows: 0,
            seed: 6,
            // Every fault comes after the work: each request the client sees fail was applied.
            faults: {
                seed: 5,
                serverError: { rate: 0.25, statuses: [500, 502, 504], afterWorkShare: 1 },
                reset: { rate: 0.15, afterBytes: [0, 200] },
            },
        });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 10, retry: FAST_RETRY });
        const accounts = newAccounts(200, 'lost');
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        const ambiguous = results.filter((r) => r.ambiguous);
        expect(ambiguous.length).toBeGreaterThan(0);
        expect(results.every((r) => r.ok || r.ambiguous)).toBe(true);
        expect(ambiguous[0]).toMatchObject({ ok: false, message: expect.any(String) });
        // One request per chunk of 10, none sent again, and every row applied once.
        expect(sim.stats().requests).toBe(20);
        expect(sim.stats().methods).toEqual({ POST: 20 });
        expect(sim.stats().rowsWritten).toBe(200);
        expect(sim.dump('account')).toHaveLength(200);

        // The same for $batch writes: deletes whose answer was lost are ambiguous, none is sent twice.
        sim.resetStats();
        const deleted = await client.deleteMultiple(
            ACCOUNT,
            accounts.map((a) => a.accountid as string),
        );
        expect(deleted.some((r) => r.ambiguous)).toBe(true);
        expect(deleted.every((r) => (r.ok && !r.unchanged) || r.ambiguous)).toBe(true);
        expect(sim.stats().requests).toBe(20);
        expect(sim.dump('account')).toHaveLength(0);
    });
});
