/**
 * The budget of page rows in flight (src/copy/page-budget.ts) through whole runs: with a budget of one byte every
 * copy page holds it alone, one after another, and the run ends exactly as with the default budget (every row read
 * and written once, verify identical); a host stopped while pages wait for the budget leaves a run that resumes to
 * the same end.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuns } from '../../src/host/local-runs.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import { validateSpec } from '../../src/spec/index.js';
import { dvm, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let alone: Pair;
let stopped: Pair;

beforeAll(async () => {
    const crm = { schema: 'crm' as const, rows: 240, seed: 41, latencyMs: 5 };
    [alone, stopped] = await Promise.all([
        simulatorPair(crm, { ...crm, empty: true }),
        simulatorPair(crm, { ...crm, empty: true }),
    ]);
});
afterAll(() => Promise.all([alone?.close(), stopped?.close()]));

const TABLES = ['account', 'contact'] as const;

async function pageEvents(root: string, runId: string): Promise<number> {
    const path = join(root, 'runs', runId, 'events.jsonl');
    if (!existsSync(path)) return 0;
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l.includes('"type":"page"')).length;
}

async function startRun(pair: Pair, runId: string) {
    const root = join(pair.dir, 'log');
    const specPath = await writeSpec(pair, {
        name: 'budget',
        tables: TABLES.map((name) => ({ name })),
        options: { pageSize: 20, writeBatchSize: 10 },
    });
    const spec = validateSpec(JSON.parse(await readFile(specPath, 'utf8')));
    if (!spec.ok) throw new Error('the test spec is not valid');
    // One byte: every page is heavier than the budget, so each copies alone.
    const runs = new LocalRuns({ store: createFileRunStore(root), root, env: process.env, pageBytes: 1 });
    await runs.start(runId, { runId, spec: spec.spec, trigger: 'test' });
    return { runs, root, specPath };
}

const sourceRows = (pair: Pair) => TABLES.reduce((n, t) => n + pair.source.dump(t).length, 0);

describe('page rows in flight bounded in bytes', () => {
    it(
        'copies pages one at a time under a one-byte budget, to the same end as ever',
        { timeout: 120_000 },
        async () => {
            const runId = 'budget-20261208-030000-aaaa';
            const { runs, specPath } = await startRun(alone, runId);
            const result = await runs.wait(runId);
            await runs.stop();
            expect(result.summary?.status).toBe('succeeded');
            const rows = sourceRows(alone);
            expect(result.summary?.totals).toMatchObject({ read: rows, written: rows, failed: 0 });
            expect(result.summary?.tables.account?.pages).toBeGreaterThan(1);
            expect((await verifyJson(alone, specPath)).report.identical).toBe(true);
        },
    );

    it('resumes a run whose host stopped while its pages waited for the budget', { timeout: 120_000 }, async () => {
        const runId = 'budget-20261208-030000-bbbb';
        const { runs, root, specPath } = await startRun(stopped, runId);
        while ((await pageEvents(root, runId)) < 2) await new Promise((r) => setTimeout(r, 10));
        await runs.stop();

        const resumed = await dvm(stopped, ['run', '--resume', runId, '--json']);
        expect(resumed.code, resumed.stderr).toBe(0);
        const summary = JSON.parse(resumed.stdout);
        expect(summary.status).toBe('succeeded');
        const rows = sourceRows(stopped);
        expect(summary.totals).toMatchObject({ read: rows, written: rows, failed: 0 });
        expect((await verifyJson(stopped, specPath)).report.identical).toBe(true);
    });
});
