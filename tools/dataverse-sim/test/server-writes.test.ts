import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 20 }));
});
afterAll(async () => {
    await sim.close();
});

const MISSING = '00000000-0000-0000-0000-0000000000aa';

describe('create', () => {
    it('answers 204 with OData-EntityId, or 201 with the row under return=representation', async () => {
        const r = await client.post('accounts', { name: 'Plain' });
        expect(r.status).toBe(204);
        expect(r.headers.get('OData-EntityId')).toMatch(
            new RegExp(`^${client.api.replace(/[.]/g, '\\.')}accounts\\([0-9a-f-]{36}\\)$`),
        );
        const rep = await client.post('accounts?$select=name', { name: 'Rep' }, { Prefer: 'return=representation' });
        expect(rep.status).toBe(201);
        expect(rep.headers.get('Preference-Applied')).toBe('return=representation');
        expect(rep.headers.get('OData-EntityId')).toBeNull();
        expect(rep.json.name).toBe('Rep');
        expect(rep.json['@odata.etag']).toMatch(/^W\/"\d+"$/);
    });

    it('maintains createdon/createdby/owner and back-dates createdon with overriddencreatedon', async () => {
        const who = (await client.get('WhoAmI')).json;
        const id = await client.create('accounts', { name: 'Old', overriddencreatedon: '2001-02-03T04:05:06Z' });
        const row = sim.dump('account').find((a) => a.accountid === id)!;
        expect(row.createdon).toBe('2001-02-03T04:05:06Z');
        expect(row.modifiedon).not.toBe('2001-02-03T04:05:06Z');
        expect(row.createdby).toEqual({ id: who.UserId, table: 'systemuser' });
        expect(row.ownerid).toEqual({ id: who.UserId, table: 'systemuser' });
        expect(row.owningbusinessunit).toEqual({ id: who.BusinessUnitId, table: 'businessunit' });
        expect(row.statecode).toBe(0);
        expect(row.statuscode).toBe(1);
    });

    it('binds lookups, polymorphic per target, and enforces referential integrity', async () => {
        const accountId = await client.create('accounts', { name: 'Parent' });
        const contactId = await client.create('contacts', {
            lastname: 'Child',
            'parentcustomerid_account@odata.bind': `/accounts(${accountId})`,
        });
        await client.patch(`accounts(${accountId})`, {
            'primarycontactid@odata.bind': `${client.api}contacts(${contactId})`,
        });
        const account = sim.dump('account').find((a) => a.accountid === accountId)!;
        expect(account.primarycontactid).toEqual({ id: contactId, table: 'contact' });
        const contact = sim.dump('contact').find((c) => c.contactid === contactId)!;
        expect(contact.parentcustomerid).toEqual({ id: accountId, table: 'account' });
        const bad = await client.post('accounts', {
            name: 'X',
            'primarycontactid@odata.bind': `/contacts(${MISSING})`,
        });
        expect(bad.status).toBe(404);
        expect(bad.json.error).toEqual({ code: '0x80040217', message: `contact With Id = ${MISSING} Does Not Exist` });
        const wrongSet = await client.post('contacts', {
            lastname: 'Y',
            'parentcustomerid_account@odata.bind': `/contacts(${contactId})`,
        });
        expect(wrongSet.status).toBe(400);
    });

    it('rejects _x_value, unknown, read-only and too long columns, and bad status pairs', async () => {
        const direct = await client.post('accounts', { name: 'A', _primarycontactid_value: MISSING });
        expect(direct.status).toBe(400);
        expect(direct.json.error.message).toBe(
            'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
        );
        const unknown = await client.post('accounts', { name: 'A', nosuchcolumn: 1 });
        expect(unknown.status).toBe(400);
        expect(unknown.json.error.message).toContain(
            "Invalid property 'nosuchcolumn' was found in entity 'Microsoft.Dynamics.CRM.account'",
        );
        const readOnly = await client.post('accounts', { name: 'A', createdon: '2020-01-01T00:00:00Z' });
        expect(readOnly.status).toBe(400);
        const long = await client.post('accounts', { name: 'x'.repeat(161) });
        expect(long.status).toBe(400);
        expect(long.json.error).toEqual({
            code: '0x80044331',
            message:
                "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
        });
        const id = await client.create('accounts', { name: 'State' });
        const mismatch = await client.patch(`accounts(${id})`, { statecode: 1, statuscode: 1 });
        expect(mismatch.status).toBe(400);
        expect(mismatch.json.error.message).toContain('is not a valid status code for state code');
        const ok = await client.patch(`accounts(${id})`, { statecode: 1 });
        expect(ok.status).toBe(204);
        const row = sim.dump('account').find((a) => a.accountid === id)!;
        expect([row.statecode, row.statuscode]).toEqual([1, 2]);
    });
});

describe('update, upsert and delete', () => {
    it('upserts with PATCH and honours If-Match / If-None-Match', async () => {
        const id = '11111111-2222-3333-4444-555555555555';
        const noCreate = await client.patch(`accounts(${id})`, { name: 'U' }, { 'If-Match': '*' });
        expect(noCreate.status).toBe(404);
        expect(noCreate.json.error.message).toBe(`account With Id = ${id} Does Not Exist`);
        const created = await client.patch(`accounts(${id})`, { name: 'U' });
        expect(created.status).toBe(204);
        expect(sim.dump('account').some((a) => a.accountid === id)).toBe(true);
        const noUpdate = await client.patch(`accounts(${id})`, { name: 'V' }, { 'If-None-Match': '*' });
        expect(noUpdate.status).toBe(412);
        expect(noUpdate.json.error.message).toBe('A record with matching key values already exists.');
        const current = await client.get(`accounts(${id})?$select=name`);
        const stale = await client.patch(`accounts(${id})`, { name: 'W' }, { 'If-Match': 'W/"1"' });
        expect(stale.status).toBe(412);
        expect(stale.json.error.message).toBe(
            "The version of the existing record doesn't match the RowVersion property provided.",
        );
        const fresh = await client.patch(
            `accounts(${id})`,
            { name: 'W' },
            { 'If-Match': current.json['@odata.etag'] as string },
        );
        expect(fresh.status).toBe(204);
        const notModified = await client.get(`accounts(${id})?$select=name`, {
            'If-None-Match': current.json['@odata.etag'] as string,
        });
        expect(notModified.status).toBe(200);
        const again = await client.get(`accounts(${id})?$select=name`);
        const cached = await client.get(`accounts(${id})?$select=name`, {
            'If-None-Match': again.json['@odata.etag'] as string,
        });
        expect(cached.status).toBe(304);
    });

    it('upserts by alternate key, creating the row with the key column set', async () => {
        const r = await client.patch(
            `accounts(accountnumber='KEY-1')`,
            { name: 'Keyed' },
            { Prefer: 'return=representation' },
        );
        expect(r.status).toBe(201);
        expect(r.json.accountnumber).toBe('KEY-1');
        const again = await client.patch(
            `accounts(accountnumber='key-1')`,
            { name: 'Keyed 2' },
            { Prefer: 'return=representation' },
        );
        expect(again.status).toBe(200);
        expect(again.json.accountid).toBe(r.json.accountid);
        const dup = await client.post('accounts', { name: 'Dup', accountnumber: 'KEY-1' });
        expect(dup.status).toBe(412);
        expect(dup.json.error.code).toBe('0x80040237');
    });

    it('deletes rows, 404 when missing, 412 on a stale etag', async () => {
        const id = await client.create('accounts', { name: 'Gone' });
        expect((await client.delete(`accounts(${id})`, { 'If-Match': 'W/"1"' })).status).toBe(412);
        expect((await client.delete(`accounts(${id})`)).status).toBe(204);
        expect((await client.delete(`accounts(${id})`)).status).toBe(404);
    });
});

describe('composed columns', () => {
    it('composes fullname from firstname and lastname on create and update, as the platform does', async () => {
        const id = await client.create('contacts', { firstname: 'Ada', lastname: 'Lovelace' });
        const read = async () => (await client.get(`contacts(${id})?$select=fullname`)).json.fullname as string;
        expect(await read()).toBe('Ada Lovelace');
        expect((await client.patch(`contacts(${id})`, { firstname: null })).status).toBe(204);
        expect(await read()).toBe('Lovelace');
        // It is read-only to clients.
        expect((await client.patch(`contacts(${id})`, { fullname: 'X' })).status).toBe(400);
    });
});
