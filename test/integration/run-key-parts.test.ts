/**
 * Tables matched on alternate keys with a date part and with a lookup part, end to end through the CLI against
 * simulators that refuse quoted dates and lookup column names in key predicates (tools/dataverse-sim
 * conformance-addressing.test.ts): the copy reads `_x_value`, addresses the lookup part by the target id of the row
 * it points to and the date part as a bare literal, sets states through those keys, and a re-run writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, type SimSchema } from 'dataverse-sim';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

function schema(): SimSchema {
    const s = crmSchema();
    const account = s.tables.find((t) => t.logicalName === 'account')!;
    account.keys = [
        {
            logicalName: 'new_namecontactkey',
            schemaName: 'new_NameContactKey',
            keyAttributes: ['name', 'primarycontactid'],
        },
    ];
    const contact = s.tables.find((t) => t.logicalName === 'contact')!;
    contact.keys = [
        { logicalName: 'new_namebirthkey', schemaName: 'new_NameBirthKey', keyAttributes: ['lastname', 'birthdate'] },
    ];
    return s;
}

const ANN = 'c1000000-0000-4000-8000-000000000001';
const BOB = 'c2000000-0000-4000-8000-000000000002';
const ACME_ANN = 'a1000000-0000-4000-8000-000000000001';
const ACME_BOB = 'a2000000-0000-4000-8000-000000000002';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: schema(), rows: 0, seed: 5 },
        { schema: schema(), rows: 0, seed: 5, empty: true },
    );
    await api(pair.source, 'POST', 'contacts', {
        contactid: ANN,
        lastname: 'Ann',
        birthdate: '1990-05-01T00:00:00Z',
        firstname: 'a',
    });
    await api(pair.source, 'POST', 'contacts', { contactid: BOB, lastname: 'Bob', birthdate: '1985-01-31T12:30:00Z' });
    await api(pair.source, 'PATCH', `contacts(${BOB})`, { statecode: 1, statuscode: 2 });
    // Two accounts of one name, told apart by their primary contact.
    for (const [id, contact] of [
        [ACME_ANN, ANN],
        [ACME_BOB, BOB],
    ] as const)
        await api(pair.source, 'POST', 'accounts', {
            accountid: id,
            name: 'Acme',
            telephone1: id.slice(0, 2),
            'primarycontactid@odata.bind': `/contacts(${contact})`,
        });
    await api(pair.source, 'PATCH', `accounts(${ACME_BOB})`, { statecode: 1, statuscode: 2 });
    specPath = await writeSpec(pair, {
        name: 'key-parts',
        tables: [
            {
                name: 'contact',
                match: 'new_namebirthkey',
                columns: ['lastname', 'birthdate', 'firstname', 'statecode', 'statuscode'],
            },
            {
                name: 'account',
                match: 'new_namecontactkey',
                columns: ['name', 'primarycontactid', 'telephone1', 'statecode', 'statuscode'],
            },
        ],
    });
});
afterAll(() => pair?.close());

describe('keys with a date part and a lookup part', () => {
    it('copies both tables by key, each lookup part bound to the target row it points to, states set', async () => {
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason ?? summary).toBe(0);
        expect(summary.tables.contact.copy).toMatchObject({ read: 2, written: 2, failed: 0 });
        expect(summary.tables.account.copy).toMatchObject({ read: 2, written: 2, failed: 0 });
        const contacts = new Map((pair.target.dump('contact') as any[]).map((c) => [c.lastname, c]));
        expect(contacts.get('Bob')).toMatchObject({ birthdate: '1985-01-31T12:30:00Z', statecode: 1 });
        expect(contacts.get('Ann').contactid).not.toBe(ANN); // the target's own ids
        const accounts = new Map((pair.target.dump('account') as any[]).map((a) => [a.primarycontactid?.id, a]));
        expect(accounts.get(contacts.get('Ann').contactid)).toMatchObject({
            name: 'Acme',
            telephone1: 'a1',
            statecode: 0,
        });
        expect(accounts.get(contacts.get('Bob').contactid)).toMatchObject({
            name: 'Acme',
            telephone1: 'a2',
            statecode: 1,
        });
    });

    it('writes nothing when run again, and verify finds the tables identical', async () => {
        const written = pair.target.stats().rowsWritten;
        const { summary } = await runJson(pair, specPath);
        expect(summary.tables.account.copy.unchanged).toBe(2);
        expect(summary.tables.contact.copy.unchanged).toBe(2);
        expect(pair.target.stats().rowsWritten).toBe(written);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
