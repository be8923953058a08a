import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient } from '../../src/dataverse/index.js';
import { collect, duplicates, FAST_RETRY, STORM_LIMITS, STORM_TIME_SCALE } from './dataverse-helpers.js';

describe('reading through nextLink paging', () => {
    let sim: Simulator;
    beforeAll(async () => {
        sim = await startSimulator({ schema: 'crm', rows: 1500, seed: 11 });
    });
    afterAll(() => sim.close());

    it('returns every row of a table exactly once', async () => {
        const client = createDataverseClient({ url: sim.url });
        const expected = sim.dump('contact').map((row) => row.contactid as string);
        expect(expected.length).toBeGreaterThan(200);
        const pages: number[] = [];
        const rows: Array<Record<string, unknown>> = [];
        for await (const page of client.queryPages(
            'contacts',
            { select: ['contactid', 'lastname'] },
            { pageSize: 97 },
        )) {
            pages.push(page.length);
            rows.push(...page);
        }
        const ids = rows.map((row) => row.contactid as string);
        expect(duplicates(ids)).toEqual([]);
        expect(new Set(ids)).toEqual(new Set(expected));
        expect(pages.length).toBe(Math.ceil(expected.length / 97));
        expect(pages.slice(0, -1).every((n) => n === 97)).toBe(true);
    });

    it('keeps $filter, $orderby and annotations across pages', async () => {
        const client = createDataverseClient({ url: sim.url });
        const all = sim.dump('account');
        const active = all.filter((row) => row.statecode === 0).map((row) => row.accountid as string);
        const rows = await collect(
            client.queryPages(
                'accounts',
                { select: ['accountid', 'name', '_ownerid_value'], filter: 'statecode eq 0', orderBy: 'name asc' },
                { pageSize: 25, annotations: 'Microsoft.Dynamics.CRM.lookuplogicalname' },
            ),
        );
        expect(new Set(rows.map((row) => row.accountid))).toEqual(new Set(active));
        const names = rows.map((row) => String(row.name));
        expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
        expect(
            rows.every((row) =>
                ['systemuser', 'team'].includes(String(row['_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'])),
            ),
        ).toBe(true);
    });

    it('reads single resources and WhoAmI', async () => {
        const client = createDataverseClient({ url: sim.url });
        const me = await client.whoAmI();
        expect(me.UserId).toMatch(/^[0-9a-f-]{36}$/);
        const first = sim.dump('account')[0];
        const row = await client.get<{ accountid: string; name: string }>(
            `accounts(${first?.accountid as string})?$select=name`,
        );
        expect(row.name).toBe(first?.name);
    });

    it('shares one limiter between clients of the same environment and identity', async () => {
        const first = createDataverseClient({ url: sim.url, maxConcurrency: 8 });
        const second = createDataverseClient({ url: sim.url, maxConcurrency: 8 });
        await first.whoAmI();
        expect(second.stats().concurrency).toEqual(first.stats().concurrency);
        expect(second.stats().concurrency.dopHint).toBeGreaterThan(0);
        expect(second.stats().attempts).toBe(0);
    });

    it('reports a missing row as a typed 404 with the Dataverse code', async () => {
        const client = createDataverseClient({ url: sim.url });
        const error = await client.get('accounts(00000000-0000-0000-0000-00000000beef)').catch((e: unknown) => e);
        expect(error).toMatchObject({
            name: 'DataverseError',
            kind: 'http',
            status: 404,
            code: '0x80040217',
            method: 'GET',
        });
        expect((error as Error).message).toContain('/api/data/v9.2/accounts(00000000-0000-0000-0000-00000000beef)');
    });
});

describe('reading under a 429 storm, 5xx bursts and connection resets', () => {
    it('still returns every row exactly once and never counts a 429 as a failure', async () => {
        const sim = await startSimulator({
            schema: 'crm',
            rows: 1200,
            seed: 5,
            limits: STORM_LIMITS,
            timeScale: STORM_TIME_SCALE,
            faults: {
                seed: 9,
                serverError: { rate: 0.08, statuses: [500, 502, 504] },
                unavailable: { rate: 0.04, retryAfterSeconds: 1 },
                reset: { rate: 0.06, afterBytes: [0, 400] },
            },
        });
        try {
            const client = createDataverseClient({ url: sim.url, maxConcurrency: 16, retry: FAST_RETRY });
            const tables = [
                { table: 'account', set: 'accounts' },
                { table: 'contact', set: 'contacts' },
                { table: 'lead', set: 'leads' },
                { table: 'opportunity', set: 'opportunities' },
            ];
            // Tables read in parallel, so the client's concurrency also meets the simulator's concurrency limit.
            const results = await Promise.all(
                tables.map(({ table, set }) =>
                    collect(client.queryPages(set, { select: [`${table}id`] }, { pageSize: 25 })),
                ),
            );
            tables.forEach(({ table }, i) => {
                const ids = (results[i] ?? []).map((row) => row[`${table}id`] as string);
                expect(duplicates(ids)).toEqual([]);
                expect(new Set(ids)).toEqual(new Set(sim.dump(table).map((row) => row[`${table}id`] as string)));
            });
            const stats = client.stats();
            const simStats = sim.stats();
            expect(stats.throttled).toBeGreaterThan(0);
            expect(stats.transientRetries).toBeGreaterThan(0);
            expect(stats.failed).toBe(0);
            expect(stats.concurrency.decreases).toBeGreaterThan(0);
            expect(simStats.statuses['429'] ?? 0).toBeGreaterThan(0);
            expect(Object.values(simStats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        } finally {
            await sim.close();
        }
    });
});
