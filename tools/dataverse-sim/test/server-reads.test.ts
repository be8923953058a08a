import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSqlGuids } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';
import type { Simulator } from '../src/index.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 60 }));
});
afterAll(async () => {
    await sim.close();
});

describe('service root and WhoAmI', () => {
    it('answers WhoAmI with the ids of the org system rows', async () => {
        const r = await client.get('WhoAmI');
        expect(r.status).toBe(200);
        expect(r.headers.get('OData-Version')).toBe('4.0');
        expect(r.headers.get('Content-Type')).toBe('application/json; odata.metadata=minimal');
        const user = sim.dump('systemuser').find((u) => u.systemuserid === r.json.UserId);
        expect(user).toBeDefined();
        const org = sim.dump('organization')[0]!;
        expect(r.json.OrganizationId).toBe(org.organizationid);
        expect(r.json.BusinessUnitId).toBe((user!.businessunitid as { id: string }).id);
    });

    it('lists entity sets in the service document', async () => {
        const r = await client.get('');
        expect(r.json.value.map((v: { name: string }) => v.name)).toContain('accounts');
    });
});

describe('collection queries', () => {
    it('returns rows in SQL uniqueidentifier order by default, not string order', async () => {
        const r = await client.get('contacts?$select=contactid');
        const ids: string[] = r.json.value.map((v: { contactid: string }) => v.contactid);
        expect(ids.length).toBeGreaterThan(10);
        const sqlSorted = [...ids].sort(compareSqlGuids);
        expect(ids).toEqual(sqlSorted);
        expect(ids).not.toEqual([...ids].sort());
    });

    it('pages with odata.maxpagesize and a nextLink that keeps the original query', async () => {
        const first = await client.get('contacts?$select=fullname', { Prefer: 'odata.maxpagesize=5' });
        expect(first.status).toBe(200);
        expect(first.headers.get('Preference-Applied')).toBe('odata.maxpagesize=5');
        expect(first.json.value).toHaveLength(5);
        const next: string = first.json['@odata.nextLink'];
        expect(next.startsWith(`${client.api}contacts?$select=fullname&$skiptoken=`)).toBe(true);
        const all = [...first.json.value];
        let link: string | undefined = next;
        while (link) {
            const page = await client.get(link, { Prefer: 'odata.maxpagesize=5' });
            all.push(...page.json.value);
            link = page.json['@odata.nextLink'];
        }
        const total = sim.dump('contact').length;
        expect(all).toHaveLength(total);
        expect(new Set(all.map((c) => c.contactid)).size).toBe(total);
    });

    it('filters gt/lt on the primary key in SQL order', async () => {
        const ids = sim.dump('account').map((a) => a.accountid as string);
        const pivot = ids[Math.floor(ids.length / 2)]!;
        const r = await client.get(`accounts?$select=accountid&$filter=accountid gt ${pivot}`);
        const got = r.json.value.map((v: { accountid: string }) => v.accountid);
        expect(got).toEqual(ids.filter((id) => compareSqlGuids(id, pivot) > 0));
    });

    it('emits lookups as _x_value, with annotations only when asked, before the value', async () => {
        const plain = await client.get('contacts?$select=_parentcustomerid_value&$top=1');
        const row = plain.json.value[0];
        expect(Object.keys(row).some((k) => k.includes('@Microsoft'))).toBe(false);
        const annotated = await client.get('contacts?$select=_parentcustomerid_value,statecode', {
            Prefer: 'odata.include-annotations="*"',
        });
        const withParent = annotated.json.value.find((v: Record<string, unknown>) => v._parentcustomerid_value);
        const keys = Object.keys(withParent);
        const valueAt = keys.indexOf('_parentcustomerid_value');
        const logical = keys.indexOf('_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname');
        expect(logical).toBeGreaterThan(-1);
        expect(logical).toBeLessThan(valueAt);
        const target = withParent['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'];
        expect(['account', 'contact']).toContain(target);
        expect(withParent['_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty']).toBe(
            `parentcustomerid_${target}`,
        );
        expect(typeof withParent['statecode@OData.Community.Display.V1.FormattedValue']).toBe('string');
    });
});

describe('single rows', () => {
    it('gets a row by id and by alternate key, with an etag', async () => {
        const account = sim.dump('account').find((a) => a.accountnumber)!;
        const byId = await client.get(`accounts(${account.accountid as string})?$select=name,accountnumber`);
        expect(byId.status).toBe(200);
        expect(byId.json['@odata.etag']).toBe(`W/"${account.versionnumber as number}"`);
        expect(byId.json['@odata.context']).toBe(`${client.api}$metadata#accounts(name,accountnumber)/$entity`);
        const byKey = await client.get(`accounts(accountnumber='${account.accountnumber as string}')?$select=name`);
        expect(byKey.json.accountid).toBe(account.accountid);
        const missing = await client.get('accounts(00000000-0000-0000-0000-000000000001)');
        expect(missing.status).toBe(404);
        expect(missing.json.error).toEqual({
            code: '0x80040217',
            message: 'account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist',
        });
        const badKey = await client.get(`accounts(name='x')`);
        expect(badKey.status).toBe(400);
        expect(badKey.json.error.message).toContain(
            "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.account'",
        );
    });
});
