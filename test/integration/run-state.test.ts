/**
 * Honest incremental state, end to end through the CLI: state is kept per source and target (a spec re-pointed at
 * an empty target copies everything), and a table's state advances only when every phase of it finished without
 * failed rows, so after a stop by maxFailedRows, refused deletes or a crash the next refresh still finds and
 * fixes what the run left undone.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from 'dataverse-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { crashStop } from '../../src/run/stop-rules.js';
import { emptyTableSummary, finishedRun } from '../../src/run/summary.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import type { MigrationSpec } from '../../src/spec/index.js';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair, type Sim } from './run-helpers.js';

/** The `table-mode` lines of a run's events: why each table ran in full or incrementally. */
async function tableModes(pair: Pair, runId: string): Promise<Record<string, string>> {
    const text = await readFile(join(pair.dir, 'log', 'runs', runId, 'events.jsonl'), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const events = lines.map((l) => JSON.parse(l) as { type: string; table?: string; message?: string });
    return Object.fromEntries(events.filter((e) => e.type === 'table-mode').map((e) => [e.table, e.message]));
}

/** The run-finished event's list of tables whose state stayed where it was, and why. */
async function stateKept(pair: Pair, runId: string): Promise<Record<string, string> | undefined> {
    const text = await readFile(join(pair.dir, 'log', 'runs', runId, 'events.jsonl'), 'utf8');
    const finished = text
        .split('\n')
        .filter((l) => l.includes('"incrementalStateKept"'))
        .map((l) => JSON.parse(l) as { incrementalStateKept: Record<string, string> });
    return finished[0]?.incrementalStateKept;
}

describe('a spec re-pointed at another target', () => {
    let pair: Pair;
    let second: Sim;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 120, seed: 31 },
            { schema: 'crm', rows: 120, seed: 31, empty: true },
        );
        second = await startSimulator({ schema: 'crm', rows: 120, seed: 31, empty: true });
    });
    afterAll(async () => {
        await Promise.all([pair?.close(), second?.close()]);
    });

    it('copies everything into the new, empty target (state is kept per source and target)', async () => {
        const spec = {
            name: 'repointed',
            tables: [{ name: 'account' }, { name: 'contact' }],
            options: { pageSize: 50, incremental: true },
        };
        // State an earlier version kept by spec name only: never read, the run says so.
        await mkdir(join(pair.dir, 'log', 'state', 'repointed'), { recursive: true });
        const legacy = { kind: 'watermark', column: 'modifiedon', value: '2999-01-01T00:00:00Z', takenAt: 'x' };
        await writeFile(join(pair.dir, 'log', 'state', 'repointed', 'account.json'), JSON.stringify(legacy));

        const first = await runJson(pair, await writeSpec(pair, spec));
        expect(first.code, first.stderr).toBe(0);
        expect(first.summary.tables.account.mode).toBe('full');
        const firstModes = await tableModes(pair, first.summary.runId);
        expect(firstModes.account).toMatch(/^full: its state from an earlier version \(state\/\{spec\}/);
        expect(firstModes.contact).toBe('full: no state for this source and target');

        const again = await runJson(pair, await writeSpec(pair, spec));
        expect(again.summary.tables.account.mode).toBe('delta');

        // The same spec name, now pointed at a new, empty environment.
        const moved = { ...pair, target: second };
        const movedSpec = await writeSpec(moved, spec, 'moved.json');
        const { code, summary } = await runJson(moved, movedSpec);
        expect(code).toBe(0);
        for (const table of ['account', 'contact']) {
            expect(summary.tables[table].mode).toBe('full');
            expect(summary.tables[table].copy.created).toBe(pair.source.dump(table).length);
        }
        expect((await tableModes(pair, summary.runId)).contact).toBe('full: no state for this source and target');
        expect((await verifyJson(moved, movedSpec)).report.identical).toBe(true);
    });
});

describe('a refresh after a run stopped by maxFailedRows', () => {
    let pair: Pair;
    const HIDDEN = 'a9000000-0000-4000-8000-000000000009';
    const CHILD = 'c9000000-0000-4000-8000-000000000009';

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 80, seed: 7 },
            { schema: 'crm', rows: 80, seed: 7, empty: true },
        );
        // A contact whose parent account is outside the spec's filter: its row fails to bind.
        await api(pair.source, 'POST', 'accounts', { accountid: HIDDEN, name: 'Hidden' });
        await api(pair.source, 'POST', 'contacts', {
            contactid: CHILD,
            lastname: 'Child of hidden',
            'parentcustomerid_account@odata.bind': `/accounts(${HIDDEN})`,
        });
    });
    afterAll(() => pair?.close());

    it('copies the tables the stopped run left unfinished again, and ends identical', async () => {
        const spec = {
            name: 'stopped',
            // Without primarycontactid account has no cycle with contact: it is copied a tier before it.
            tables: [
                { name: 'account', filter: "name ne 'Hidden'", columns: ['name', 'parentaccountid'] },
                { name: 'contact' },
            ],
            onUnresolvedLookup: 'fail',
            options: { pageSize: 50, incremental: true, maxFailedRows: 0 },
        };
        const specPath = await writeSpec(pair, spec);
        const stopped = await runJson(pair, specPath);
        expect(stopped.code).toBe(1);
        expect(stopped.summary.tables.contact.copy.failed).toBe(1);
        // account copied without a failed row, but the run stopped before its parent lookups (deferred, a cycle
        // on itself) were set.
        expect(stopped.summary.tables.account.copy.failed).toBe(0);
        expect(stopped.summary.tables.account.done).toEqual({ copy: true, deferred: false, state: false });
        expect(await stateKept(pair, stopped.summary.runId)).toEqual({
            account: 'its deferred phase did not finish',
            contact: 'its deferred phase did not finish',
        });

        // The cause of the failed row goes away; the next refresh reads account again from where it was.
        await api(pair.source, 'DELETE', `contacts(${CHILD})`);
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        expect(summary.tables.account.mode).toBe('full');
        // The parents the stopped run never set: a refresh that trusted its state would leave them empty.
        expect(summary.tables.account.deferred.written).toBeGreaterThan(0);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});

describe('a refresh after refused deletes', () => {
    let pair: Pair;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 150, seed: 9 },
            { schema: 'crm', rows: 150, seed: 9, empty: true },
        );
    });
    afterAll(() => pair?.close());

    it('deletes once maxDeleteShare is raised, as the refusal advises', async () => {
        const spec = (maxDeleteShare: number) => ({
            name: 'refused',
            tables: [{ name: 'account' }, { name: 'contact', deleteMissing: true }],
            options: { pageSize: 50, incremental: true, maxDeleteShare },
        });
        const specPath = await writeSpec(pair, spec(0.1));
        expect((await runJson(pair, specPath)).code).toBe(0);
        const contacts = pair.source.dump('contact') as any[];
        const gone = contacts.slice(0, Math.ceil(contacts.length * 0.3));
        for (const c of gone) await api(pair.source, 'DELETE', `contacts(${c.contactid})`);

        const refused = await runJson(pair, specPath);
        expect(refused.code).toBe(1);
        expect(refused.summary.refusedDeletes).toHaveLength(1);
        expect((await stateKept(pair, refused.summary.runId))?.contact).toBe('its delete phase did not finish');

        const raised = await runJson(pair, await writeSpec(pair, spec(0.5), 'raised.json'));
        expect(raised.code, raised.summary.reason).toBe(0);
        expect(raised.summary.tables.contact.mode).toBe('delta');
        expect(raised.summary.tables.contact.delete.written).toBe(gone.length);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});

describe('a refresh after a crashed run', () => {
    let pair: Pair;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 60, seed: 13 },
            { schema: 'crm', rows: 60, seed: 13, empty: true },
        );
    });
    afterAll(() => pair?.close());

    it('reads from the last state a finished run committed, not from the crashed run', async () => {
        const spec = { name: 'crashed', tables: [{ name: 'account' }], options: { pageSize: 50, incremental: true } };
        const specPath = await writeSpec(pair, spec);
        expect((await runJson(pair, specPath)).code).toBe(0);
        const changed = (pair.source.dump('account') as any[])[0];
        await api(pair.source, 'PATCH', `accounts(${changed.accountid})`, { name: 'Changed before the crash' });

        // A run that took the next state, then crashed (an activity failed past its retries) before it copied:
        // its summary says so, whatever the orchestrator had recorded of its tables.
        const store = createFileRunStore(join(pair.dir, 'log'));
        const activities = createActivities({
            store,
            connect: (s: MigrationSpec) => createEnvironmentClients(s, { env: process.env, userAgent: 'test' }),
        });
        const runId = 'crashed-20261201-120000-abcd';
        const startedAt = '2026-12-01T12:00:00Z';
        const full = { source: { url: pair.source.url }, target: { url: pair.target.url }, ...spec };
        const planned: any = await activities.planRun({ runId, spec: full, trigger: 'test', startedAt }, {});
        expect(planned.tables.account.mode).toBe('delta');
        await activities.listPages({ runId, table: 'account', mode: 'delta' }, {});
        // Every phase of the table recorded as done: only the crash keeps its state where it was.
        const account = { ...emptyTableSummary('delta'), completed: true };
        account.done = { copy: true, deferred: true, state: true };
        const crashed = finishedRun({
            runId,
            trigger: 'test',
            startedAt: new Date('2026-12-01T12:00:00Z'),
            finishedAt: new Date('2026-12-01T12:01:00Z'),
            plan: { spec: 'crashed', source: pair.source.url, target: pair.target.url, problems: [], warnings: 0 },
            tables: { account },
            manyToMany: {},
            stop: crashStop(new Error('Activity function copyPage failed: socket hang up')),
        });
        await activities.finishRun(crashed, {});
        expect((await stateKept(pair, runId))?.account).toBe('the run crashed');

        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.tables.account.copy).toMatchObject({ read: 1, written: 1 });
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
