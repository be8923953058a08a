/**
 * Conformance of counts and page sizes around the 5,000-row limits (research §1.1 and §1.2): `@odata.count`,
 * the totalrecordcount annotations, `GET <set>/$count` and the maxpagesize clamp. The table is filled with one
 * CreateMultiple call per step (a bulk call is one request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const TOTAL = 'Microsoft.Dynamics.CRM.totalrecordcount';
const EXCEEDED = 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded';
const COUNT_PREFER = `odata.include-annotations="${TOTAL},${EXCEEDED}"`;

let sim: Simulator;
let client: Client;

async function addAccounts(n: number, prefix: string): Promise<void> {
    const Targets = Array.from({ length: n }, (_v, i) => ({
        '@odata.type': 'Microsoft.Dynamics.CRM.account',
        name: `${prefix} ${i}`,
    }));
    const r = await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', { Targets });
    expect(r.status).toBe(200);
}

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 0 }));
    await addAccounts(4998, 'bulk');
    await addAccounts(2, 'few');
});
afterAll(async () => {
    await sim.close();
});

describe('exactly 5,000 rows', () => {
    it('counts 5000 without the limit-exceeded flag', async () => {
        // research §1.1: above 5,000 rows: 5000 and true; otherwise the real count and false
        const r = await client.get('accounts?$select=accountid&$count=true', {
            Prefer: `odata.maxpagesize=1,${COUNT_PREFER}`,
        });
        expect(r.json['@odata.count']).toBe(5000);
        expect(r.json[`@${TOTAL}`]).toBe(5000);
        expect(r.json[`@${EXCEEDED}`]).toBe(false);
    });

    it('gives the real count and false under the limit, and -1 without $count=true', async () => {
        // research §1.1: "Without $count=true, totalrecordcount is -1"
        const few = await client.get("accounts?$select=accountid&$count=true&$filter=startswith(name,'few')", {
            Prefer: COUNT_PREFER,
        });
        expect(few.json['@odata.count']).toBe(2);
        expect(few.json[`@${TOTAL}`]).toBe(2);
        expect(few.json[`@${EXCEEDED}`]).toBe(false);
        const uncounted = await client.get("accounts?$select=accountid&$filter=startswith(name,'few')", {
            Prefer: COUNT_PREFER,
        });
        expect(uncounted.json['@odata.count']).toBeUndefined();
        expect(uncounted.json[`@${TOTAL}`]).toBe(-1);
    });
});

describe('more than 5,000 rows', () => {
    beforeAll(async () => {
        await addAccounts(1, 'extra');
    });

    it('caps @odata.count at 5000 whatever the page size and flags the limit', async () => {
        // research §1.1: @odata.count capped at 5,000; annotations 5000 and true
        const r = await client.get('accounts?$select=accountid&$count=true', {
            Prefer: `odata.maxpagesize=10,${COUNT_PREFER}`,
        });
        expect(r.json.value).toHaveLength(10);
        expect(r.json['@odata.count']).toBe(5000);
        expect(r.json[`@${TOTAL}`]).toBe(5000);
        expect(r.json[`@${EXCEEDED}`]).toBe(true);
        // Order as documented: annotations before value (count-rows.md examples).
        expect(Object.keys(r.json as object).indexOf('@odata.count')).toBeLessThan(
            Object.keys(r.json as object).indexOf('value'),
        );
    });

    it('answers GET accounts/$count as a bare number in text/plain', async () => {
        // research §1.1: GET accounts/$count returns a bare number as Content-Type: text/plain (capped at 5,000)
        const r = await client.get('accounts/$count');
        expect(r.status).toBe(200);
        expect(r.headers.get('Content-Type')).toBe('text/plain');
        expect(r.headers.get('OData-Version')).toBe('4.0');
        expect(r.text).toBe('5000');
        const contacts = await client.get('contacts/$count');
        expect(contacts.text).toBe('0');
    });

    it('returns at most 5000 rows a page by default, with a nextLink', async () => {
        // research §1.2: "If you don't specify a number, up to 5,000 records may be returned for each request."
        const r = await client.get('accounts?$select=accountid');
        expect(r.json.value).toHaveLength(5000);
        const rest = await client.get(r.json['@odata.nextLink'] as string);
        expect(rest.json.value).toHaveLength(1);
        expect(rest.json['@odata.nextLink']).toBeUndefined();
    });

    it('clamps odata.maxpagesize above 5000 to 5000 and says so', async () => {
        // research §1.2: "You can't request a page size larger than 5,000."; §9 note 2: clamp and echo
        const r = await client.get('accounts?$select=accountid', { Prefer: 'odata.maxpagesize=6000' });
        expect(r.headers.get('Preference-Applied')).toBe('odata.maxpagesize=5000');
        expect(r.json.value).toHaveLength(5000);
        expect(typeof r.json['@odata.nextLink']).toBe('string');
    });
});
