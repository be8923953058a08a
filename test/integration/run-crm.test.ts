/**
 * A whole crm migration through the CLI (`run`, then `verify`), the orchestrators played by the local
 * durable host against two simulators: the account/contact cycle, self-references, polymorphic and
 * owner lookups across environments whose users have other ids, inactive and won/lost rows, and
 * many-to-many rows.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import { dvm, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;
let runId: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 600, seed: 7 },
        { schema: 'crm', rows: 600, seed: 7, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'crm-test',
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }, { name: 'opportunity' }],
        manyToMany: ['accountleads_association', 'contactleads_association'],
        references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
        options: { pageSize: 100, writeBatchSize: 50 },
    });
});

afterAll(async () => {
    await pair?.close();
});

describe('a crm migration into an empty target', () => {
    it('runs, and verify says identical', async () => {
        const run = await dvm(pair, ['run', '--spec', specPath, '--json']);
        if (run.code !== 0) console.error(run.stderr, run.stdout);
        expect(run.code).toBe(0);
        const summary = JSON.parse(run.stdout);
        runId = summary.runId;
        expect(summary.status).toBe('succeeded');
        for (const table of ['account', 'contact', 'lead', 'opportunity']) {
            const t = summary.tables[table];
            expect(t.copy.read).toBeGreaterThan(0);
            expect(t.copy.read).toBe(t.copy.written + t.copy.skipped + t.copy.failed);
            expect(t.copy.failed).toBe(0);
        }
        const verify = await dvm(pair, ['verify', '--spec', specPath, '--json']);
        if (verify.code !== 0) {
            const r = JSON.parse(verify.stdout);
            console.error(
                JSON.stringify(
                    Object.fromEntries(
                        Object.entries(r.tables).map(([k, v]: any) => [
                            k,
                            { ...v, samples: v.samples.different.slice(0, 3) },
                        ]),
                    ),
                ),
            );
        }
        expect(verify.code).toBe(0);
        expect(JSON.parse(verify.stdout).identical).toBe(true);
    });

    it('a state page played again (activities run at least once) changes nothing and fails nothing', async () => {
        // Closed opportunities refuse a second WinOpportunity: the page must see they are closed already. Without
        // its receipt, as after a worker that stopped before writing it: the work itself runs again.
        const root = join(pair.dir, 'log');
        await rm(join(root, 'runs', runId, 'receipts', 'setStatePage'), { recursive: true });
        const folder = join(root, 'runs', runId, 'work', 'state', 'opportunity');
        const pages = (await readdir(folder)).map((f) => Number(f.replace('.json', '')));
        expect(pages.length).toBeGreaterThan(0);
        const activities = createActivities({
            store: createFileRunStore(root),
            connect: (spec) => createEnvironmentClients(spec, { env: process.env, userAgent: 'test' }),
        });
        const written = pair.target.stats().rowsWritten;
        for (const page of pages) {
            const outcome: any = await activities.setStatePage(
                { runId, table: 'opportunity', page, kind: 'copy' },
                { signal: new AbortController().signal },
            );
            expect(outcome.counts.failed).toBe(0);
            expect(outcome.counts.unchanged).toBe(outcome.counts.read);
        }
        expect(pair.target.stats().rowsWritten).toBe(written);
    });
});
