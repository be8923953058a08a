/**
 * A whole crm migration through the CLI (`run`, then `verify`), the orchestrators played by the local
 * durable host against two simulators: the account/contact cycle, self-references, polymorphic and
 * owner lookups across environments whose users have other ids, inactive and won/lost rows, and
 * many-to-many rows.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import { dvm, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;
let runId: string;
let summary: any;

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
        summary = JSON.parse(run.stdout);
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

    it('writes a row once after its create: its deferred lookups and a plain state in one update', async () => {
        // Work lists of the run: no account or contact row is both in a deferred list and a state list, and rows that
        // close a cycle and are inactive carry their state in the deferred patch.
        const work = join(pair.dir, 'log', 'runs', runId, 'work');
        const ids = async (phase: string, table: string) => {
            const folder = join(work, phase, table);
            const files = await readdir(folder).catch(() => [] as string[]);
            const items = (
                await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(folder, f), 'utf8'))))
            ).flat() as Array<{ sourceId: string; row?: Record<string, unknown> }>;
            return items;
        };
        let carried = 0;
        for (const table of ['account', 'contact']) {
            const deferred = await ids('deferred', table);
            const states = new Set((await ids('state', table)).map((i) => i.sourceId));
            expect(deferred.filter((i) => states.has(i.sourceId))).toEqual([]);
            carried += deferred.filter((i) => i.row?.statecode !== undefined).length;
        }
        expect(carried).toBeGreaterThan(0);
        // The target's own count: every row write of a table is a create or one follow-up, never both follow-ups.
        const tables = pair.target.stats().tables;
        for (const table of ['account', 'contact']) {
            const t = summary.tables[table];
            expect(tables[table]!.rowsWritten).toBe(t.copy.written + t.deferred.written + t.state.written);
            expect(tables[table]!.rowsWritten).toBeLessThanOrEqual(2 * t.copy.read);
        }
    });

    /**
     * Every page of a table's follow-up phase played again without its receipt, as after a worker that stopped before
     * writing it: the work itself runs again, and must find the target already as it should be.
     */
    async function playAgain(phase: 'deferred' | 'state', table: string) {
        const activity = phase === 'deferred' ? 'patchDeferredPage' : 'setStatePage';
        const root = join(pair.dir, 'log');
        await rm(join(root, 'runs', runId, 'receipts', activity), { recursive: true });
        const folder = join(root, 'runs', runId, 'work', phase, table);
        const pages = (await readdir(folder)).map((f) => Number(f.replace('.json', '')));
        expect(pages.length).toBeGreaterThan(0);
        const activities = createActivities({
            store: createFileRunStore(root),
            connect: (spec) => createEnvironmentClients(spec, { env: process.env, userAgent: 'test' }),
        });
        const written = pair.target.stats().rowsWritten;
        for (const page of pages) {
            const outcome: any = await activities[activity](
                { runId, table, page, kind: 'copy' },
                { signal: new AbortController().signal },
            );
            expect(outcome.counts.failed).toBe(0);
            expect(outcome.counts.unchanged).toBe(outcome.counts.read);
        }
        expect(pair.target.stats().rowsWritten).toBe(written);
    }

    it('a deferred page played again writes nothing, the state it carries included', async () => {
        await playAgain('deferred', 'account');
    });

    it('a state page played again (activities run at least once) changes nothing and fails nothing', async () => {
        // Closed opportunities refuse a second WinOpportunity: the page must see they are closed already.
        await playAgain('state', 'opportunity');
    });
});
