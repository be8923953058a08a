/**
 * Page key ranges over HTTP: the boundaries found by the key walk, turned into `(pk gt lo and pk le hi)`
 * filters, read every source row exactly once under the simulator's SQL Server GUID order, with the
 * user's filter applied and throttling on. This is what copy-page activities will rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient } from '../../src/dataverse/index.js';
import { keyChunk, pageBoundaries, pageFilter, type KeyRange } from '../../src/plan/pages.js';
import { compareSqlGuids, startSimulator, type Simulator } from 'dataverse-sim';
import { FAST_RETRY, SEQUENTIAL_LIMITS, SEQUENTIAL_TIME_SCALE } from './dataverse-helpers.js';

let sim: Simulator;

beforeAll(async () => {
    sim = await startSimulator({
        schema: 'crm',
        rows: 2500,
        seed: 11,
        limits: SEQUENTIAL_LIMITS,
        timeScale: SEQUENTIAL_TIME_SCALE,
    });
});
afterAll(async () => {
    await sim.close();
});

async function readRange(filter: string | undefined): Promise<string[]> {
    const client = createDataverseClient({ url: sim.url, retry: FAST_RETRY });
    const ids: string[] = [];
    for await (const rows of client.queryPages(
        'contacts',
        { select: ['contactid'], ...(filter ? { filter } : {}) },
        { pageSize: 5000 },
    ))
        ids.push(...rows.map((r) => r.contactid as string));
    return ids;
}

describe('page key ranges against the simulator', () => {
    it.each([
        ['all rows', undefined],
        ['active rows only', 'statecode eq 0'],
    ])('cover %s exactly once, each page at most pageSize rows', async (_label, userFilter) => {
        const client = createDataverseClient({ url: sim.url, retry: FAST_RETRY });
        const pageSize = 97;
        const pages = await pageBoundaries(
            client,
            { entitySetName: 'contacts', primaryId: 'contactid' },
            pageSize,
            userFilter,
        );

        const expected = sim
            .dump('contact')
            .filter((row) => userFilter === undefined || row.statecode === 0)
            .map((row) => row.contactid as string);
        expect(pages.rowCount).toBe(expected.length);
        expect(pages.ranges).toHaveLength(Math.ceil(expected.length / pageSize));
        // Boundaries follow the server's (SQL) order, which differs from string order for these keys.
        const his = pages.ranges.flatMap((r) => (r.hi === null ? [] : [r.hi]));
        expect([...his].sort(compareSqlGuids)).toEqual(his);
        expect([...his].sort()).not.toEqual(his);

        // All pages at once, as copy-page activities run; the shared limiter meets the 429s.
        const perPage = await Promise.all(
            pages.ranges.map((range) => readRange(pageFilter(range, 'contactid', userFilter))),
        );
        for (const ids of perPage) expect(ids.length).toBeLessThanOrEqual(pageSize);
        const seen = perPage.flat();
        expect(seen).toHaveLength(expected.length);
        expect(new Set(seen)).toEqual(new Set(expected));
        expect(sim.stats().gate.throttled.requests + sim.stats().gate.throttled.concurrency).toBeGreaterThan(0);
    });

    it('walked in chunks, gives the same pages as one walk, ending on the open-ended range', async () => {
        const client = createDataverseClient({ url: sim.url, retry: FAST_RETRY });
        const table = { entitySetName: 'contacts', primaryId: 'contactid' };
        const pageSize = 50;
        const whole = await pageBoundaries(client, table, pageSize, 'statecode eq 0');
        const ranges: KeyRange[] = [];
        let after: string | null = null;
        let rows = 0;
        for (let chunk = 0; ; chunk++) {
            const part = await keyChunk(client, table, pageSize, {
                filter: 'statecode eq 0',
                after,
                maxPages: 2 ** chunk,
            });
            expect(part.ranges.length).toBeLessThanOrEqual(2 ** chunk + (part.next === null ? 1 : 0));
            ranges.push(...part.ranges);
            rows += part.rowCount;
            if (part.next === null) break;
            expect(part.ranges.at(-1)?.hi).toBe(part.next);
            after = part.next;
        }
        expect(ranges).toEqual(whole.ranges);
        expect(rows).toBe(whole.rowCount);
    });
});
