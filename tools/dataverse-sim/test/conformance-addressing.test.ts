/**
 * Conformance of row addressing: the URL limits of the front end (32 KB direct, 64 KB inside `$batch`, 260-character
 * segments; compose-http-requests-handle-errors.md), key values with characters the service does not take in a key
 * address (define-alternate-keys-entity.md "Unicode characters in key value"), keys with a lookup or a date part
 * (use-alternate-key-reference-record), and duplicate targets in UpsertMultiple / UpdateMultiple (bulk-operations.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { crmSchema } from '../src/data/crm-schema.js';
import type { SimSchema } from '../src/model.js';
import { BOUNDARY, batchBody, boundaryOf, parseMultipart } from './batch-helpers.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

/** The crm schema plus keys with a lookup part (account) and a date part (contact). */
function schemaWithKeys(): SimSchema {
    const schema = crmSchema();
    const account = schema.tables.find((t) => t.logicalName === 'account')!;
    account.keys = [
        ...(account.keys ?? []),
        {
            logicalName: 'new_namecontactkey',
            schemaName: 'new_NameContactKey',
            keyAttributes: ['name', 'primarycontactid'],
        },
    ];
    const contact = schema.tables.find((t) => t.logicalName === 'contact')!;
    contact.keys = [
        { logicalName: 'new_namebirthkey', schemaName: 'new_NameBirthKey', keyAttributes: ['lastname', 'birthdate'] },
    ];
    return schema;
}

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ schema: schemaWithKeys() }));
});
afterAll(() => sim.close());

const type = { '@odata.type': 'Microsoft.Dynamics.CRM.account' };
const QUERY_SYNTAX = { error: { code: '0x80060888', message: 'Bad Request - Error in query syntax.' } };
const INVALID_KEY = (table: string) => ({
    error: {
        code: '0x80060888',
        message: `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${table}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${table}'.`,
    },
});

async function batch(ops: Parameters<typeof batchBody>[0]) {
    const r = await client.post(`$batch`, batchBody(ops), {
        'Content-Type': `multipart/mixed; boundary=${BOUNDARY}`,
        Prefer: 'odata.continue-on-error',
    });
    expect(r.status).toBe(200);
    return parseMultipart(r.text, boundaryOf(r.headers.get('Content-Type')!));
}

/** `accounts?$select=name&$filter=name eq 'xx…'`, exactly `length` characters of absolute URL. */
function filterUrl(length: number): string {
    const head = `${client.api}accounts?$select=name&$filter=name%20eq%20%27`;
    return `${head}${'x'.repeat(length - head.length - 3)}%27`;
}

describe('URL length (compose-http-requests-handle-errors.md "Maximum URL length")', () => {
    it('answers a direct GET of up to 32,768 characters and refuses a longer one with the front end 414 page', async () => {
        const near = filterUrl(32_768);
        expect((await client.get(near)).status).toBe(200);
        const over = filterUrl(32_769);
        const r = await client.get(over);
        expect(r.status).toBe(414);
        expect(r.headers.get('Content-Type')).toBe('text/html; charset=us-ascii');
        expect(r.text).toContain('HTTP Error 414. The request URL is too long.');
    });

    it('takes a GET of up to 65,536 characters inside $batch and answers a longer one with 414 in its part', async () => {
        const [ok, long] = await batch([
            { method: 'GET', url: filterUrl(65_536) },
            { method: 'GET', url: filterUrl(65_537) },
        ]);
        expect(ok!.status).toBe(200);
        expect(long!.status).toBe(414);
        expect(long!.body).toContain('HTTP Error 414. The request URL is too long.');
    });

    it('refuses a direct segment over 260 characters with 400 Invalid URL, and takes it inside $batch', async () => {
        const key = 'K'.repeat(280);
        const direct = await client.patch(`accounts(accountnumber='${key}')`, { name: 'long' });
        expect(direct.status).toBe(400);
        expect(direct.text).toContain('<h2>Bad Request - Invalid URL</h2>');
        expect(direct.text).toContain('HTTP Error 400. The request URL is invalid.');
        expect(sim.dump('account').some((a) => a.accountnumber === key)).toBe(false);
        const [part] = await batch([
            { method: 'PATCH', url: `accounts(accountnumber='${key}')`, body: { name: 'long' } },
        ]);
        expect(part!.status).toBe(204);
        expect(sim.dump('account').find((a) => a.accountnumber === key)?.name).toBe('long');
    });
});

describe('key values in URLs (define-alternate-keys-entity.md "Unicode characters in key value")', () => {
    it('takes a percent-encoded space in a $batch request line and refuses a raw one', async () => {
        const [encoded] = await batch([
            { method: 'PATCH', url: `accounts(accountnumber='SP%20ACE')`, body: { name: 'sp' } },
        ]);
        expect(encoded!.status).toBe(204);
        expect(sim.dump('account').find((a) => a.accountnumber === 'SP ACE')?.name).toBe('sp');
        const raw = await client.post(
            `$batch`,
            batchBody([{ method: 'PATCH', url: `accounts(accountnumber='SP ACE')`, body: {} }]),
            {
                'Content-Type': `multipart/mixed; boundary=${BOUNDARY}`,
            },
        );
        expect(raw.status).toBe(400);
        expect(raw.json.error.message).toMatch(/^The batch part has no valid request line/);
    });

    it.each(['A/1', 'A<1', 'A>1', 'A*1', 'A%1', 'A&1', 'A:1', 'A\\1', 'A?1', 'A+1'])(
        'refuses the key value %s in a URL, encoded or not, and finds it with $filter',
        async (value) => {
            const id = await client.create('accounts', { name: `unsafe ${value}`, accountnumber: value });
            const encoded = encodeURIComponent(value);
            const direct = await client.patch(`accounts(accountnumber='${encoded}')`, { name: 'changed' });
            expect(direct.status).toBe(400);
            expect(direct.json).toEqual(QUERY_SYNTAX);
            const [part] = await batch([
                { method: 'PATCH', url: `accounts(accountnumber='${encoded}')`, body: { name: 'x' } },
            ]);
            expect(part!.status).toBe(400);
            const upsert = await client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
                Targets: [{ ...type, '@odata.id': `accounts(accountnumber='${encoded}')`, name: 'x' }],
            });
            expect(upsert.status).toBe(400);
            expect(upsert.json).toEqual(QUERY_SYNTAX);
            const bind = await client.post('contacts', {
                lastname: 'child',
                'parentcustomerid_account@odata.bind': `/accounts(accountnumber='${encoded}')`,
            });
            expect(bind.status).toBe(400);
            expect(sim.dump('account').find((a) => a.accountid === id)?.name).toBe(`unsafe ${value}`);
            const found = await client.get(
                `accounts?$select=accountid&$filter=accountnumber eq '${encodeURIComponent(value.replace(/'/g, "''"))}'`,
            );
            expect(found.status).toBe(200);
            expect(found.json.value.map((r: { accountid: string }) => r.accountid)).toEqual([id]);
        },
    );

    it('resolves a raw /../ in a key value as a path: the request lands on another resource', async () => {
        const contact = await client.create('contacts', { lastname: 'victim' });
        const [part] = await batch([
            {
                method: 'PATCH',
                url: `accounts(accountnumber='x/../contacts(${contact})?')`,
                body: { lastname: 'hijacked' },
            },
        ]);
        expect(part!.status).toBe(204);
        expect(sim.dump('contact').find((c) => c.contactid === contact)?.lastname).toBe('hijacked');
    });
});

describe('keys with a lookup or a date part (use-alternate-key-reference-record)', () => {
    it('addresses a lookup key part as _x_value=<id>, never by the column name', async () => {
        const contact = await client.create('contacts', { lastname: 'Primary' });
        const byColumn = await client.patch(`accounts(name='Keyed',primarycontactid=${contact})`, { telephone1: '1' });
        expect(byColumn.status).toBe(400);
        expect(byColumn.json).toEqual(INVALID_KEY('account'));
        const byValue = await client.patch(`accounts(name='Keyed',_primarycontactid_value=${contact})`, {
            telephone1: '2',
        });
        expect(byValue.status).toBe(204);
        const row = sim.dump('account').find((a) => a.name === 'Keyed')!;
        expect(row.primarycontactid).toEqual({ id: contact, table: 'contact' });
        const again = await client.get(`accounts(name='Keyed',_primarycontactid_value=${contact})?$select=telephone1`);
        expect(again.json.telephone1).toBe('2');
    });

    it('takes a DateTime key part as an unquoted literal and refuses a quoted one', async () => {
        const quoted = await client.patch(`contacts(lastname='Born',birthdate='1990-05-01T00:00:00Z')`, {
            firstname: 'q',
        });
        expect(quoted.status).toBe(400);
        expect(quoted.json).toEqual(INVALID_KEY('contact'));
        const bare = await client.patch(`contacts(lastname='Born',birthdate=1990-05-01T00:00:00Z)`, { firstname: 'b' });
        expect(bare.status).toBe(204);
        const again = await client.get(`contacts(lastname='Born',birthdate=1990-05-01T00:00:00Z)?$select=firstname`);
        expect(again.json.firstname).toBe('b');
    });
});

describe('duplicate targets (bulk-operations.md "Duplicate records in ... Targets parameter")', () => {
    it('refuses UpsertMultiple with two targets of one alternate key, writing nothing', async () => {
        const before = sim.dump('account').length;
        const r = await client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [
                { ...type, '@odata.id': `accounts(accountnumber='DUP-1')`, name: 'first' },
                { ...type, '@odata.id': `accounts(accountnumber='dup-1')`, name: 'second' },
            ],
        });
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('0x80040203');
        expect(r.json.error.message).toMatch(/^Multiple records with the same primary key or alternate key values/);
        expect(sim.dump('account')).toHaveLength(before);
    });

    it('applies only the first of two UpdateMultiple targets with one id', async () => {
        const id = await client.create('accounts', { name: 'orig' });
        const r = await client.post('accounts/Microsoft.Dynamics.CRM.UpdateMultiple', {
            Targets: [
                { ...type, accountid: id, name: 'first' },
                { ...type, accountid: id, name: 'second' },
            ],
        });
        expect(r.status).toBe(204);
        expect(sim.dump('account').find((a) => a.accountid === id)?.name).toBe('first');
    });
});
