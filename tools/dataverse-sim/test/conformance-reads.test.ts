/**
 * Conformance of reads against the documented Web API behaviour (research file `dataverse-webapi.md`):
 * standard headers, query options, paging and the skiptoken cookie, counts, ordering, annotations and value formats.
 */
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client, Reply } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const JSON_TYPE = 'application/json; odata.metadata=minimal';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
const LOGICAL = 'Microsoft.Dynamics.CRM.lookuplogicalname';
const NAVIGATION = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

/**
 * SQL Server uniqueidentifier order as research §1.3 states it, written independently of the simulator: compare
 * bytes 10-15, then 8-9, 6-7, 4-5, 0-3, in .NET ToByteArray order (the first three groups little-endian).
 */
function sqlOrder(a: string, b: string): number {
    const bytes = (g: string): number[] => {
        const h = g.replace(/-/g, '');
        const b16 = Array.from({ length: 16 }, (_v, i) => parseInt(h.slice(i * 2, i * 2 + 2), 16));
        const dotnet = [b16[3], b16[2], b16[1], b16[0], b16[5], b16[4], b16[7], b16[6], ...b16.slice(8)] as number[];
        return [10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3].map((i) => dotnet[i] as number);
    };
    const x = bytes(a);
    const y = bytes(b);
    for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
    return 0;
}

/** The raw header lines of a GET (fetch folds repeated headers into one value). */
function rawHeaderLines(url: string, headers: Record<string, string>): Promise<Array<[string, string]>> {
    return new Promise((resolve, reject) => {
        httpGet(url, { headers }, (res) => {
            res.resume();
            const raw = res.rawHeaders;
            const lines: Array<[string, string]> = [];
            for (let i = 0; i < raw.length; i += 2) lines.push([raw[i]!, raw[i + 1]!]);
            res.on('end', () => resolve(lines));
        }).on('error', reject);
    });
}

function expectError(r: Reply, status: number, code: string | RegExp, message?: string): void {
    expect(r.status).toBe(status);
    expect(r.headers.get('Content-Type')).toBe(JSON_TYPE);
    expect(Object.keys(r.json as object)).toEqual(['error']);
    expect(Object.keys(r.json.error as object)).toEqual(['code', 'message']);
    if (typeof code === 'string') expect(r.json.error.code).toBe(code);
    else expect(r.json.error.code).toMatch(code);
    if (message !== undefined) expect(r.json.error.message).toBe(message);
}

let sim: Simulator;
let client: Client;
let api: string;
const sampleIds: string[] = [];
let contactId: string;
let userId: string;
let currencyId: string;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 60 }));
    api = client.api;
    for (let i = 1; i <= 5; i++) sampleIds.push(await client.create('accounts', { name: `sample ${i}` }));
    currencyId = (await client.get('transactioncurrencies?$select=transactioncurrencyid&$top=1')).json.value[0]
        .transactioncurrencyid as string;
    await client.create('accounts', {
        name: 'A+B',
        revenue: 20000,
        lastusedincampaign: '2023-04-07T14:59:01Z',
        'transactioncurrencyid@odata.bind': `/transactioncurrencies(${currencyId})`,
    });
    contactId = await client.create('contacts', {
        firstname: 'Same',
        lastname: "O'Bryan",
        'parentcustomerid_account@odata.bind': `/accounts(${sampleIds[0]!})`,
    });
    await client.create('contacts', { firstname: 'Twin', lastname: 'twin' });
    userId = (await client.get('WhoAmI')).json.UserId as string;
});
afterAll(async () => {
    await sim.close();
});

describe('standard headers (research §0)', () => {
    it('answers JSON with OData-Version 4.0 and odata.metadata=minimal', async () => {
        // research §0
        const r = await client.get('accounts?$select=name&$top=1');
        expect(r.status).toBe(200);
        expect(r.headers.get('OData-Version')).toBe('4.0');
        expect(r.headers.get('Content-Type')).toBe(JSON_TYPE);
    });

    it('accepts the documented request headers, including If-None-Match: null', async () => {
        // research §0: Accept, OData-MaxVersion, OData-Version, If-None-Match: null on every request
        const r = await client.get(`accounts(${sampleIds[0]!})?$select=name`, {
            'OData-MaxVersion': '4.0',
            'OData-Version': '4.0',
            'If-None-Match': 'null',
        });
        expect(r.status).toBe(200);
        expect(r.json.name).toBe('sample 1');
    });

    it('echoes each applied preference in Preference-Applied', async () => {
        // research §0, §1.2: Preference-Applied: odata.maxpagesize=N; §1.4 include-annotations
        const r = await client.get('accounts?$select=name', {
            Prefer: 'odata.maxpagesize=3,odata.include-annotations="*"',
        });
        expect(r.headers.get('Preference-Applied')).toBe('odata.maxpagesize=3, odata.include-annotations="*"');
        // One header line per preference, as in the doc examples.
        const lines = await rawHeaderLines(`${api}accounts?$select=name`, {
            Prefer: 'odata.maxpagesize=3,odata.include-annotations="*"',
        });
        expect(lines.filter(([n]) => n.toLowerCase() === 'preference-applied').map(([, v]) => v)).toEqual([
            'odata.maxpagesize=3',
            'odata.include-annotations="*"',
        ]);
        const none = await client.get('accounts?$select=name&$top=1');
        expect(none.headers.get('Preference-Applied')).toBeNull();
    });
});

describe('$select (research §1.1)', () => {
    it('returns only the selected columns plus the primary key and the etag', async () => {
        // research §1.1: "The primary key property is always returned"
        const r = await client.get(`accounts(${sampleIds[1]!})?$select=name`);
        expect(Object.keys(r.json as object).sort()).toEqual(['@odata.context', '@odata.etag', 'accountid', 'name']);
    });

    it('also returns _transactioncurrencyid_value when a money column is selected', async () => {
        // research §1.1: selecting revenue also returns _transactioncurrencyid_value
        const r = await client.get("accounts?$select=name,revenue&$filter=name eq 'A+B'".replace('+', '%2B'));
        const row = r.json.value[0] as Record<string, unknown>;
        expect(Object.keys(row).sort()).toEqual([
            '@odata.etag',
            '_transactioncurrencyid_value',
            'accountid',
            'name',
            'revenue',
        ]);
        expect(row._transactioncurrencyid_value).toBe(currencyId);
    });

    it('returns every property without $select', async () => {
        // research §1.1: "Without $select all properties are returned"
        const r = await client.get(`accounts(${sampleIds[1]!})`);
        for (const p of ['name', 'accountnumber', 'revenue', '_ownerid_value', 'createdon', 'statecode']) {
            expect(Object.keys(r.json as object)).toContain(p);
        }
    });

    it('selects _ownerid_value but not the navigation property ownerid', async () => {
        // research §1.4: "You can $select _ownerid_value, but not the navigation property ownerid"
        const ok = await client.get(`accounts(${sampleIds[1]!})?$select=_ownerid_value`);
        expect(ok.status).toBe(200);
        expect(ok.json._ownerid_value).toBe(userId);
        expectError(await client.get(`accounts(${sampleIds[1]!})?$select=ownerid`), 400, /^0x[0-9a-f]{8}$/);
    });
});

describe('$filter (research §1.1)', () => {
    it('compares strings case-insensitively', async () => {
        // research §1.1: "Every string comparison is case-insensitive"
        const r = await client.get("accounts?$select=name&$filter=name eq 'SAMPLE 3'");
        expect(r.json.value.map((v: { name: string }) => v.name)).toEqual(['sample 3']);
        const c = await client.get("accounts?$select=name&$filter=startswith(name,'SAMP') and endswith(name,'E 2')");
        expect(c.json.value.map((v: { name: string }) => v.name)).toEqual(['sample 2']);
    });

    it('reads a doubled single quote as one quote', async () => {
        // research §1.1: 'O''Bryan'
        const r = await client.get("contacts?$select=lastname&$filter=lastname eq 'O''Bryan'");
        expect(r.json.value.map((v: { contactid: string }) => v.contactid)).toEqual([contactId]);
    });

    it('rejects an undoubled quote with the unterminated literal message', async () => {
        // research §1.1 (message quoted from filter-rows.md)
        const r = await client.get("contacts?$filter=lastname eq 'O'Bryan'");
        expectError(
            r,
            400,
            /^0x[0-9a-f]{8}$/,
            "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''.",
        );
    });

    it('decodes %2B in a literal as +', async () => {
        // research §1.1: reserved characters in literals are URL-encoded (+ becomes %2B)
        const r = await client.get("accounts?$select=name&$filter=name eq 'A%2BB'");
        expect(r.json.value.map((v: { name: string }) => v.name)).toEqual(['A+B']);
    });

    it('filters a lookup by its GUID, quoted (as the doc) or unquoted', async () => {
        // research §1.1 [inferred]: accept both `_owninguser_value eq '<guid>'` and the unquoted OData literal
        const quoted = await client.get(`accounts?$select=accountid&$filter=_owninguser_value eq '${userId}'`);
        const plain = await client.get(`accounts?$select=accountid&$filter=_owninguser_value eq ${userId}`);
        expect(quoted.status).toBe(200);
        expect(quoted.json.value.length).toBeGreaterThanOrEqual(6);
        expect(plain.json.value).toEqual(quoted.json.value);
    });

    it('compares two columns', async () => {
        // research §1.1: "Column comparison firstname eq lastname is allowed"
        const r = await client.get('contacts?$select=firstname&$filter=firstname eq lastname');
        expect(r.json.value.map((v: { firstname: string }) => v.firstname)).toEqual(['Twin']);
    });

    it('runs the fully qualified Dataverse query functions with parameter aliases', async () => {
        // research §1.1: Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1=...&@p2=[...]
        const r = await client.get(
            `contacts?$select=lastname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=["OBrian","O'Bryan"]`,
        );
        expect(r.json.value.map((v: { lastname: string }) => v.lastname)).toEqual(["O'Bryan"]);
        const between = await client.get(
            `accounts?$select=name&$filter=Microsoft.Dynamics.CRM.Between(PropertyName='revenue',PropertyValues=["19999","20001"])`,
        );
        expect(between.json.value.map((v: { name: string }) => v.name)).toEqual(['A+B']);
    });
});

describe('$skip and $top (research §1.1, §9 note 2)', () => {
    it('rejects $skip', async () => {
        // research §1.1: $skip is not supported; the message is the [unverified] third-party text, followed here
        expectError(
            await client.get('accounts?$top=2&$skip=2'),
            400,
            /^0x[0-9a-f]{8}$/,
            'Skip Clause is not supported in CRM',
        );
    });

    it('limits rows with $top and gives no nextLink', async () => {
        // research §1.1: $top limits results
        const r = await client.get('contacts?$select=contactid&$top=4');
        expect(r.json.value).toHaveLength(4);
        expect(r.json['@odata.nextLink']).toBeUndefined();
    });

    it('ignores $top when odata.maxpagesize is present', async () => {
        // research §1.1: "If you include both, $top is ignored."
        const r = await client.get('contacts?$select=contactid&$top=4', { Prefer: 'odata.maxpagesize=7' });
        expect(r.json.value).toHaveLength(7);
        expect(typeof r.json['@odata.nextLink']).toBe('string');
    });
});

describe('paging and nextLink (research §1.2, §9 note 3)', () => {
    const path = "accounts?$select=name&$filter=contains(name,'sample')";

    it('ends with a nextLink = the original URL plus $skiptoken, keeping $select and $filter', async () => {
        // research §1.2 (count-rows example: ...accounts?$select=name&$filter=contains(name,'sample')&$skiptoken=...)
        const r = await client.get(path, { Prefer: 'odata.maxpagesize=2' });
        expect(r.headers.get('Preference-Applied')).toBe('odata.maxpagesize=2');
        expect(r.json.value).toHaveLength(2);
        const next = r.json['@odata.nextLink'] as string;
        const sent = new URL(api + path).href;
        expect(next.startsWith(`${sent}&$skiptoken=`)).toBe(true);
        const params = new URL(next).searchParams;
        expect(params.get('$select')).toBe('name');
        expect(params.get('$filter')).toBe("contains(name,'sample')");
        expect([...params.keys()]).toEqual(['$select', '$filter', '$skiptoken']);
    });

    it('encodes $skiptoken as the Dataverse paging cookie with upper-case braced GUIDs', async () => {
        // research §1.2: <cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22%3e..." istracking="False" />
        const r = await client.get(path, { Prefer: 'odata.maxpagesize=2' });
        const rows = r.json.value as Array<{ accountid: string }>;
        const next = r.json['@odata.nextLink'] as string;
        const token = new URL(next).searchParams.get('$skiptoken')!;
        const m = /^<cookie pagenumber="2" pagingcookie="([^"]+)" istracking="False" \/>$/.exec(token);
        expect(m).not.toBeNull();
        const first = `{${rows[0]!.accountid.toUpperCase()}}`;
        const last = `{${rows[1]!.accountid.toUpperCase()}}`;
        expect(decodeURIComponent(m![1]!)).toBe(
            `<cookie page="1"><accountid last="${last}" first="${first}" /></cookie>`,
        );
        // The inner cookie is itself URL-encoded (lower-case hex, as in the doc), so it is double-encoded in the URL.
        expect(m![1]!.startsWith('%3ccookie%20page%3d%221%22%3e%3caccountid%20last%3d%22%7b')).toBe(true);
        expect(next).toContain('%253ccookie%2520page%253d%25221%2522%253e');

        const page2 = await client.get(next, { Prefer: 'odata.maxpagesize=2' });
        const token2 = new URL(page2.json['@odata.nextLink'] as string).searchParams.get('$skiptoken')!;
        expect(token2).toMatch(/^<cookie pagenumber="3" pagingcookie="%3ccookie%20page%3d%222%22%3e/);
    });

    it('pages until no nextLink, each row once', async () => {
        // research §1.2: "Page until no nextLink is returned."
        const seen: string[] = [];
        let link: string | undefined = api + path;
        let pages = 0;
        while (link) {
            const page = await client.get(link, { Prefer: 'odata.maxpagesize=2' });
            seen.push(...page.json.value.map((v: { accountid: string }) => v.accountid));
            link = page.json['@odata.nextLink'] as string | undefined;
            pages++;
        }
        expect(pages).toBe(3);
        expect([...seen].sort()).toEqual([...sampleIds].sort());
    });
});

describe('default order (research §1.3, §9 note 1)', () => {
    it('orders by the primary key in SQL uniqueidentifier order, and gt follows it', async () => {
        // research §1.3 [inferred]: SQL uniqueidentifier order; §9 note 1: gt/lt use the same comparator
        const r = await client.get('contacts?$select=contactid');
        const ids = r.json.value.map((v: { contactid: string }) => v.contactid) as string[];
        expect(ids.length).toBeGreaterThan(20);
        expect(ids).toEqual([...ids].sort(sqlOrder));
        expect(ids).not.toEqual([...ids].sort());
        const pivot = ids[Math.floor(ids.length / 3)]!;
        const after = await client.get(`contacts?$select=contactid&$filter=contactid gt ${pivot}`);
        expect(after.json.value.map((v: { contactid: string }) => v.contactid)).toEqual(
            ids.filter((id) => sqlOrder(id, pivot) > 0),
        );
    });
});

describe('annotations, lookups and value formats (research §1.4)', () => {
    it('emits lookups as _x_value with a lower-case GUID and no annotations unless asked', async () => {
        // research §1.4, §9 note 4
        const r = await client.get(`contacts(${contactId})?$select=_parentcustomerid_value`);
        expect(Object.keys(r.json as object).sort()).toEqual([
            '@odata.context',
            '@odata.etag',
            '_parentcustomerid_value',
            'contactid',
        ]);
        expect(r.json._parentcustomerid_value).toBe(sampleIds[0]);
        expect(r.json._parentcustomerid_value).toMatch(GUID);
    });

    it('places each requested annotation immediately before its property', async () => {
        // research §1.4: annotation emitted immediately before its property (webapi-examples/09)
        const r = await client.get(`contacts(${contactId})?$select=_parentcustomerid_value,_ownerid_value,statecode`, {
            Prefer: 'odata.include-annotations="*"',
        });
        expect(r.headers.get('Preference-Applied')).toBe('odata.include-annotations="*"');
        const keys = Object.keys(r.json as object);
        const block = (prop: string, annotations: string[]): void => {
            const at = keys.indexOf(prop);
            expect(at).toBeGreaterThan(annotations.length - 1);
            const before = keys.slice(at - annotations.length, at);
            expect(before.sort()).toEqual(annotations.map((a) => `${prop}@${a}`).sort());
        };
        block('_parentcustomerid_value', [FORMATTED, NAVIGATION, LOGICAL]);
        block('_ownerid_value', [FORMATTED, NAVIGATION, LOGICAL]);
        block('statecode', [FORMATTED]);
        expect(r.json[`_parentcustomerid_value@${LOGICAL}`]).toBe('account');
        expect(r.json[`_parentcustomerid_value@${NAVIGATION}`]).toBe('parentcustomerid_account');
        expect(r.json[`_parentcustomerid_value@${FORMATTED}`]).toBe('sample 1');
        expect(r.json[`_ownerid_value@${LOGICAL}`]).toBe('systemuser');
        expect(r.json[`_ownerid_value@${NAVIGATION}`]).toBe('ownerid');
        expect(r.json[`statecode@${FORMATTED}`]).toBe('Active');
    });

    it('honours a list of annotation names', async () => {
        // research §1.4: a list may be given, with wildcards
        const r = await client.get(`contacts(${contactId})?$select=_parentcustomerid_value,statecode`, {
            Prefer: `odata.include-annotations="${LOGICAL}"`,
        });
        expect(Object.keys(r.json as object).filter((k) => k.includes('@') && !k.startsWith('@'))).toEqual([
            `_parentcustomerid_value@${LOGICAL}`,
        ]);
    });

    it('formats currency and dates as the documented formatted values', async () => {
        // research §1.4: "$20,000.00", "4/7/2023 2:59 PM" (user time zone; the simulator's user is on UTC)
        const r = await client.get("accounts?$select=revenue,lastusedincampaign&$filter=name eq 'A%2BB'", {
            Prefer: `odata.include-annotations="${FORMATTED}"`,
        });
        const row = r.json.value[0] as Record<string, unknown>;
        expect(row[`revenue@${FORMATTED}`]).toBe('$20,000.00');
        expect(row.revenue).toBe(20000);
        expect(row[`lastusedincampaign@${FORMATTED}`]).toBe('4/7/2023 2:59 PM');
        expect(row.lastusedincampaign).toBe('2023-04-07T14:59:01Z');
    });

    it('writes datetimes in UTC with Z and no fractional seconds', async () => {
        // research §1.4: "2023-04-07T21:59:01Z"
        const id = await client.create('accounts', { name: 'dates', lastusedincampaign: '2023-04-07T23:59:01+02:00' });
        const r = await client.get(`accounts(${id})?$select=lastusedincampaign,createdon,modifiedon`);
        expect(r.json.lastusedincampaign).toBe('2023-04-07T21:59:01Z');
        expect(r.json.createdon).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(r.json.modifiedon).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('carries a weak row-version etag on each row', async () => {
        // research §1.4: "@odata.etag": "W/\"81359849\""
        const r = await client.get('accounts?$select=name&$top=3');
        for (const row of r.json.value as Array<Record<string, unknown>>) {
            expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
            expect(Object.keys(row)[0]).toBe('@odata.etag');
        }
    });

    it('uses the documented @odata.context forms', async () => {
        // research §1.4: $metadata#accounts(name,revenue) and $metadata#accounts/$entity
        const list = await client.get('accounts?$select=name,revenue&$top=1');
        expect(list.json['@odata.context']).toBe(`${api}$metadata#accounts(name,revenue)`);
        const all = await client.get('accounts?$top=1');
        expect(all.json['@odata.context']).toBe(`${api}$metadata#accounts`);
        const one = await client.get(`accounts(${sampleIds[0]!})`);
        expect(one.json['@odata.context']).toBe(`${api}$metadata#accounts/$entity`);
    });
});

describe('alternate keys in URLs (research §2.3)', () => {
    it('addresses rows by id, by the named primary key and by an Active alternate key', async () => {
        // research §2.3: accounts(<id>), accounts(accountid=<id>), accounts(accountnumber='ABC123')
        const id = await client.create('accounts', { name: 'keyed', accountnumber: 'ABC123' });
        for (const path of [`accounts(${id})`, `accounts(accountid=${id})`, "accounts(accountnumber='ABC123')"]) {
            const r = await client.get(`${path}?$select=name`);
            expect(r.status).toBe(200);
            expect(r.json.accountid).toBe(id);
        }
    });

    it('rejects a non-key column with the documented message', async () => {
        // research §2.3: "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.<table>'. ..."
        const r = await client.get("accounts(name='keyed')");
        expect(r.status).toBe(400);
        expect(r.json.error.message).toMatch(
            /^The key in the request URI is not valid for resource 'Microsoft\.Dynamics\.CRM\.account'\. Ensure that the names and number of key properties match /,
        );
    });

    it('does not accept the named-key form systemusers(systemuserid=...)', async () => {
        // research §2.3: systemuser and team inherit their key 'ownerid' from principal
        const named = await client.get(`systemusers(systemuserid=${userId})`);
        expect(named.status).toBe(400);
        expect(named.json.error.message).toMatch(
            /^The key in the request URI is not valid for resource 'Microsoft\.Dynamics\.CRM\.systemuser'\./,
        );
        const plain = await client.get(`systemusers(${userId})?$select=fullname`);
        expect(plain.status).toBe(200);
        expect(plain.json.systemuserid).toBe(userId);
    });
});

describe('errors (research §7, §9 note 10)', () => {
    it('answers a missing row with 404, 0x80040217 and "<table> With Id = <guid> Does Not Exist"', async () => {
        // research §7: ObjectDoesNotExist
        const id = '00000000-0000-0000-0000-0000000000ab';
        expectError(await client.get(`accounts(${id})`), 404, '0x80040217', `account With Id = ${id} Does Not Exist`);
    });

    it('answers an unknown entity set with 404 and a wrong method with 405', async () => {
        // research §7: 404 (resource missing), 405 (wrong method for resource)
        expectError(await client.get('nosuchthings'), 404, /^0x[0-9a-f]{8}$/);
        expectError(await client.send('PUT', 'accounts'), 405, /^0x[0-9a-f]{8}$/);
    });
});
