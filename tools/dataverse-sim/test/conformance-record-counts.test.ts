/**
 * Conformance of the unbound function RetrieveTotalRecordCount (research §1.1: "a snapshot within the last 24
 * hours" of the total rows of each table named): both documented request forms, the response body, the snapshot's
 * age against the environment's clock, the names it refuses, and the environments that refuse the function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { RECORD_COUNT_SNAPSHOT_MAX_AGE_MS } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let missing: { sim: Simulator; client: Client };
let denied: { sim: Simulator; client: Client };

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 200 }));
    missing = await startTestSimulator({ rows: 0, retrieveTotalRecordCount: 'missing' });
    denied = await startTestSimulator({ rows: 0, retrieveTotalRecordCount: 'denied' });
});
afterAll(async () => {
    await Promise.all([sim.close(), missing.sim.close(), denied.sim.close()]);
});

const rows = (table: string) => sim.dump(table).length;

describe('the documented request forms (research §1.1)', () => {
    it("answers EntityNames=['account','contact'] with the response type's context and the collection of counts", async () => {
        // Function reference: EntityNames Collection(Edm.String); returns RetrieveTotalRecordCountResponse, whose
        // EntityRecordCountCollection has Count (Edm.Int32), IsReadOnly, Keys and Values (Collection(Edm.Int64)).
        const r = await client.get("RetrieveTotalRecordCount(EntityNames=['account','contact'])");
        expect(r.status).toBe(200);
        expect(r.json).toEqual({
            '@odata.context': `${client.api}$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`,
            EntityRecordCountCollection: {
                Count: 2,
                IsReadOnly: false,
                Keys: ['account', 'contact'],
                Values: [rows('account'), rows('contact')],
            },
        });
        expect(rows('account')).toBeGreaterThan(0);
    });

    it('takes the names through a parameter alias, as JSON (the sample) or as an OData collection', async () => {
        // The Web API functions sample: RetrieveTotalRecordCount(EntityNames=@p1)?@p1=["account","contact"]
        const json = await client.get(
            `RetrieveTotalRecordCount(EntityNames=@p1)?@p1=${encodeURIComponent('["lead","account"]')}`,
        );
        expect(json.status).toBe(200);
        expect(json.json.EntityRecordCountCollection).toEqual({
            Count: 2,
            IsReadOnly: false,
            Keys: ['lead', 'account'],
            Values: [rows('lead'), rows('account')],
        });
        const odata = await client.get("RetrieveTotalRecordCount(EntityNames=@p1)?@p1=['opportunity']");
        expect(odata.json.EntityRecordCountCollection.Values).toEqual([rows('opportunity')]);
    });

    it('counts without reading rows, and an empty collection answers an empty one', async () => {
        sim.resetStats();
        await client.get("RetrieveTotalRecordCount(EntityNames=['account'])");
        expect(sim.stats().rowsRead).toBe(0);
        expect(sim.stats().tables.account?.queries).toBe(0);
        const none = await client.get('RetrieveTotalRecordCount(EntityNames=[])');
        expect(none.json.EntityRecordCountCollection).toEqual({ Count: 0, IsReadOnly: false, Keys: [], Values: [] });
    });
});

describe('the snapshot (research §1.1: "a snapshot within the last 24 hours")', () => {
    it('leaves rows written since the snapshot uncounted until it is 24 hours old, then counts them', async () => {
        const count = async () =>
            (await client.get("RetrieveTotalRecordCount(EntityNames=['account'])")).json.EntityRecordCountCollection
                .Values[0] as number;
        // Another test may have aged the snapshot: start from a fresh one.
        sim.advanceClock(RECORD_COUNT_SNAPSHOT_MAX_AGE_MS);
        const before = await count();
        expect(before).toBe(rows('account'));
        await client.create('accounts', { name: 'created after the snapshot' });
        const gone = sim.dump('account')[0]!.accountid as string;
        expect((await client.delete(`accounts(${gone})`)).status).toBe(204);
        await client.create('accounts', { name: 'another one' });
        expect(rows('account')).toBe(before + 1);

        // The clock runs on in real time too: a minute short of 24 hours leaves room for this test's own run.
        sim.advanceClock(RECORD_COUNT_SNAPSHOT_MAX_AGE_MS - 60_000);
        expect(await count()).toBe(before);
        sim.advanceClock(60_000);
        expect(await count()).toBe(before + 1);
    });
});

describe('what it refuses', () => {
    it('a name that is no table: 400 QueryBuilderNoEntity naming it [inferred status and wording]', async () => {
        const r = await client.get("RetrieveTotalRecordCount(EntityNames=['account','acount'])");
        expect(r.status).toBe(400);
        expect(r.json.error).toEqual({
            code: '0x80041102',
            message:
                "The entity with a name = 'acount' with namemapping = 'Logical' was not found in the MetadataCache.",
        });
        // Logical names are lower case: an entity set name or a schema name is no table either.
        expect((await client.get("RetrieveTotalRecordCount(EntityNames=['accounts'])")).status).toBe(400);
        expect((await client.get("RetrieveTotalRecordCount(EntityNames=['Account'])")).status).toBe(400);
    });

    it('a missing or malformed EntityNames parameter: 400', async () => {
        const none = await client.get('RetrieveTotalRecordCount()');
        expect(none.status).toBe(400);
        expect(none.json.error.message).toBe(
            "The parameter 'EntityNames' of the function 'RetrieveTotalRecordCount' is missing.",
        );
        expect((await client.get('RetrieveTotalRecordCount(EntityNames=@p1)')).status).toBe(400);
        const bare = await client.get('RetrieveTotalRecordCount(EntityNames=account)');
        expect(bare.status).toBe(400);
        expect(bare.json.error.message).toContain('is not a collection of strings');
        expect((await client.get("RetrieveTotalRecordCount(EntityNames=['account')")).status).toBe(400);
    });

    it('a POST: 405 (a function is called with GET)', async () => {
        expect((await client.post("RetrieveTotalRecordCount(EntityNames=['account'])", {})).status).toBe(405);
    });
});

describe('environments that refuse the function', () => {
    it("without it (retrieveTotalRecordCount: 'missing'): 404, as for any segment the service does not know", async () => {
        // research §7 (troubleshooting article): "Resource not found for the segment '<segment>'."
        const r = await missing.client.get("RetrieveTotalRecordCount(EntityNames=['account'])");
        expect(r.status).toBe(404);
        expect(r.json.error).toEqual({
            code: '0x8006088a',
            message: "Resource not found for the segment 'RetrieveTotalRecordCount'.",
        });
    });

    it("a caller without the privilege (retrieveTotalRecordCount: 'denied'): 403 PrivilegeDenied", async () => {
        // research §7: 403 for PrivilegeDenied; Web service error codes: 0x80040220 and its message.
        const r = await denied.client.get("RetrieveTotalRecordCount(EntityNames=['account'])");
        expect(r.status).toBe(403);
        expect(r.json.error).toEqual({
            code: '0x80040220',
            message: 'The user does not hold the necessary privileges.',
        });
    });
});

describe('request stats', () => {
    it('count collection reads per table: a $count query is one, a walk of three pages three', async () => {
        sim.resetStats();
        await client.get('contacts?$select=contactid&$count=true', { Prefer: 'odata.maxpagesize=1' });
        expect(sim.stats().tables.contact).toMatchObject({ queries: 1, rowsRead: 1 });
        sim.resetStats();
        let next: string | undefined = 'contacts?$select=contactid';
        while (next) {
            const page = await client.get(next, { Prefer: `odata.maxpagesize=${Math.ceil(rows('contact') / 3)}` });
            next = page.json['@odata.nextLink'];
        }
        expect(sim.stats().tables.contact).toMatchObject({ queries: 3, rowsRead: rows('contact') });
    });
});
