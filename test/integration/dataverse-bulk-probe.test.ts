/**
 * Bulk support asked once per table (the documented sdkmessagefilters query) instead of learnt by failing a chunk:
 * the plan records and shows it, a table without the message goes straight to `$batch`, one with it sends every chunk
 * at once, and a table the answer says takes it but whose chunk the service still refuses falls back row by row.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, startSimulator, type Simulator } from 'dataverse-sim';
import { bulkSupport } from '../../src/dataverse/bulk-support.js';
import { createDataverseClient, type Row, type WriteTable } from '../../src/dataverse/index.js';
import { preparePlan } from '../../src/plan/prepare.js';
import { renderPlan } from '../../src/plan/summary.js';
import { validateSpec } from '../../src/spec/index.js';

const ACCOUNT: WriteTable = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };
const CONTACT: WriteTable = { logicalName: 'contact', entitySetName: 'contacts', primaryIdAttribute: 'contactid' };

/** The crm schema where contact has no bulk messages, as some standard tables on the real service. */
function crmWithoutContactBulk() {
    const schema = crmSchema();
    schema.tables.find((t) => t.logicalName === 'contact')!.bulkOperations = false;
    return schema;
}

const contacts = (n: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({ contactid: randomUUID(), lastname: `probe ${i}` }));
const accounts = (n: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({ accountid: randomUUID(), name: `a ${i}` }));

let source: Simulator;
let target: Simulator;

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: crmWithoutContactBulk(), rows: 20, seed: 3 }),
        startSimulator({ schema: crmWithoutContactBulk(), rows: 20, seed: 3, empty: true }),
    ]);
});
afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

describe('bulk support, asked once', () => {
    it('asks the documented query per message: account takes both, contact neither', async () => {
        const client = createDataverseClient({ url: target.url });
        expect(await bulkSupport(client, 'account')).toEqual({ UpsertMultiple: true, UpdateMultiple: true });
        expect(await bulkSupport(client, 'contact')).toEqual({ UpsertMultiple: false, UpdateMultiple: false });
        expect(client.stats().attempts).toBe(4);
    });

    it('the plan records it per table and shows it', async () => {
        const checked = validateSpec({
            name: 'probe',
            source: { url: source.url },
            target: { url: target.url },
            tables: [{ name: 'account' }, { name: 'contact' }],
        });
        if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
        const clients = {
            source: createDataverseClient({ url: source.url }),
            target: createDataverseClient({ url: target.url }),
        };
        const { plan } = await preparePlan(checked.spec, clients, { matchReferences: false });
        expect(plan.problems).toEqual([]);
        expect(plan.tables.account!.bulkWrites).toEqual({ UpsertMultiple: true, UpdateMultiple: true });
        expect(plan.tables.contact!.bulkWrites).toEqual({ UpsertMultiple: false, UpdateMultiple: false });
        const text = renderPlan(plan);
        expect(text).toMatch(/account .*bulk: UpsertMultiple, UpdateMultiple/);
        expect(text).toMatch(/contact .*no bulk messages: \$batch/);
    });

    it('a table without the message goes straight to $batch: no chunk fails first', async () => {
        const client = createDataverseClient({ url: target.url, writeBatchSize: 10 });
        const results = await client.upsertMultiple({ ...CONTACT, bulk: { UpsertMultiple: false } }, contacts(30));
        expect(results.every((r) => r.ok)).toBe(true);
        expect(client.stats()).toMatchObject({ attempts: 3, failed: 0 });
        // Learnt by failing, as before, without the answer: the first chunk's UpsertMultiple fails once.
        const learning = createDataverseClient({ url: target.url, writeBatchSize: 10 });
        expect((await learning.upsertMultiple(CONTACT, contacts(30))).every((r) => r.ok)).toBe(true);
        expect(learning.stats()).toMatchObject({ attempts: 4, failed: 1 });
    });

    it('a table with the message sends every chunk at once with it', async () => {
        const client = createDataverseClient({ url: target.url, writeBatchSize: 10 });
        const results = await client.upsertMultiple({ ...ACCOUNT, bulk: { UpsertMultiple: true } }, accounts(40));
        expect(results.every((r) => r.ok)).toBe(true);
        expect(client.stats()).toMatchObject({ attempts: 4, failed: 0 });
    });

    it('falls back row by row when the service refuses a message the answer said it takes', async () => {
        const client = createDataverseClient({ url: target.url, writeBatchSize: 10 });
        const rows = contacts(20);
        const results = await client.upsertMultiple({ ...CONTACT, bulk: { UpsertMultiple: true } }, rows);
        expect(results.every((r) => r.ok)).toBe(true);
        const stored = new Set(target.dump('contact').map((c) => c.contactid as string));
        expect(rows.every((r) => stored.has(r.contactid as string))).toBe(true);
        expect(client.stats().failed).toBeGreaterThan(0);
    });
});
