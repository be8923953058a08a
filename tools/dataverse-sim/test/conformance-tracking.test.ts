/**
 * Conformance of change tracking against the documented Web API behaviour (research §6): the initial
 * track-changes request, deltaLink format, delta responses with `$deletedEntity` rows, `$count` of changes and
 * the query options that track-changes refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const TRACK = { Prefer: 'odata.track-changes' };

let sim: Simulator;
let client: Client;
let api: string;
const ids: string[] = [];

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 0 }));
    api = client.api;
    for (let i = 1; i <= 5; i++) ids.push(await client.create('accounts', { name: `tracked ${i}` }));
});
afterAll(async () => {
    await sim.close();
});

describe('initial request (research §6)', () => {
    it('applies odata.track-changes and returns a deltaLink = the URL plus $deltatoken=<version>!<timestamp>', async () => {
        // research §6: "@odata.deltaLink": "[Org]/api/data/v9.0/accounts?$select=...&$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44"
        const r = await client.get('accounts?$select=name', TRACK);
        expect(r.status).toBe(200);
        expect(r.headers.get('Preference-Applied')).toBe('odata.track-changes');
        expect(r.json.value).toHaveLength(5);
        expect(r.json['@odata.nextLink']).toBeUndefined();
        const link = r.json['@odata.deltaLink'] as string;
        expect(link).toMatch(
            new RegExp(
                `^${api.replace(/[.$]/g, '\\$&')}accounts\\?\\$select=name&\\$deltatoken=\\d+%21\\d\\d%2f\\d\\d%2f\\d{4}%20\\d\\d%3a\\d\\d%3a\\d\\d$`,
            ),
        );
        expect(new URL(link).searchParams.get('$deltatoken')).toMatch(/^\d+!\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    });

    it('pages with nextLink first and gives the deltaLink on the last page only', async () => {
        // research §6 [inferred]: "With many rows, page with nextLink first; the deltaLink comes on the last page."
        const headers = { Prefer: 'odata.track-changes,odata.maxpagesize=2' };
        let link: string | undefined = `${api}accounts?$select=name`;
        const seen: string[] = [];
        let deltaLinks = 0;
        let pages = 0;
        while (link) {
            const page = await client.get(link, headers);
            pages++;
            seen.push(...page.json.value.map((v: { accountid: string }) => v.accountid));
            link = page.json['@odata.nextLink'] as string | undefined;
            if (page.json['@odata.deltaLink'] !== undefined) {
                deltaLinks++;
                expect(link).toBeUndefined();
            }
        }
        expect(pages).toBe(3);
        expect(deltaLinks).toBe(1);
        expect(seen.sort()).toEqual([...ids].sort());
    });

    it.each(['filter', 'orderby', 'top', 'expand'])('refuses $%s with track-changes', async (option) => {
        // research §6: The "$filter|orderby|expand|top" query parameter isn't supported when Change Tracking is enabled.
        const value = { filter: "name eq 'x'", orderby: 'name', top: '1', expand: 'primarycontactid' }[option];
        const r = await client.get(`accounts?$select=name&$${option}=${value}`, TRACK);
        expect(r.status).toBe(400);
        expect(Object.keys(r.json.error as object)).toEqual(['code', 'message']);
        expect(r.json.error.message).toBe(
            `The "$${option}" query parameter isn't supported when Change Tracking is enabled.`,
        );
    });
});

describe('delta request (research §6)', () => {
    it('returns changed rows by version, then deletes as $deletedEntity, and a new deltaLink', async () => {
        // research §6: context ends with /$delta; deletes as
        // {"@odata.context":"[Org]/api/data/v9.0/$metadata#accounts/$deletedEntity","id":"<guid>","reason":"deleted"}
        const initial = await client.get('accounts?$select=name', TRACK);
        const deltaLink = initial.json['@odata.deltaLink'] as string;

        expect((await client.patch(`accounts(${ids[3]!})`, { name: 'tracked 4 changed' })).status).toBe(204);
        const added = await client.create('accounts', { name: 'tracked new' });
        expect((await client.patch(`accounts(${ids[1]!})`, { name: 'tracked 2 changed' })).status).toBe(204);
        expect((await client.delete(`accounts(${ids[0]!})`)).status).toBe(204);
        // A row created and deleted between syncs shows up as a delete.
        const transient = await client.create('accounts', { name: 'transient' });
        expect((await client.delete(`accounts(${transient})`)).status).toBe(204);

        const count = await client.get(
            `accounts/$count?$deltatoken=${new URL(deltaLink).searchParams.get('$deltatoken')!}`,
        );
        expect(count.status).toBe(200);
        expect(count.headers.get('Content-Type')).toBe('text/plain');
        expect(count.text).toBe('5');

        const delta = await client.get(deltaLink, TRACK);
        expect(delta.status).toBe(200);
        expect(delta.json['@odata.context']).toBe(`${api}$metadata#accounts(name)/$delta`);
        const value = delta.json.value as Array<Record<string, unknown>>;
        expect(value.slice(0, 3).map((v) => [v.accountid, v.name])).toEqual([
            [ids[3], 'tracked 4 changed'],
            [added, 'tracked new'],
            [ids[1], 'tracked 2 changed'],
        ]);
        for (const row of value.slice(0, 3)) expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
        const deletedContext = `${api}$metadata#accounts/$deletedEntity`;
        expect(value.slice(3).sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(
            [ids[0]!, transient].sort().map((id) => ({ '@odata.context': deletedContext, id, reason: 'deleted' })),
        );
        expect(value).toHaveLength(5);

        const next = delta.json['@odata.deltaLink'] as string;
        expect(next).not.toBe(deltaLink);
        expect(next.startsWith(`${api}accounts?$select=name&$deltatoken=`)).toBe(true);
        const quiet = await client.get(next, TRACK);
        expect(quiet.json.value).toEqual([]);
        expect(quiet.json['@odata.context']).toBe(`${api}$metadata#accounts(name)/$delta`);
        expect(typeof quiet.json['@odata.deltaLink']).toBe('string');
    });
});

describe('large deltas (use-change-tracking: "If the new or updated item collection is greater than 5000, the user can page")', () => {
    it('pages a delta with nextLinks by the page size, changed rows by version then deletions, the deltaLink last', async () => {
        const initial = await client.get('accounts?$select=name', TRACK);
        const deltaLink = initial.json['@odata.deltaLink'] as string;
        const made: string[] = [];
        for (let i = 0; i < 5; i++) made.push(await client.create('accounts', { name: `paged ${i}` }));
        expect((await client.delete(`accounts(${made[0]!})`)).status).toBe(204);
        expect((await client.delete(`accounts(${made[1]!})`)).status).toBe(204);
        const seen: Array<Record<string, unknown>> = [];
        let link: string | undefined = deltaLink;
        let pages = 0;
        let next: string | undefined;
        while (link) {
            const page = await client.get(link, { Prefer: 'odata.maxpagesize=2' });
            expect(page.status).toBe(200);
            expect(page.json['@odata.context']).toBe(`${api}$metadata#accounts(name)/$delta`);
            pages++;
            seen.push(...(page.json.value as Array<Record<string, unknown>>));
            expect((page.json.value as unknown[]).length).toBeLessThanOrEqual(2);
            link = page.json['@odata.nextLink'] as string | undefined;
            if (!link) next = page.json['@odata.deltaLink'] as string;
            else expect(page.json['@odata.deltaLink']).toBeUndefined();
        }
        // 3 rows still there (changed), then the 2 deletions: 5 entries in 3 pages.
        expect(pages).toBe(3);
        expect(seen.slice(0, 3).map((v) => v.accountid)).toEqual(made.slice(2));
        expect(seen.slice(3).map((v) => v.id)).toEqual(made.slice(0, 2));
        expect(seen.slice(3).every((v) => v.reason === 'deleted')).toBe(true);
        // The new deltaLink starts after everything the pages returned.
        expect(next?.startsWith(`${api}accounts?$select=name&$deltatoken=`)).toBe(true);
        expect((await client.get(next!, TRACK)).json.value).toEqual([]);
    });
});

describe('token retention (use-change-tracking: Organization.ExpireChangeTrackingInDays, default 7)', () => {
    it('refuses a delta token older than the retention with ExpiredVersionStamp, also for $count', async () => {
        const aged = await startTestSimulator({ rows: 0 });
        try {
            const deltaLink = (await aged.client.get('accounts?$select=name', TRACK)).json[
                '@odata.deltaLink'
            ] as string;
            const token = new URL(deltaLink).searchParams.get('$deltatoken')!;
            aged.sim.advanceClock(6 * 86_400_000);
            expect((await aged.client.get(deltaLink, TRACK)).status).toBe(200);
            aged.sim.advanceClock(2 * 86_400_000);
            const expired = await aged.client.get(deltaLink, TRACK);
            expect(expired.status).toBe(400);
            // ExpiredVersionStamp (0x80044352, Web service error codes).
            expect(expired.json).toEqual({
                error: {
                    code: '0x80044352',
                    message: 'Version stamp associated with the client has expired. Please perform a full sync.',
                },
            });
            expect((await aged.client.get(`accounts/$count?$deltatoken=${encodeURIComponent(token)}`)).status).toBe(
                400,
            );
            // A full read gives a fresh token that works again.
            const fresh = (await aged.client.get('accounts?$select=name', TRACK)).json['@odata.deltaLink'] as string;
            expect((await aged.client.get(fresh, TRACK)).status).toBe(200);
        } finally {
            await aged.sim.close();
        }
    });

    it("follows the organization's expirechangetrackingindays, and POST /_sim/advance-clock moves the clock", async () => {
        const aged = await startTestSimulator({ rows: 0 });
        try {
            const org = aged.sim.dump('organization')[0]!;
            expect(org.expirechangetrackingindays).toBe(7);
            const set = await aged.client.patch(`organizations(${org.organizationid as string})`, {
                expirechangetrackingindays: 1,
            });
            expect(set.status).toBe(204);
            const deltaLink = (await aged.client.get('accounts?$select=name', TRACK)).json[
                '@odata.deltaLink'
            ] as string;
            const moved = await fetch(`${aged.sim.url}/_sim/advance-clock`, {
                method: 'POST',
                body: JSON.stringify({ days: 1.5 }),
            });
            expect(moved.status).toBe(200);
            expect((await aged.client.get(deltaLink, TRACK)).json.error?.code).toBe('0x80044352');
            const bad = await fetch(`${aged.sim.url}/_sim/advance-clock`, { method: 'POST', body: '{"ms": -1}' });
            expect(bad.status).toBe(400);
        } finally {
            await aged.sim.close();
        }
    });
});
