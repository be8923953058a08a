/**
 * Reads of many rows by id against a simulator that enforces the service's 32 KB URL limit
 * (tools/dataverse-sim conformance-addressing.test.ts): the copy engine's filters are cut by their encoded length,
 * so 3,000 ids go in a handful of reads that all fit, where one filter of them all is refused with 414.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, isDataverseError } from '../../src/dataverse/index.js';
import { filterBudget, idFilters } from '../../src/copy/addressing.js';
import { readFiltered } from '../../src/copy/page-read.js';

let sim: Simulator;
beforeAll(async () => {
    sim = await startSimulator({ schema: 'crm', rows: 1200, seed: 21 });
});
afterAll(() => sim.close());

describe('reads by id under the URL limit', () => {
    it('reads 3,000 ids (the contacts there and ids of none) in reads that each fit the URL limit', async () => {
        const client = createDataverseClient({ url: sim.url });
        const present = sim.dump('contact').map((c) => c.contactid as string);
        const absent = Array.from(
            { length: 3000 - present.length },
            (_, i) => `ffffffff-0000-4000-8000-${String(i).padStart(12, '0')}`,
        );
        const select = ['contactid', 'lastname'];
        const filters = idFilters('contactid', [...present, ...absent], filterBudget(select));
        expect(filters.length).toBeGreaterThan(1);
        expect(filters.length).toBeLessThan(10); // a fixed 50 ids per read would take 60
        sim.resetStats();
        const rows = await readFiltered(client, 'contacts', select, filters);
        expect(new Set(rows.map((r) => r.contactid))).toEqual(new Set(present));
        expect(sim.stats().statuses).toEqual({ '200': filters.length });
    });

    it('is refused with the service 414 when the same ids go in one filter', async () => {
        const client = createDataverseClient({ url: sim.url });
        const ids = sim.dump('contact').map((c) => c.contactid as string);
        const [all] = idFilters('contactid', ids, Number.MAX_SAFE_INTEGER);
        const error = await readFiltered(client, 'contacts', ['contactid'], [all!]).catch((e: unknown) => e);
        expect(isDataverseError(error) && error.status).toBe(414);
    });
});
