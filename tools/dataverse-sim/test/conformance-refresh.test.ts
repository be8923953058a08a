/**
 * What a refresh meets on the service (research realworld-gaps W1, W5): a long transaction commits a row whose
 * `modifiedon` is older than rows other writers committed meanwhile (so a `modifiedon ge <max seen>` reader misses it);
 * the organization's change retention is readable as `organizations.expirechangetrackingindays` (default 7,
 * use-change-tracking: "within a default value of 7 days ... the Organization table ExpireChangeTrackingInDays
 * column"); tokens are refused after they were invalidated (as a metadata change does), with ExpiredVersionStamp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const TRACK = { Prefer: 'odata.track-changes' };
const EXPIRED = {
    error: {
        code: '0x80044352',
        message: 'Version stamp associated with the client has expired. Please perform a full sync.',
    },
};

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 0 }));
});
afterAll(async () => {
    await sim.close();
});

describe('a long transaction (modifiedon stamped when it starts, visible when it commits)', () => {
    it('commits a row whose modifiedon is older than a row committed while it ran', async () => {
        const late = await client.create('accounts', { name: 'late, before' });
        const early = await client.create('accounts', { name: 'other, before' });

        const transaction = sim.holdNextWrite();
        const pending = client.patch(`accounts(${late})`, { name: 'late, after' });
        await transaction.arrived;
        sim.advanceClock(5 * 60_000);
        expect((await client.patch(`accounts(${early})`, { name: 'other, after' })).status).toBe(204);

        // Until it commits, readers see the row as it was.
        const before = await client.get(`accounts(${late})?$select=name,modifiedon`);
        expect(before.json.name).toBe('late, before');
        const other = await client.get(`accounts(${early})?$select=modifiedon`);
        const newest = other.json.modifiedon as string;
        const missed = await client.get(`accounts?$select=name&$filter=modifiedon ge ${newest}`);
        expect(missed.json.value.map((r: { name: string }) => r.name)).toEqual(['other, after']);

        transaction.commit();
        expect((await pending).status).toBe(204);
        const after = await client.get(`accounts(${late})?$select=name,modifiedon`);
        expect(after.json.name).toBe('late, after');
        // Stamped when it began: five minutes before the row committed while it ran.
        expect(Date.parse(newest) - Date.parse(after.json.modifiedon as string)).toBe(5 * 60_000);
        // The watermark read of `modifiedon ge <newest>` still does not return it.
        const still = await client.get(`accounts?$select=name&$filter=modifiedon ge ${newest}`);
        expect(still.json.value.map((r: { name: string }) => r.name)).toEqual(['other, after']);
    });

    it('holds only the next write; reads pass by it', async () => {
        const id = await client.create('accounts', { name: 'held create' });
        const transaction = sim.holdNextWrite();
        expect((await client.get(`accounts(${id})?$select=name`)).status).toBe(200);
        const pending = client.delete(`accounts(${id})`);
        await transaction.arrived;
        expect((await client.patch(`accounts(${id})`, { name: 'not held' }, { 'If-Match': '*' })).status).toBe(204);
        expect((await client.get(`accounts(${id})?$select=name`)).json.name).toBe('not held');
        transaction.commit();
        expect((await pending).status).toBe(204);
        expect((await client.get(`accounts(${id})`)).status).toBe(404);
    });
});

describe('change retention and invalidated tokens', () => {
    it('reads the retention from organizations.expirechangetrackingindays, 7 by default', async () => {
        const r = await client.get('organizations?$select=expirechangetrackingindays');
        expect(r.status).toBe(200);
        expect(r.json.value).toHaveLength(1);
        expect(r.json.value[0].expirechangetrackingindays).toBe(7);
    });

    it("refuses a table's tokens issued before an invalidation with ExpiredVersionStamp; a fresh token works", async () => {
        await client.create('contacts', { lastname: 'tracked' });
        const accounts = (await client.get('accounts?$select=name', TRACK)).json['@odata.deltaLink'] as string;
        const contacts = (await client.get('contacts?$select=lastname', TRACK)).json['@odata.deltaLink'] as string;
        sim.invalidateDeltaTokens({ table: 'account' });

        const refused = await client.get(accounts, TRACK);
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual(EXPIRED);
        // Another table's token is untouched.
        expect((await client.get(contacts, TRACK)).status).toBe(200);
        const fresh = (await client.get('accounts?$select=name', TRACK)).json['@odata.deltaLink'] as string;
        const answered = await client.get(fresh, TRACK);
        expect(answered.status).toBe(200);
        expect(answered.json.value).toEqual([]);
    });

    it('answers an invalidation with another 4xx when a test gives one, and refuses answers that are no 4xx', async () => {
        const link = (await client.get('contacts?$select=lastname', TRACK)).json['@odata.deltaLink'] as string;
        const answer = { status: 400, code: '0x80040203', message: 'An answer no document gives.' };
        sim.invalidateDeltaTokens({ answer });
        const refused = await client.get(link, TRACK);
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual({ error: { code: answer.code, message: answer.message } });
        expect(() => sim.invalidateDeltaTokens({ answer: { ...answer, status: 500 } })).toThrow(/must be a 4xx/);
    });
});
