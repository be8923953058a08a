/**
 * Conformance of writes against the documented Web API behaviour (research file `dataverse-webapi.md`): create,
 * update/upsert with conditional headers, single-property writes, alternate keys, `@odata.bind`, `$ref`
 * associations and the bulk actions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { crmSchema } from '../src/index.js';
import type { Client, Reply } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const JSON_TYPE = 'application/json; odata.metadata=minimal';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = '00000000-0000-0000-0000-00000000c0de';

function expectError(r: Reply, status: number, code: string | undefined, message: string): void {
    expect(r.status).toBe(status);
    expect(r.headers.get('Content-Type')).toBe(JSON_TYPE);
    expect(Object.keys(r.json as object)).toEqual(['error']);
    expect(Object.keys(r.json.error as object)).toEqual(['code', 'message']);
    if (code !== undefined) expect(r.json.error.code).toBe(code);
    else expect(r.json.error.code).toMatch(/^0x[0-9a-f]{8}$/);
    expect(r.json.error.message).toBe(message);
}

let sim: Simulator;
let client: Client;
let api: string;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 20 }));
    api = client.api;
});
afterAll(async () => {
    await sim.close();
});

async function read(path: string): Promise<Record<string, unknown>> {
    const r = await client.get(path);
    expect(r.status).toBe(200);
    return r.json as Record<string, unknown>;
}

describe('create (research §2.1, §9 note 6)', () => {
    it('answers 204 with OData-EntityId and no body', async () => {
        // research §2.1: 204 No Content plus OData-EntityId: [Org]/api/data/v9.x/accounts(<guid>)
        const r = await client.post('accounts', { name: 'created' });
        expect(r.status).toBe(204);
        expect(r.text).toBe('');
        expect(r.headers.get('OData-Version')).toBe('4.0');
        const entityId = r.headers.get('OData-EntityId')!;
        expect(entityId).toMatch(new RegExp(`^${api.replace(/\./g, '\\.')}accounts\\([0-9a-f-]{36}\\)$`));
        expect(entityId.slice(-37, -1)).toMatch(GUID);
        expect(r.headers.get('Location')).toBeNull();
    });

    it('answers 201 with the body and no OData-EntityId with return=representation', async () => {
        // research §2.1: 201 Created, Preference-Applied: return=representation, no OData-EntityId; $select shapes it
        const r = await client.post(
            'accounts?$select=name,accountnumber',
            { name: 'represented', accountnumber: 'R-1' },
            {
                Prefer: 'return=representation',
            },
        );
        expect(r.status).toBe(201);
        expect(r.headers.get('Preference-Applied')).toBe('return=representation');
        expect(r.headers.get('OData-EntityId')).toBeNull();
        expect(r.headers.get('Content-Type')).toBe(JSON_TYPE);
        expect(Object.keys(r.json as object).sort()).toEqual([
            '@odata.context',
            '@odata.etag',
            'accountid',
            'accountnumber',
            'name',
        ]);
        expect(r.json['@odata.context']).toBe(`${api}$metadata#accounts(name,accountnumber)/$entity`);
        expect(r.json.name).toBe('represented');
        expect(r.json['@odata.etag']).toMatch(/^W\/"\d+"$/);
    });

    it('creates with the primary id given in the body, and a second create with it fails', async () => {
        // research §2.1: put the id column in the POST body; a duplicate id fails with "Cannot insert duplicate key",
        // 0x80040237 (HTTP 412 per the status table: the status is [inferred] in research §7)
        const id = '7d0e2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6';
        const r = await client.post('accounts', { accountid: id, name: 'fixed id' });
        expect(r.status).toBe(204);
        expect(r.headers.get('OData-EntityId')).toBe(`${api}accounts(${id})`);
        expect((await read(`accounts(${id})?$select=name`)).name).toBe('fixed id');
        expectError(
            await client.post('accounts', { accountid: id, name: 'again' }),
            412,
            '0x80040237',
            'Cannot insert duplicate key.',
        );
        expect((await read(`accounts(${id})?$select=name`)).name).toBe('fixed id');
    });

    it('back-dates createdon with overriddencreatedon', async () => {
        // research §2.1: set overriddencreatedon on create to back-date createdon
        const id = await client.create('accounts', { name: 'migrated', overriddencreatedon: '2015-06-01T08:30:00Z' });
        const row = await read(`accounts(${id})?$select=createdon,overriddencreatedon`);
        expect(row.createdon).toBe('2015-06-01T08:30:00Z');
        expect(row.overriddencreatedon).toBe('2015-06-01T08:30:00Z');
    });
});

describe('update and upsert (research §2.2, §9 note 5)', () => {
    let id: string;
    beforeAll(async () => {
        id = await client.create('accounts', { name: 'to update', description: 'text' });
    });

    it('answers PATCH with 204, or 200 and the body with return=representation', async () => {
        // research §2.2
        const plain = await client.patch(`accounts(${id})`, { telephone1: '555-0100' });
        expect(plain.status).toBe(204);
        expect(plain.text).toBe('');
        const rep = await client.patch(
            `accounts(${id})?$select=telephone1`,
            { telephone1: '555-0101' },
            {
                Prefer: 'return=representation',
            },
        );
        expect(rep.status).toBe(200);
        expect(rep.headers.get('Preference-Applied')).toBe('return=representation');
        expect(rep.json.telephone1).toBe('555-0101');
        expect(rep.json['@odata.context']).toBe(`${api}$metadata#accounts(telephone1)/$entity`);
    });

    it('creates on PATCH when the row does not exist (upsert)', async () => {
        // research §2.2: "if the entity doesn't exist it will be created."
        const newId = 'a1a1a1a1-0000-4000-8000-00000000a001';
        const r = await client.patch(`accounts(${newId})`, { name: 'upserted' });
        expect(r.status).toBe(204);
        expect((await read(`accounts(${newId})?$select=name`)).name).toBe('upserted');
    });

    it('never creates with If-Match: *', async () => {
        // research §2.2: If-Match: * on a missing row gives 404 "account With Id = <guid> Does Not Exist"
        const r = await client.patch(`accounts(${MISSING})`, { name: 'nope' }, { 'If-Match': '*' });
        expectError(r, 404, '0x80040217', `account With Id = ${MISSING} Does Not Exist`);
        expect((await client.get(`accounts(${MISSING})`)).status).toBe(404);
        const ok = await client.patch(`accounts(${id})`, { fax: '1' }, { 'If-Match': '*' });
        expect(ok.status).toBe(204);
    });

    it('never updates with If-None-Match: *', async () => {
        // research §2.2: 412 "A record with matching key values already exists."
        const r = await client.patch(`accounts(${id})`, { name: 'overwritten' }, { 'If-None-Match': '*' });
        expectError(r, 412, '0x80040237', 'A record with matching key values already exists.');
        expect((await read(`accounts(${id})?$select=name`)).name).toBe('to update');
        const fresh = 'a1a1a1a1-0000-4000-8000-00000000a002';
        const created = await client.patch(`accounts(${fresh})`, { name: 'only if new' }, { 'If-None-Match': '*' });
        expect(created.status).toBe(204);
    });

    it('rejects a PATCH or DELETE whose If-Match etag is stale with 412', async () => {
        // research §2.2: "The version of the existing record doesn't match the RowVersion property provided."
        const message = "The version of the existing record doesn't match the RowVersion property provided.";
        const etag = (await read(`accounts(${id})?$select=name`))['@odata.etag'] as string;
        const ok = await client.patch(`accounts(${id})`, { fax: '2' }, { 'If-Match': etag });
        expect(ok.status).toBe(204);
        const stale = await client.patch(`accounts(${id})`, { fax: '3' }, { 'If-Match': etag });
        expectError(stale, 412, undefined, message);
        expect((await read(`accounts(${id})?$select=fax`)).fax).toBe('2');
        expectError(await client.delete(`accounts(${id})`, { 'If-Match': etag }), 412, undefined, message);
        expect((await client.get(`accounts(${id})`)).status).toBe(200);
    });

    it('answers GET with If-None-Match: <current etag> with 304, but never with annotations', async () => {
        // research §2.2: 304 Not Modified; never 304 with Prefer: odata.include-annotations
        const etag = (await read(`accounts(${id})?$select=name`))['@odata.etag'] as string;
        const same = await client.get(`accounts(${id})?$select=name`, { 'If-None-Match': etag });
        expect(same.status).toBe(304);
        expect(same.text).toBe('');
        const annotated = await client.get(`accounts(${id})?$select=name`, {
            'If-None-Match': etag,
            Prefer: 'odata.include-annotations="*"',
        });
        expect(annotated.status).toBe(200);
        await client.patch(`accounts(${id})`, { fax: '4' });
        const changed = await client.get(`accounts(${id})?$select=name`, { 'If-None-Match': etag });
        expect(changed.status).toBe(200);
        expect(changed.json['@odata.etag']).not.toBe(etag);
    });

    it('updates and clears single properties with PUT and DELETE', async () => {
        // research §2.2: PUT /accounts(<id>)/name {"value": ...}; DELETE /accounts(<id>)/description
        const put = await client.send('PUT', `accounts(${id})/name`, { value: 'renamed' });
        expect(put.status).toBe(204);
        expect((await read(`accounts(${id})?$select=name`)).name).toBe('renamed');
        const del = await client.delete(`accounts(${id})/description`);
        expect(del.status).toBe(204);
        expect((await read(`accounts(${id})?$select=description`)).description).toBeNull();
        // "This can't be used for navigation properties."
        const nav = await client.send('PUT', `accounts(${id})/primarycontactid`, { value: null });
        expect(nav.status).toBe(400);
    });

    it('deletes with 204, then answers 404', async () => {
        // research §2.2: DELETE returns 204, or 404 if the row is missing
        const gone = await client.create('accounts', { name: 'to delete' });
        expect((await client.delete(`accounts(${gone})`)).status).toBe(204);
        expectError(
            await client.delete(`accounts(${gone})`),
            404,
            '0x80040217',
            `account With Id = ${gone} Does Not Exist`,
        );
    });
});

describe('alternate keys in writes (research §2.3)', () => {
    it('upserts, updates and deletes by an alternate key, and binds by it', async () => {
        // research §2.3: "The same URL forms work in @odata.bind values, in PATCH upsert ... and in DELETE."
        const created = await client.patch("accounts(accountnumber='K-100')", { name: 'by key' });
        expect(created.status).toBe(204);
        const id = created.headers.get('OData-EntityId')!.slice(-37, -1);
        const row = await read(`accounts(${id})?$select=name,accountnumber`);
        expect(row.accountnumber).toBe('K-100');
        expect((await client.patch("accounts(accountnumber='K-100')", { name: 'by key 2' })).status).toBe(204);
        expect((await read(`accounts(${id})?$select=name`)).name).toBe('by key 2');
        const child = await client.create('accounts', {
            name: 'child',
            'parentaccountid@odata.bind': "/accounts(accountnumber='K-100')",
        });
        expect((await read(`accounts(${child})?$select=_parentaccountid_value`))._parentaccountid_value).toBe(id);
        expect((await client.delete("accounts(accountnumber='K-100')")).status).toBe(204);
        expect((await client.get(`accounts(${id})`)).status).toBe(404);
    });
});

describe('alternate keys that are not Active (research §2.3)', () => {
    it('does not resolve a key whose index is Pending', async () => {
        // research §2.3: "Keys only resolve once the key index is Active"
        const schema = crmSchema();
        const account = schema.tables.find((t) => t.logicalName === 'account')!;
        account.keys = account.keys!.map((k) => ({ ...k, status: 'Pending' as const }));
        const pending = await startTestSimulator({ schema });
        try {
            await pending.client.create('accounts', { name: 'p', accountnumber: 'P-1' });
            const r = await pending.client.get("accounts(accountnumber='P-1')");
            expect(r.status).toBe(400);
            expect(r.json.error.message).toMatch(/^The key in the request URI is not valid for resource /);
        } finally {
            await pending.sim.close();
        }
    });
});

describe('@odata.bind (research §2.4)', () => {
    let parent: string;
    let contact: string;
    beforeAll(async () => {
        parent = await client.create('accounts', { name: 'parent' });
        contact = await client.create('contacts', { lastname: 'Bound' });
    });

    it('binds with a leading slash, without one, and with an absolute URL', async () => {
        // research §2.4: "/contacts(<guid>)" (leading slash optional)
        for (const ref of [`/accounts(${parent})`, `accounts(${parent})`, `${api}accounts(${parent})`]) {
            const id = await client.create('accounts', { name: 'bound', 'parentaccountid@odata.bind': ref });
            expect((await read(`accounts(${id})?$select=_parentaccountid_value`))._parentaccountid_value).toBe(parent);
        }
    });

    it('binds a polymorphic lookup through its target-specific navigation property', async () => {
        // research §2.4: parentcustomerid_account / parentcustomerid_contact
        const id = await client.create('contacts', {
            lastname: 'Child',
            'parentcustomerid_contact@odata.bind': `/contacts(${contact})`,
        });
        const r = await client.get(`contacts(${id})?$select=_parentcustomerid_value`, {
            Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
        });
        expect(r.json._parentcustomerid_value).toBe(contact);
        expect(r.json['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('contact');
    });

    it('binds the owner to a team', async () => {
        // research §2.4 [inferred]: "ownerid@odata.bind": "/systemusers(<id>)" or "/teams(<id>)"
        const team = (await client.get('teams?$select=teamid&$top=1')).json.value[0].teamid as string;
        const id = await client.create('accounts', { name: 'team owned', 'ownerid@odata.bind': `/teams(${team})` });
        const r = await client.get(`accounts(${id})?$select=_ownerid_value`, {
            Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
        });
        expect(r.json._ownerid_value).toBe(team);
        expect(r.json['_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('team');
    });

    it('clears a lookup with @odata.bind: null or the navigation property set to null', async () => {
        // research §2.4: "parentaccountid@odata.bind": null or "parentaccountid": null
        for (const body of [{ 'parentaccountid@odata.bind': null }, { parentaccountid: null }]) {
            const id = await client.create('accounts', {
                name: 'to clear',
                'parentaccountid@odata.bind': `/accounts(${parent})`,
            });
            expect((await client.patch(`accounts(${id})`, body)).status).toBe(204);
            expect((await read(`accounts(${id})?$select=_parentaccountid_value`))._parentaccountid_value).toBeNull();
        }
    });

    it('fails a bind to a missing row with ObjectDoesNotExist', async () => {
        // research §2.4 [inferred] and §7: 0x80040217 "<table> With Id = <guid> Does Not Exist" (HTTP status not
        // documented for a body reference; the simulator answers 404 as for a direct URL)
        const r = await client.post('accounts', { name: 'x', 'parentaccountid@odata.bind': `/accounts(${MISSING})` });
        expectError(r, 404, '0x80040217', `account With Id = ${MISSING} Does Not Exist`);
    });
});

describe('$ref associations (research §2.5)', () => {
    let account: string;
    let opportunity: string;
    beforeAll(async () => {
        account = await client.create('accounts', { name: 'ref parent' });
        opportunity = await client.create('opportunities', { name: 'ref child' });
    });

    const customerOf = async (): Promise<unknown> =>
        (await read(`opportunities(${opportunity})?$select=_customerid_value`))._customerid_value;

    it('adds to and removes from a 1:N collection with POST and DELETE ...$ref?$id=', async () => {
        // research §2.5: POST /accounts(<id>)/opportunity_customer_accounts/$ref {"@odata.id": "[Org]/.../opportunities(<id>)"}
        const add = await client.post(`accounts(${account})/opportunity_customer_accounts/$ref`, {
            '@odata.id': `${api}opportunities(${opportunity})`,
        });
        expect(add.status).toBe(204);
        expect(await customerOf()).toBe(account);
        const remove = await client.delete(
            `accounts(${account})/opportunity_customer_accounts/$ref?$id=${api}opportunities(${opportunity})`,
        );
        expect(remove.status).toBe(204);
        expect(await customerOf()).toBeNull();
    });

    it('removes with DELETE .../<nav>(<id>)/$ref', async () => {
        // research §2.5: DELETE /accounts(<id>)/opportunity_customer_accounts(<id>)/$ref
        await client.post(`accounts(${account})/opportunity_customer_accounts/$ref`, {
            '@odata.id': `${api}opportunities(${opportunity})`,
        });
        const r = await client.delete(`accounts(${account})/opportunity_customer_accounts(${opportunity})/$ref`);
        expect(r.status).toBe(204);
        expect(await customerOf()).toBeNull();
    });

    it('sets and removes a single-valued navigation property with PUT and DELETE', async () => {
        // research §2.5: PUT /opportunities(<id>)/customerid_account/$ref {"@odata.id":"accounts(<id>)"}
        const set = await client.send('PUT', `opportunities(${opportunity})/customerid_account/$ref`, {
            '@odata.id': `accounts(${account})`,
        });
        expect(set.status).toBe(204);
        expect(await customerOf()).toBe(account);
        const clear = await client.delete(`opportunities(${opportunity})/customerid_account/$ref`);
        expect(clear.status).toBe(204);
        expect(await customerOf()).toBeNull();
    });

    it('associates and disassociates N:N rows through the relationship navigation property', async () => {
        // research §2.5: N:N uses the same $ref POST; intersect tables can't be written directly
        const lead = await client.create('leads', { lastname: 'Lead', subject: 'n:n' });
        const add = await client.post(`accounts(${account})/accountleads_association/$ref`, {
            '@odata.id': `${api}leads(${lead})`,
        });
        expect(add.status).toBe(204);
        const related = await client.get(`accounts(${account})/accountleads_association?$select=leadid`);
        expect(related.json.value.map((v: { leadid: string }) => v.leadid)).toEqual([lead]);
        const intersect = await client.get(`accountleadscollection?$filter=accountid eq ${account}`);
        expect(intersect.json.value).toHaveLength(1);
        expect(intersect.json.value[0].leadid).toBe(lead);
        // The status for writing an intersect table directly is not documented; the simulator answers 405
        // (research §7 lists 405 for InvalidOperation/NotSupported).
        const direct = await client.post('accountleadscollection', { accountid: account, leadid: lead });
        expect(direct.status).toBe(405);
        const remove = await client.delete(`accounts(${account})/accountleads_association(${lead})/$ref`);
        expect(remove.status).toBe(204);
        const after = await client.get(`accounts(${account})/accountleads_association?$select=leadid`);
        expect(after.json.value).toEqual([]);
    });

    it('refuses to associate a pair twice with the duplicate key error, and keeps one intersect row', async () => {
        // Already-associated pair: 0x80040237 "Cannot insert duplicate key" (troubleshoot client-errors page; PPDS
        // counts it as success). The HTTP status is not documented for $ref; the simulator answers 412 as the status
        // table lists for DuplicateRecord. Clients must tell the duplicate by its code.
        const lead = await client.create('leads', { lastname: 'Twice', subject: 'n:n' });
        const ref = { '@odata.id': `${api}leads(${lead})` };
        expect((await client.post(`accounts(${account})/accountleads_association/$ref`, ref)).status).toBe(204);
        const again = await client.post(`accounts(${account})/accountleads_association/$ref`, ref);
        expectError(again, 412, '0x80040237', 'Cannot insert duplicate key.');
        const intersect = await client.get(
            `accountleadscollection?$filter=accountid eq ${account} and leadid eq ${lead}`,
        );
        expect(intersect.json.value).toHaveLength(1);
    });
});

describe('bulk actions (research §3.2, §9 note 8)', () => {
    const action = (name: string): string => `accounts/Microsoft.Dynamics.CRM.${name}`;
    const typed = (row: Record<string, unknown>): Record<string, unknown> => ({
        '@odata.type': 'Microsoft.Dynamics.CRM.account',
        ...row,
    });

    it('answers CreateMultiple with 200 and {Ids} in target order, counting as one request', async () => {
        // research §3.2: 200 {"@odata.context":"[Org]/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse","Ids":[...]}
        const before = sim.gate.stats().requests;
        const r = await client.post(action('CreateMultiple'), {
            Targets: [typed({ name: 'bulk 1' }), typed({ name: 'bulk 2' }), typed({ name: 'bulk 3' })],
        });
        expect(sim.gate.stats().requests - before).toBe(1);
        expect(r.status).toBe(200);
        expect(r.headers.get('Content-Type')).toBe(JSON_TYPE);
        expect(Object.keys(r.json as object)).toEqual(['@odata.context', 'Ids']);
        expect(r.json['@odata.context']).toBe(`${api}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`);
        const ids = r.json.Ids as string[];
        expect(ids).toHaveLength(3);
        for (const [i, id] of ids.entries()) {
            expect(id).toMatch(GUID);
            expect((await read(`accounts(${id})?$select=name`)).name).toBe(`bulk ${i + 1}`);
        }
    });

    it('requires @odata.type on every target and creates nothing without it', async () => {
        // research §3.2: "@odata.type is required on every target."
        const r = await client.post(action('CreateMultiple'), {
            Targets: [typed({ name: 'typed ok' }), { name: 'untyped' }],
        });
        expect(r.status).toBe(400);
        const check = await client.get("accounts?$select=name&$filter=name eq 'typed ok' or name eq 'untyped'");
        expect(check.json.value).toEqual([]);
    });

    it('rolls back the whole request on any error (standard tables)', async () => {
        // research §3.2: "Standard tables: any error rolls back the whole request."; §3.1/§7 validation message
        const r = await client.post(action('CreateMultiple'), {
            Targets: [typed({ name: 'rollback 1' }), typed({ name: 'x'.repeat(161) })],
        });
        expectError(
            r,
            400,
            '0x80044331',
            "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
        );
        expect((await client.get("accounts?$filter=name eq 'rollback 1'")).json.value).toEqual([]);
        const id = await client.create('accounts', { name: 'dup' });
        const dup = await client.post(action('CreateMultiple'), {
            Targets: [typed({ name: 'dup 2' }), typed({ accountid: id, name: 'dup 3' })],
        });
        expectError(dup, 412, '0x80040237', 'Cannot insert duplicate key.');
        expect((await client.get("accounts?$filter=name eq 'dup 2'")).json.value).toEqual([]);
    });

    it('answers UpdateMultiple with 204', async () => {
        // research §3.2: UpdateMultiple returns 204 (targets include the primary key)
        const a = await client.create('accounts', { name: 'um a' });
        const b = await client.create('accounts', { name: 'um b' });
        const r = await client.post(action('UpdateMultiple'), {
            Targets: [typed({ accountid: a, fax: 'A' }), typed({ accountid: b, fax: 'B' })],
        });
        expect(r.status).toBe(204);
        expect(r.text).toBe('');
        expect((await read(`accounts(${a})?$select=fax`)).fax).toBe('A');
        expect((await read(`accounts(${b})?$select=fax`)).fax).toBe('B');
    });

    it('fails UpdateMultiple on a missing row with the plural ObjectDoesNotExist message, changing nothing', async () => {
        // research §3.2 and §7: "Contact With Ids = <guid> Do Not Exist" (0x80040217) for bulk. [inferred]: the
        // table is named as in the quote (its schema name) and the status is the 404 of a missing row.
        const a = await client.create('accounts', { name: 'um c' });
        const r = await client.post(action('UpdateMultiple'), {
            Targets: [typed({ accountid: a, fax: 'C' }), typed({ accountid: MISSING, fax: 'D' })],
        });
        expectError(r, 404, '0x80040217', `Account With Ids = ${MISSING} Do Not Exist`);
        expect((await read(`accounts(${a})?$select=fax`)).fax).toBeNull();
    });

    it('answers UpsertMultiple with 204 and no body, creating and updating by @odata.id alternate keys', async () => {
        // research §3.2: 204 NoContent, "The UpsertMultipleResponse complex type is not returned."; @odata.id targets
        const existing = await client.create('accounts', { name: 'ups old', accountnumber: 'U-1' });
        const r = await client.post(action('UpsertMultiple'), {
            Targets: [
                typed({ '@odata.id': "accounts(accountnumber='U-1')", name: 'ups new' }),
                typed({ '@odata.id': "accounts(accountnumber='U-2')", name: 'ups created' }),
            ],
        });
        expect(r.status).toBe(204);
        expect(r.text).toBe('');
        expect((await read(`accounts(${existing})?$select=name`)).name).toBe('ups new');
        const created = await client.get("accounts(accountnumber='U-2')?$select=name,accountnumber");
        expect(created.json.name).toBe('ups created');
        expect(created.json.accountnumber).toBe('U-2');
    });

    it('rejects DeleteMultiple on a standard table', async () => {
        // research §3.2: "DeleteMultiple is elastic-only. On a standard table it fails with
        // `DeleteMultiple has not yet been implemented.`" (status and code not documented)
        const id = await client.create('accounts', { name: 'not bulk deleted' });
        const r = await client.post(action('DeleteMultiple'), {
            Targets: [typed({ accountid: id })],
        });
        expect(r.status).toBe(400);
        expect(r.json.error.message).toBe('DeleteMultiple has not yet been implemented.');
        expect((await client.get(`accounts(${id})`)).status).toBe(200);
    });
});
