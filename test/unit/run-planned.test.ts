/**
 * Planned totals from a run's listing documents (in a real file run store): a table listed whole, one walked in
 * chunks (complete only when the chunks run without a gap to one that says no more follow), and one not listed yet.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedTotals } from '../../src/run/planned.js';
import { createFileRunStore, runPaths } from '../../src/runlog/index.js';
import type { RunStore } from '../../src/runlog/types.js';

let dir: string;
let store: RunStore;
const runId = 'plan-20261207-120000-abcd';
const paths = runPaths(runId);
const listing = (pages: number, rows: number, more = false) => ({ table: 'x', mode: 'full', pages, rows, more });

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dvm-planned-'));
    store = createFileRunStore(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('plannedTotals', () => {
    it('adds up whole listings and chunks, and says which tables are complete', async () => {
        await store.writeJson(paths.listing('contact'), listing(3, 120));
        await store.writeJson(paths.listing('account', 0), listing(2, 100, true));
        await store.writeJson(paths.listing('account', 1), listing(4, 190, false));
        // Page lists beside the listings are not read (they can be large), and neither is anything unparseable.
        await store.writeJson(paths.pages('account', 'copy-0'), { ranges: [], rowCount: 100 });
        await store.writeJson(paths.listing('broken'), { pages: 'many' });

        const totals = await plannedTotals(store, runId, ['account', 'contact', 'lead']);
        expect(totals.tables).toEqual({
            account: { pages: 6, rows: 290, complete: true },
            contact: { pages: 3, rows: 120, complete: true },
            lead: { pages: 0, rows: 0, complete: false },
        });
        expect(totals).toMatchObject({ pages: 9, rows: 410, complete: false });
    });

    it('is incomplete while a chunked walk goes on or a chunk is missing, complete once every table is listed', async () => {
        await store.writeJson(paths.listing('lead', 0), listing(1, 50, true));
        await store.writeJson(paths.listing('lead', 2), listing(1, 10, false));
        const gap = await plannedTotals(store, runId, ['account', 'contact', 'lead']);
        expect(gap.tables.lead).toEqual({ pages: 2, rows: 60, complete: false });
        await store.writeJson(paths.listing('lead', 1), listing(2, 100, true));
        const done = await plannedTotals(store, runId, ['account', 'contact', 'lead']);
        expect(done.tables.lead).toEqual({ pages: 4, rows: 160, complete: true });
        expect(done).toMatchObject({ pages: 13, rows: 570, complete: true });
    });

    it('knows nothing of a run without listings', async () => {
        expect(await plannedTotals(store, 'none-20261207-120000-abcd', [])).toEqual({
            pages: 0,
            rows: 0,
            complete: false,
            tables: {},
        });
    });
});
