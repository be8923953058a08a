/**
 * Runs whose target loses many answers after doing the work (5xx after the commit, connection resets after the
 * response began): every write whose answer was lost is settled by reading the target, never sent again as it was.
 * A committed create sent again would be an update carrying overriddencreatedon, which the service refuses ("not valid
 * for update"), and a state message or an association sent twice is refused or counted wrong.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as RetryPolicy from '../../src/dataverse/retry-policy.js';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

// The clients of the CLI back off 0.5-1 s, then 1-2 s, ... before each retry of a lost answer: real waits that made
// this file take half a minute and that say nothing here (backoff lengths are tested in dataverse-retry-policy and
// dataverse-retry-timing). Shorter steps keep every retry and every settling read; only the waits shrink.
vi.mock('../../src/dataverse/retry-policy.js', async (importOriginal) => {
    const original = await importOriginal<typeof RetryPolicy>();
    return {
        ...original,
        DEFAULT_RETRY_OPTIONS: { ...original.DEFAULT_RETRY_OPTIONS, baseDelayMs: 20, maxDelayMs: 200 },
    };
});

const TABLES = ['account', 'contact', 'lead', 'opportunity'];

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 200, seed: 21 },
        {
            schema: 'crm',
            rows: 200,
            seed: 21,
            empty: true,
            // Every fault comes after the work: each write the client sees fail was applied. 15 % of all requests
            // (five times the rate of the measured incident) keeps five rounds of a write from all losing their answer.
            faults: {
                seed: 4,
                serverError: { rate: 0.1, statuses: [500, 502, 504], afterWorkShare: 1 },
                reset: { rate: 0.05, afterBytes: [0, 64] },
            },
        },
    );
    specPath = await writeSpec(pair, {
        name: 'lost-answers',
        tables: [
            { name: 'account' },
            { name: 'contact' },
            { name: 'lead', deleteMissing: true },
            { name: 'opportunity' },
        ],
        manyToMany: ['accountleads_association'],
        references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
        options: { pageSize: 40, writeBatchSize: 10, maxDeleteShare: 0.25 },
    });
});

afterAll(async () => {
    await pair?.close();
});

/** Every failed row of a run's error log, as `table: message`. */
async function failedRows(summary: any): Promise<string[]> {
    const rows: string[] = [];
    for (const path of summary.log.errors as string[]) {
        const text = await readFile(join(summary.log.location, path), 'utf8');
        rows.push(...text.split('\n').slice(1).filter(Boolean));
    }
    return rows;
}

describe('a run whose target loses answers after the work', () => {
    // Backoffs of the reads that meet a fault add up: a generous guard, not a measure.
    it(
        'copies every row once, sets every state, relates every pair, and verify says identical',
        { timeout: 120_000 },
        async () => {
            const { code, summary, stderr } = await runJson(pair, specPath);
            const failed = await failedRows(summary);
            expect(failed.filter((row) => row.includes('not valid for update'))).toEqual([]);
            expect(failed).toEqual([]);
            if (code !== 0) console.error(stderr);
            expect(code).toBe(0);
            expect(summary.status).toBe('succeeded');
            for (const table of TABLES) {
                const { copy } = summary.tables[table];
                // An empty target: every row created exactly once, those found written by a lost answer included.
                expect(copy.read).toBeGreaterThan(0);
                expect(copy.created).toBe(copy.read);
                expect(copy.written).toBe(copy.read);
            }
            // Each pair related once and counted as written, those whose answer was lost too (never as a duplicate).
            const pairs = summary.manyToMany.accountleads_association;
            expect(pairs.written).toBeGreaterThan(0);
            expect(pairs).toMatchObject({ unchanged: 0, failed: 0 });
            const faults = pair.target.stats().faults;
            expect(faults.serverErrorAfterWork).toBeGreaterThan(0);
            expect(faults.reset).toBeGreaterThan(0);
            const { report } = await verifyJson(pair, specPath);
            expect(report.identical).toBe(true);
        },
    );

    it('deletes rows gone from the source once each, though answers are lost', { timeout: 120_000 }, async () => {
        const leads = pair.source.dump('lead').slice(0, 6);
        for (const lead of leads) await api(pair.source, 'DELETE', `leads(${lead.leadid as string})`);
        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(await failedRows(summary)).toEqual([]);
        if (code !== 0) console.error(stderr, summary.reason);
        expect(code).toBe(0);
        expect(summary.tables.lead.delete).toMatchObject({ read: 6, written: 6, failed: 0 });
        const left = new Set(pair.target.dump('lead').map((row) => row.leadid));
        expect(leads.filter((lead) => left.has(lead.leadid))).toEqual([]);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
