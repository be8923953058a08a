/**
 * A relationship whose side is a filtered table: the run skips the pairs whose row the filter leaves out (that row is
 * never copied), and verify counts them the same way (skipped), so a good run verifies identical. Before, verify
 * counted those pairs missing and said "different" after a run that did everything it should.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const RELATIONSHIP = 'accountleads_association';
let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair({ schema: 'crm', rows: 60, seed: 1 }, { schema: 'crm', rows: 60, seed: 1, empty: true });
    specPath = await writeSpec(pair, {
        name: 'filtered-pairs',
        tables: [{ name: 'account' }, { name: 'lead', filter: 'statecode eq 0' }],
        manyToMany: [RELATIONSHIP],
    });
});

afterAll(async () => {
    await pair?.close();
});

describe('verify of a relationship with a filtered side', () => {
    it('counts the pairs whose row the filter leaves out as skipped, as the run does, and says identical', async () => {
        const leads = pair.source.dump('lead');
        const open = new Set(leads.filter((l) => l.statecode === 0).map((l) => l.leadid as string));
        const pairs = pair.source.dump('accountleads');
        const outside = pairs.filter((p) => !open.has(p.leadid as string)).length;
        // The seed gives both kinds of pair, or the test could not tell the two counts apart.
        expect(outside).toBeGreaterThan(0);
        expect(pairs.length - outside).toBeGreaterThan(0);

        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(code, stderr).toBe(0);
        expect(summary.manyToMany[RELATIONSHIP]).toMatchObject({ written: pairs.length - outside, failed: 0 });

        const { code: verifyCode, report } = await verifyJson(pair, specPath);
        expect(report.manyToMany[RELATIONSHIP]).toMatchObject({ missing: 0, extra: 0, skipped: outside });
        expect(report.identical).toBe(true);
        expect(verifyCode).toBe(0);
    });
});
