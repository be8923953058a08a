/**
 * A generated crm dataset with activities (the simulator's `activities: true`: e-mails, appointments, phone calls and
 * tasks with parties of every kind, many closed) migrates into its empty counterpart; verify finds it identical and a
 * re-run writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;
const TABLES = ['account', 'contact', 'lead', 'opportunity', 'email', 'appointment', 'phonecall', 'task'];

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 150, seed: 11, activities: true },
        { schema: 'crm', rows: 150, seed: 11, empty: true },
    );
    specPath = await writeSpec(pair, { name: 'activities', tables: TABLES.map((name) => ({ name })) });
});
afterAll(() => pair?.close());

describe('generated activities', () => {
    it('migrate with their parties, verify identical, and a re-run writes nothing', async () => {
        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(code, stderr).toBe(0);
        for (const t of ['email', 'appointment', 'phonecall', 'task']) expect(summary.tables[t].copy.failed, t).toBe(0);
        const parties = (sim: Pair['source']) => sim.dump('activityparty').length;
        expect(parties(pair.target)).toBe(parties(pair.source));
        const verified = await verifyJson(pair, specPath);
        expect(verified.report.identical, JSON.stringify(verified.report.tables.email?.samples)).toBe(true);
        const again = await runJson(pair, specPath);
        for (const t of TABLES) expect(again.summary.tables[t].copy.written, t).toBe(0);
    });
});
