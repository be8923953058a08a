/**
 * `run --resume` of a run that ended: cancelled (the cancel request is consumed) or stopped by a failure
 * threshold. The run continues where it stopped: completed pages are not read or written again, the counts add
 * up over both attempts, and the failed rows it had reported no longer stop it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuns } from '../../src/host/local-runs.js';
import { requestCancel } from '../../src/run/cancel.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import { validateSpec } from '../../src/spec/index.js';
import { api, dvm, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let other: Pair;

beforeAll(async () => {
    const slow = { schema: 'crm' as const, rows: 600, seed: 31, latencyMs: 15 };
    [pair, other] = await Promise.all([
        simulatorPair(slow, { ...slow, empty: true }),
        simulatorPair({ schema: 'crm', rows: 200, seed: 32 }, { schema: 'crm', rows: 200, seed: 32, empty: true }),
    ]);
});
afterAll(() => Promise.all([pair?.close(), other?.close()]));

async function events(root: string, runId: string): Promise<any[]> {
    const path = join(root, 'runs', runId, 'events.jsonl');
    if (!existsSync(path)) return [];
    return (await readFile(path, 'utf8'))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
}

describe('run --resume of a run that ended', () => {
    it('continues a cancelled run to the end without writing a row twice', { timeout: 120_000 }, async () => {
        const root = join(pair.dir, 'log');
        const specPath = await writeSpec(pair, {
            name: 'continue',
            tables: [{ name: 'account' }, { name: 'contact' }],
            options: { pageSize: 20, writeBatchSize: 20 },
        });
        const spec = validateSpec(JSON.parse(await readFile(specPath, 'utf8')));
        if (!spec.ok) throw new Error('the test spec is not valid');
        const store = createFileRunStore(root);
        const runs = new LocalRuns({ store, root, env: process.env });
        const runId = 'continue-20261207-120000-abcd';
        await runs.start(runId, { runId, spec: spec.spec, trigger: 'test' });
        while ((await events(root, runId)).filter((e) => e.type === 'page').length < 4)
            await new Promise((r) => setTimeout(r, 10));
        await requestCancel(store, runId, { by: 'test', reason: 'to continue it' });
        const cancelled = await runs.wait(runId);
        await runs.stop();
        expect(cancelled.summary?.status).toBe('cancelled');
        const copiedBefore = cancelled.summary!.totals.written;
        expect(copiedBefore).toBeGreaterThan(0);

        const resumed = await dvm(pair, ['run', '--resume', runId, '--json']);
        expect(resumed.code, resumed.stderr).toBe(0);
        const summary = JSON.parse(resumed.stdout);
        expect(summary.status).toBe('succeeded');
        // Into an empty target: every row written once by this run, over both attempts, none twice.
        const rows = pair.source.dump('account').length + pair.source.dump('contact').length;
        expect(summary.totals).toMatchObject({ read: rows, written: rows, failed: 0 });
        // No page was copied twice: the continued run took the results of the pages that had completed.
        const pages = (await events(root, runId)).filter((e) => e.type === 'page' && e.phase === 'copy');
        const seen = new Set(pages.map((e) => `${e.table}:${e.page}`));
        expect(seen.size).toBe(pages.length);
        expect(existsSync(join(root, 'runs', runId, 'cancel.json'))).toBe(false);
        const resumedEvent = (await events(root, runId)).find((e) => e.type === 'resumed');
        expect(resumedEvent.message).toContain('continued after it ended cancelled');
        expect(resumedEvent.message).toContain('the cancel request is consumed');
        expect(resumedEvent.reused).toBeGreaterThan(0);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);

        const again = await dvm(pair, ['run', '--resume', runId]);
        expect(again.code).toBe(0);
        expect(again.stderr).toContain(`run ${runId} has finished (succeeded): nothing to resume`);
    });

    it(
        'continues a run a failure threshold stopped past the failures it had reported',
        { timeout: 120_000 },
        async () => {
            // An account no row points to, so its failure has no knock-on failures in the follow-up.
            const pointedTo = new Set<string>();
            for (const table of ['account', 'contact', 'lead', 'opportunity'])
                for (const row of other.source.dump(table) as Array<Record<string, any>>)
                    for (const value of Object.values(row))
                        if (value?.table === 'account') pointedTo.add(String(value.id).toLowerCase());
            const accounts = other.source.dump('account') as Array<{ accountid: string; accountnumber: string | null }>;
            const key = accounts.find(
                (a) => a.accountnumber && !pointedTo.has(a.accountid.toLowerCase()),
            )!.accountnumber!;
            // A target account already holds one source account's key: that row fails, and maxFailedRows 0 stops the
            // run after the copy tier, before the deferred lookups and states.
            await api(other.target, 'POST', 'accounts', { name: 'Squatter', accountnumber: key });
            const specPath = await writeSpec(
                other,
                {
                    name: 'threshold',
                    tables: [{ name: 'account' }, { name: 'contact' }],
                    options: { pageSize: 50, maxFailedRows: 0 },
                },
                'threshold.json',
            );
            const stopped = await dvm(other, ['run', '--spec', specPath, '--json']);
            const summary = JSON.parse(stopped.stdout);
            expect(summary.status).toBe('failed');
            expect(summary.reason).toMatch(/^stopped: \d+ failed rows, more than maxFailedRows 0$/);
            expect(summary.tables.contact.deferred.read).toBe(0);

            const resumed = await dvm(other, ['run', '--resume', summary.runId, '--json']);
            const continued = JSON.parse(resumed.stdout);
            // Past the threshold that stopped it: the follow-up runs; the rows it had reported still count as failed.
            expect(continued.tables.contact.deferred.written).toBeGreaterThan(0);
            expect(continued.tables.contact.copy).toEqual(summary.tables.contact.copy);
            expect(continued.failedRows).toBe(summary.failedRows);
            expect(continued.status).toBe('failed');
            expect(continued.reason).toBe(`${summary.failedRows} rows failed; see the errors log`);
        },
    );
});
