/**
 * Whole runs against environments that misbehave as Dataverse does: a target that goes away for a moment (the run
 * waits and completes), a target past the outage budget (the page's activity fails, with no row failed, and the same
 * activity completes once the target is back: what the orchestrator's retry or a new run does), and a target whose
 * database times out big batches and deadlocks concurrent writers (the run completes, identical).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { describeError } from '../../src/dataverse/index.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { crashStop } from '../../src/run/stop-rules.js';
import { createFileRunStore, runPaths } from '../../src/runlog/index.js';
import type { MigrationSpec } from '../../src/spec/index.js';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair | undefined;
afterEach(async () => {
    await pair?.close();
    pair = undefined;
});

/** Copy pages the run's events log has recorded so far. */
async function copiedPages(logDir: string): Promise<number> {
    const runs = join(logDir, 'runs');
    if (!existsSync(runs)) return 0;
    const [runId] = await readdir(runs);
    const events = join(runs, runId ?? '', 'events.jsonl');
    if (!runId || !existsSync(events)) return 0;
    return (await readFile(events, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"type":"page"') && line.includes('"phase":"copy"')).length;
}

describe('a run whose target goes away', () => {
    it(
        'waits while the target refuses connections, then completes with nothing failed',
        { timeout: 120_000 },
        async () => {
            const slow = { schema: 'crm' as const, rows: 400, seed: 8, latencyMs: 10 };
            pair = await simulatorPair(slow, { ...slow, empty: true });
            const target = pair.target;
            const specPath = await writeSpec(pair, {
                name: 'outage',
                tables: [{ name: 'account' }, { name: 'contact' }],
                options: { pageSize: 25, writeBatchSize: 25 },
            });
            const run = runJson(pair, specPath);
            const logDir = join(pair.dir, 'log');
            while ((await copiedPages(logDir)) < 3) await new Promise((resolve) => setTimeout(resolve, 10));
            await target.beginOutage('refuse', { seconds: 1.5 });
            const pagesBefore = await copiedPages(logDir);
            const ended = new Promise<number>((resolve) => setTimeout(() => resolve(Date.now()), 1500));

            const { code, summary, stderr } = await run;
            expect(code, stderr).toBe(0);
            // The outage came in the middle of the copy, and the run outlasted it.
            const pages = Object.values<any>(summary.tables).reduce((n: number, t: any) => n + t.pages, 0);
            expect(pagesBefore).toBeLessThan(pages);
            expect(Date.now()).toBeGreaterThanOrEqual(await ended);
            expect(summary.status).toBe('succeeded');
            expect(summary.failedRows).toBe(0);
            expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
        },
    );

    it('past the outage budget, fails the page activity with no row failed; once back, the page copies', async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 60, seed: 3 },
            { schema: 'crm', rows: 60, seed: 3, empty: true },
        );
        const { source, target } = pair;
        const store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-outage-')));
        const connect = (spec: MigrationSpec) =>
            createEnvironmentClients(spec, { env: process.env, userAgent: 'test' });
        const activities = createActivities({ store, connect });
        const runId = 'outage-20261201-120000-abcd';
        const signal = new AbortController().signal;
        const spec = {
            name: 'outage',
            source: { url: source.url },
            target: { url: target.url },
            tables: [{ name: 'account' }],
            options: { outageBudgetSeconds: 0.5 },
        };
        const planned: any = await activities.planRun(
            { runId, spec, trigger: 'test', startedAt: '2026-12-01T12:00:00Z' },
            { signal },
        );
        expect(planned.problems).toEqual([]);
        await activities.listPages({ runId, table: 'account', mode: 'full' }, { signal });

        await target.beginOutage('refuse');
        const page = { runId, table: 'account', page: 0, kind: 'copy' as const };
        const error = await activities.copyPage(page, { signal }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'outage' });
        // The run's reason, as the orchestrator makes it from the activity's failure: one line naming the outage.
        const reason = crashStop(new Error(`Activity function copyPage failed: ${describeError(error)}`)).reason;
        expect(reason).toMatch(
            new RegExp(
                `^the run failed: Activity function copyPage failed: .*the environment ${target.url} has been unavailable for [0-9.]+ s \\(last: ECONNREFUSED`,
            ),
        );
        expect(reason).toContain('longer than the outage budget of 0.5 s (options.outageBudgetSeconds)');
        expect(reason).not.toContain('\n');
        // No row was counted failed: the run's error log has nothing for the table.
        expect(await store.readText(runPaths(runId).errors('account'))).toBeUndefined();

        await target.endOutage();
        const done: any = await activities.copyPage(page, { signal });
        expect(done.counts).toMatchObject({ failed: 0 });
        expect(done.counts.written).toBe(done.counts.read);
        expect(done.counts.read).toBeGreaterThan(0);
    });
});

describe('a run whose target database times out big batches and deadlocks concurrent writers', () => {
    it('halves the batches, retries the deadlocks, and leaves the target identical', { timeout: 120_000 }, async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 600, seed: 12 },
            {
                schema: 'crm',
                rows: 600,
                seed: 12,
                empty: true,
                latencyMs: 15,
                faults: {
                    seed: 4,
                    sqlTimeout: { ratePerRow: 0.02, minRows: 20 },
                    // Deadlocks need writers of one table in flight together, which timing decides: 12 pages a table
                    // make some in every run (7-9 measured; 3 pages of 100 at 0.03 met none in two runs of three).
                    deadlock: { ratePerConcurrentWriter: 0.1 },
                },
            },
        );
        const specPath = await writeSpec(pair, {
            name: 'sqlfaults',
            tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }],
            options: { pageSize: 50, writeBatchSize: 50 },
        });
        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(code, stderr).toBe(0);
        expect(summary.failedRows).toBe(0);
        const faults = pair.target.stats().faults;
        expect(faults.sqlTimeout).toBeGreaterThan(0);
        expect(faults.deadlock).toBeGreaterThan(0);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
