/**
 * Activities run at least once: every activity of a whole run (the account/contact cycle with its deferred lookups,
 * won and lost opportunities, a many-to-many relationship, deletes, incremental state) is executed twice with the
 * same input, through the activity table both hosts dispatch from. The second execution returns the first one's
 * result from its receipt and does nothing again: no request to either environment, no line in the events or the
 * errors log, no second commit of the incremental state. Then each writing activity runs once more without its
 * receipt, as after a worker that stopped between the work and the receipt: the work itself is safe to repeat.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from 'dataverse-sim';
import { createActivities, type ActivityName, type ActivityTable } from '../../src/activities/index.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { finishedRun, emptyTableSummary, type TableSummary } from '../../src/run/summary.js';
import { addCounts, emptyCounts, type PhaseCounts } from '../../src/run/outcomes.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import { runPaths, statePath } from '../../src/runlog/layout.js';
import { api } from './run-helpers.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let source: Sim;
let target: Sim;
let root: string;
let activities: ActivityTable;
const runId = 'twice-20261201-120000-abcd';
const SPEC = 'twice';
const options = () => ({ signal: new AbortController().signal });

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 240, seed: 9 }),
        startSimulator({ schema: 'crm', rows: 240, seed: 9, empty: true }),
    ]);
    root = await mkdtemp(join(tmpdir(), 'dvm-twice-'));
    activities = createActivities({
        store: createFileRunStore(root),
        connect: (spec) => createEnvironmentClients(spec, { env: process.env, userAgent: 'test' }),
    });
    // Rows only the target has: the delete phase's work.
    for (let i = 0; i < 3; i++) await api(target, 'POST', 'leads', { lastname: `Only in the target ${i}` });
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

/** What a second execution must not change: requests to both sides, rows written, and the run's logs. */
async function sideEffects() {
    const paths = runPaths(runId);
    const lines = async (path: string) =>
        (await readFile(join(root, path), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    const errors = await Promise.all(
        ['account', 'contact', 'lead', 'opportunity', 'accountleads_association'].map((t) => lines(paths.errors(t))),
    );
    return {
        source: source.stats().requests,
        target: { requests: target.stats().requests, rowsWritten: target.stats().rowsWritten },
        events: await lines(paths.events),
        errors,
    };
}

/** Runs an activity twice with the same input: the same result, and nothing done the second time. */
async function twice(name: ActivityName, input: unknown): Promise<any> {
    const first: any = await activities[name](input, options());
    const before = await sideEffects();
    const second = await activities[name](input, options());
    expect(second, `${name} ${JSON.stringify(input)}`).toEqual(first);
    expect(await sideEffects(), `${name} ${JSON.stringify(input)}`).toEqual(before);
    return first;
}

const writeRequests = () => {
    const { GET: _reads, ...writes } = target.stats().methods;
    return Object.values(writes).reduce((a, b) => a + b, 0);
};

/**
 * A writing activity twice, then once more without the receipts of those executions, as after a worker that stopped
 * between the work and its receipt: the work itself is safe to repeat. No row is written again, and the counts move
 * only from written to unchanged, where no write intent records what the first execution wrote (copy pages keep one).
 */
async function thrice(name: ActivityName, input: unknown): Promise<any> {
    const first = await twice(name, input);
    await rm(join(root, runPaths(runId).root, 'receipts', name), { recursive: true, force: true });
    const written = target.stats().rowsWritten;
    const requests = writeRequests();
    const again: any = await activities[name](input, options());
    const what = `${name} again ${JSON.stringify(input)}`;
    expect(target.stats().rowsWritten, what).toBe(written);
    // The requests differ (the repeat finds the rows written and only reads): the rows are what must not move.
    const rowsOf = (counts: any) => ({ ...counts, requests: undefined });
    if (name === 'copyPage') expect(rowsOf(again.counts), what).toEqual(rowsOf(first.counts));
    else
        expect(rowsOf(again.counts), what).toEqual({
            ...rowsOf(first.counts),
            written: 0,
            skipped: first.counts.skipped + first.counts.written,
            unchanged: first.counts.unchanged + first.counts.written,
        });
    // Associations are answered "already related" by the service: sent, but nothing written.
    if (name !== 'associatePage') expect(writeRequests(), what).toBe(requests);
    return first;
}

const SPEC_INPUT = () => ({
    name: SPEC,
    source: { url: source.url },
    target: { url: target.url },
    tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead', deleteMissing: true }, { name: 'opportunity' }],
    manyToMany: ['accountleads_association'],
    references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
    options: { pageSize: 40, writeBatchSize: 25, incremental: true, maxDeleteShare: 0.5 },
});

describe('every activity of a run, executed twice', () => {
    it(
        'does its work once: the second execution changes nothing and returns the same result',
        { timeout: 120_000 },
        async () => {
            const plan = await twice('planRun', {
                runId,
                spec: SPEC_INPUT(),
                trigger: 'test',
                startedAt: '2026-12-01T12:00:00Z',
            });
            expect(plan.problems).toEqual([]);
            const tables: Record<string, TableSummary> = {};
            const manyToMany: Record<string, PhaseCounts> = {};
            const add = (table: string, phase: 'copy' | 'deferred' | 'state' | 'delete', counts: PhaseCounts) =>
                (tables[table]![phase] = addCounts(tables[table]![phase], counts));

            const copied = new Map<string, any[]>();
            for (const table of (plan.tiers as string[][]).flat()) {
                tables[table] = {
                    ...emptyTableSummary(plan.tables[table].mode),
                    copy: { ...emptyCounts(), created: 0, updated: 0, cleared: 0 },
                };
                const listing = await twice('listPages', { runId, table, mode: plan.tables[table].mode });
                tables[table].pages = listing.pages;
                const pages = [];
                for (let page = 0; page < listing.pages; page++) {
                    const outcome = await thrice('copyPage', { runId, table, page, kind: 'copy' });
                    add(table, 'copy', outcome.counts);
                    pages.push(outcome);
                }
                tables[table].completed = true;
                copied.set(table, pages);
            }
            for (const [table, pages] of copied) {
                for (const { page, deferredWork } of pages) {
                    if (deferredWork > 0)
                        add(
                            table,
                            'deferred',
                            (await thrice('patchDeferredPage', { runId, table, page, kind: 'copy' })).counts,
                        );
                }
            }
            for (const [table, pages] of copied) {
                for (const { page, stateWork } of pages) {
                    if (stateWork > 0)
                        add(
                            table,
                            'state',
                            (await thrice('setStatePage', { runId, table, page, kind: 'copy' })).counts,
                        );
                }
            }
            for (const relationship of plan.manyToMany as string[]) {
                const listing = await twice('listRelationshipPages', { runId, relationship });
                manyToMany[relationship] = emptyCounts();
                for (let page = 0; page < listing.pages; page++) {
                    const outcome = await thrice('associatePage', { runId, relationship, page });
                    manyToMany[relationship] = addCounts(manyToMany[relationship], outcome.counts);
                }
            }
            for (const table of plan.deletes as string[]) {
                const listing = await twice('listDeletePages', { runId, table });
                for (let page = 0; page < listing.pages; page++) {
                    const found = await twice('findDeletes', { runId, table, page, source: 'range' });
                    if (found.candidates > 0)
                        add(table, 'delete', (await thrice('deletePage', { runId, table, page })).counts);
                }
            }
            await twice('logEvent', {
                runId,
                event: { type: 'phase', phase: 'twice', message: 'every activity twice' },
            });

            // Every phase of every table ran to its end: what lets the finish commit a table's state.
            for (const t of Object.values(tables)) t.done = { ...t.done, copy: true, deferred: true, state: true };

            // Every phase had work, and nothing failed.
            const written = (phase: 'copy' | 'deferred' | 'state' | 'delete') =>
                Object.values(tables).reduce((n, t) => n + t[phase].written, 0);
            expect(Math.min(written('copy'), written('deferred'), written('state'))).toBeGreaterThan(0);
            expect(written('delete')).toBe(3);
            expect(manyToMany.accountleads_association!.written).toBeGreaterThan(0);

            // The finish commits the incremental state once: a state written after it (by a later run) stays.
            const summary = finishedRun({
                runId,
                trigger: 'test',
                startedAt: new Date('2026-12-01T12:00:00Z'),
                finishedAt: new Date('2026-12-01T12:05:00Z'),
                plan: { spec: SPEC, source: source.url, target: target.url, problems: [], warnings: plan.warnings },
                tables,
                manyToMany,
            });
            expect(summary.status).toBe('succeeded');
            const finished = await activities.finishRun(summary, options());
            const committed = join(root, statePath(source.url, target.url, 'account'));
            const state = JSON.parse(await readFile(committed, 'utf8'));
            expect(state.runId).toBe(runId);
            await writeFile(committed, JSON.stringify({ ...state, runId: 'a-later-run' }));
            const summaryText = await readFile(join(root, runPaths(runId).summary), 'utf8');
            const before = await sideEffects();
            expect(await activities.finishRun(summary, options())).toEqual(finished);
            expect(await sideEffects()).toEqual(before);
            expect(JSON.parse(await readFile(committed, 'utf8')).runId).toBe('a-later-run');
            expect(await readFile(join(root, runPaths(runId).summary), 'utf8')).toBe(summaryText);
        },
    );
});
