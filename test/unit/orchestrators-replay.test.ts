/**
 * The orchestrators replayed through the real durable-functions SDK, episode by episode, as the
 * Functions host feeds them: which tasks each decision schedules, in which order, and that replaying
 * the same history decides the same again.
 */
import type { OrchestrationHandler } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import type { PlanRunOutcome } from '../../src/activities/plan-run.js';
import {
    episode,
    executionStarted,
    readActions,
    replayOnce,
    subOrchestrationCompleted,
    taskCompleted,
    type HistoryEvent,
    type RequestedTask,
} from '../../src/host/local/sdk-v3/index.js';
import type { TableCopyResult } from '../../src/orchestrators/contracts.js';
import { ACTIVITY_NAMES, type ActivityName } from '../../src/activities/contract.js';
import { OrchestratorName, orchestrators } from '../../src/orchestrators/index.js';
import { activityFailure } from '../../src/run/activity-failure.js';

class Driver {
    readonly history: HistoryEvent[] = [];
    private second = 0;
    private seen = 0;

    constructor(
        private readonly handler: OrchestrationHandler,
        private readonly input: unknown,
        readonly instanceId = 'run-1',
    ) {
        this.history.push(...episode(this.tick(), executionStarted('x', input)));
    }

    private tick(): Date {
        return new Date(Date.UTC(2026, 11, 1, 12, 0, this.second++));
    }

    private tasks: RequestedTask[] = [];
    private readonly completed = new Set<number>();

    /** Replays the whole history; returns every task so far and the ones this replay added. */
    async replay() {
        const state = await replayOnce(this.handler, {
            history: this.history,
            input: this.input,
            instanceId: this.instanceId,
        });
        const tasks = readActions(state.actions).tasks;
        const added = tasks.slice(this.seen);
        this.seen = tasks.length;
        this.tasks = tasks;
        return { state, tasks, added };
    }

    complete(...events: HistoryEvent[]): void {
        this.history.push(...episode(this.tick(), ...events));
    }

    /**
     * The completion of the first open task named `name` (and, when given, for `table`), by its task id:
     * tests say what finished, not which id the SDK gave it.
     */
    done(name: string, result?: unknown, table?: string): HistoryEvent {
        const id = this.tasks.findIndex(
            (t, i) =>
                !this.completed.has(i) &&
                t.kind !== 'timer' &&
                t.name === name &&
                (table === undefined || inputOf(t)?.table === table),
        );
        if (id < 0) throw new Error(`no open task ${name}${table ? ` for ${table}` : ''}`);
        this.completed.add(id);
        return this.tasks[id]!.kind === 'sub' ? subOrchestrationCompleted(id, result) : taskCompleted(id, result);
    }
}

const zero = { read: 0, written: 0, skipped: 0, unchanged: 0, failed: 0 };

function plan(overrides: Partial<PlanRunOutcome> = {}): PlanRunOutcome {
    const table = {
        mode: 'full' as const,
        reason: 'full: incremental refresh is off',
        deleteMissing: false,
        matchById: true,
    };
    return {
        runId: 'r1',
        spec: 'demo',
        problems: [],
        tiers: [['account'], ['contact', 'lead']],
        tables: { account: table, contact: table, lead: table },
        manyToMany: [],
        deletes: [],
        options: { maxDeleteShare: 0.1 },
        warnings: 0,
        source: 'http://127.0.0.1:1',
        target: 'http://127.0.0.1:2',
        ...overrides,
    };
}

function copied(table: string, overrides: Partial<TableCopyResult> = {}): TableCopyResult {
    return {
        table,
        mode: 'full',
        kind: 'copy',
        pages: 2,
        counts: { ...zero, read: 10, written: 10 },
        deferredPages: [],
        statePages: [],
        deletedPages: 0,
        cancelled: false,
        ms: 5,
        ...overrides,
    };
}

const names = (tasks: RequestedTask[]) => tasks.map((t) => (t.kind === 'timer' ? 'timer' : `${t.kind}:${t.name}`));
function inputOf(task: RequestedTask | undefined): any {
    return task && task.kind !== 'timer' && task.input !== undefined ? JSON.parse(task.input) : undefined;
}
const run = orchestrators[OrchestratorName.run];
const runInput = { runId: 'r1', spec: { name: 'demo' }, trigger: 'cli' };

function listed(table: string, pages = 2, extra: Record<string, unknown> = {}) {
    return {
        table,
        mode: 'full',
        kind: 'copy',
        pages,
        rows: pages * 10,
        deletedPages: 0,
        deleted: 0,
        firstPage: 0,
        more: false,
        ms: 1,
        ...extra,
    };
}

const A = Object.fromEntries(ACTIVITY_NAMES.map((n) => [n, n])) as { [N in ActivityName]: N };
const O = OrchestratorName;

/** Plans: the run as it stands when the first tier starts copying (and the second tier's listing). */
async function started(d: Driver, planned: PlanRunOutcome): Promise<RequestedTask[]> {
    await d.replay();
    d.complete(d.done(A.planRun, planned));
    return (await d.replay()).added;
}

describe('the run orchestrator', () => {
    it('plans, then copies each tier only after the last table of the previous one, listing the next meanwhile', async () => {
        const d = new Driver(run, runInput);
        expect(names((await d.replay()).added)).toEqual([`activity:${A.planRun}`]);
        d.complete(d.done(A.planRun, plan()));
        const tier1 = (await d.replay()).added;
        // The first tier copies (listing its own pages) while the second tier's pages are listed.
        expect(names(tier1)).toEqual([`sub:${O.tableCopy}`, `activity:${A.listPages}`, `activity:${A.listPages}`]);
        expect(tier1[0]).toMatchObject({ instanceId: 'run-1:copy:0-0' });
        expect(inputOf(tier1[0])).toEqual({ runId: 'r1', table: 'account', mode: 'full' });
        expect(tier1.slice(1).map((t) => inputOf(t))).toEqual([
            { runId: 'r1', table: 'contact', mode: 'full' },
            { runId: 'r1', table: 'lead', mode: 'full' },
        ]);

        d.complete(d.done(A.listPages, listed('contact'), 'contact'), d.done(A.listPages, listed('lead'), 'lead'));
        expect((await d.replay()).added).toEqual([]); // listings are done, account is still copying

        d.complete(d.done(O.tableCopy, copied('account'), 'account'));
        const tier2 = (await d.replay()).added;
        expect(names(tier2)).toEqual([`sub:${O.tableCopy}`, `sub:${O.tableCopy}`]);
        expect(tier2.map((t) => inputOf(t).table)).toEqual(['contact', 'lead']);
        expect(inputOf(tier2[0]).listing).toEqual(listed('contact'));

        d.complete(d.done(O.tableCopy, copied('contact'), 'contact'));
        expect((await d.replay()).added).toEqual([]); // lead is still running: nothing new

        d.complete(
            d.done(
                O.tableCopy,
                copied('lead', { counts: { ...zero, read: 4, written: 3, skipped: 1, unchanged: 1 } }),
                'lead',
            ),
        );
        const finish = (await d.replay()).added;
        expect(names(finish)).toEqual([`activity:${A.finishRun}`]);
        const summary = inputOf(finish[0]);
        expect(summary.status).toBe('succeeded');
        expect(summary.totals).toEqual({ read: 24, written: 23, skipped: 1, failed: 0 });
        expect(summary.tables.lead.copy).toMatchObject({ read: 4, written: 3, skipped: 1 });

        d.complete(d.done(A.finishRun, { ...summary, log: { location: 'x', events: 'y', errors: [] } }));
        const done = await d.replay();
        expect(done.state.isDone).toBe(true);
        expect(done.state.output).toMatchObject({ status: 'succeeded', runId: 'r1' });
    });

    it('fails at once, without a retry, when an activity returns a failure no retry mends', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan());
        const failure = activityFailure('copyPage', { name: 'RunDocumentError', message: 'no copy page list' });
        d.complete(
            d.done(O.tableCopy, failure, 'account'),
            d.done(A.listPages, listed('contact'), 'contact'),
            d.done(A.listPages, listed('lead'), 'lead'),
        );
        const next = await d.replay();
        // No timer (a retry waits on one) and no second attempt: straight to the summary.
        expect(names(next.added)).toEqual([`activity:${A.finishRun}`]);
        const summary = inputOf(next.added[0]);
        expect(summary.status).toBe('failed');
        expect(summary.reason).toBe('the run failed: activity copyPage failed: no copy page list');
    });

    it('decides the same when the same history is replayed again', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan());
        d.complete(d.done(O.tableCopy, copied('account', { deferredPages: [1], statePages: [0] }), 'account'));
        const first = await replayOnce(run, { history: d.history, input: runInput, instanceId: d.instanceId });
        const second = await replayOnce(run, { history: d.history, input: runInput, instanceId: d.instanceId });
        expect(JSON.stringify(second.actions)).toBe(JSON.stringify(first.actions));
        expect(second.customStatus).toEqual(first.customStatus);
    });

    it('follows up only tables with work (deferred, then state), beside the many-to-many relationships', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ tiers: [['account', 'contact']], manyToMany: ['accountleads'] }));
        d.complete(
            d.done(O.tableCopy, copied('account', { deferredPages: [1], statePages: [0, 1] }), 'account'),
            d.done(O.tableCopy, copied('contact'), 'contact'),
        );
        expect(names((await d.replay()).added)).toEqual([`activity:${A.logEvent}`]);
        d.complete(d.done(A.logEvent));
        const follow = (await d.replay()).added;
        expect(names(follow)).toEqual([`sub:${O.tableFollowUp}`, `sub:${O.relationshipCopy}`]);
        expect(inputOf(follow[0])).toEqual({
            runId: 'r1',
            table: 'account',
            kind: 'copy',
            deferredPages: [1],
            statePages: [0, 1],
        });

        d.complete(
            d.done(O.relationshipCopy, {
                relationship: 'accountleads',
                counts: { ...zero, read: 3, written: 3 },
                cancelled: false,
            }),
        );
        expect((await d.replay()).added).toEqual([]); // the account follow-up is still running
        d.complete(
            d.done(O.tableFollowUp, {
                table: 'account',
                deferred: { ...zero, read: 1, written: 1 },
                state: { ...zero, read: 2, written: 2 },
                cancelled: false,
            }),
        );
        const finish = inputOf((await d.replay()).added[0]);
        expect(finish.tables.account.deferred.written).toBe(1);
        expect(finish.tables.account.state.written).toBe(2);
        expect(finish.manyToMany.accountleads.written).toBe(3);
    });

    it('with nothing after the tiers, goes straight from the last tier to the summary', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ tiers: [['account']], tables: { account: plan().tables.account! } }));
        d.complete(d.done(O.tableCopy, copied('account', { pages: 0, counts: zero })));
        expect(names((await d.replay()).added)).toEqual([`activity:${A.finishRun}`]);
    });

    it('stops after the tier whose failures pass maxFailedRows, before the next tier', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ options: { maxDeleteShare: 0.1, maxFailedRows: 5 } }));
        d.complete(
            d.done(O.tableCopy, copied('account', { counts: { ...zero, read: 10, written: 4, failed: 6 } })),
            d.done(A.listPages, listed('contact'), 'contact'),
            d.done(A.listPages, listed('lead'), 'lead'),
        );
        const next = (await d.replay()).added;
        expect(names(next)).toEqual([`activity:${A.finishRun}`]);
        const summary = inputOf(next[0]);
        expect(summary.status).toBe('failed');
        expect(summary.reason).toMatch(/6 failed rows, more than maxFailedRows 5/);
        expect(summary.tables.contact.copy.read).toBe(0);
    });

    it('stops on a failure ratio too', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ options: { maxDeleteShare: 0.1, maxFailureRatio: 0.2 } }));
        d.complete(
            d.done(O.tableCopy, copied('account', { counts: { ...zero, read: 10, written: 7, failed: 3 } })),
            d.done(A.listPages, listed('contact'), 'contact'),
            d.done(A.listPages, listed('lead'), 'lead'),
        );
        expect(inputOf((await d.replay()).added[0]).reason).toMatch(/3 of 10 rows failed \(30%\)/);
    });

    it('refuses every delete when one table would lose more than maxDeleteShare, and says how many', async () => {
        const d = new Driver(run, runInput);
        const table = { mode: 'full' as const, reason: 'full', deleteMissing: true, matchById: true };
        await started(d, plan({ tiers: [['account']], tables: { account: table }, deletes: ['account'] }));
        d.complete(d.done(O.tableCopy, copied('account')));
        expect(names((await d.replay()).added)).toEqual([`activity:${A.logEvent}`]);
        d.complete(d.done(A.logEvent));
        const find = (await d.replay()).added;
        expect(inputOf(find[0])).toMatchObject({ phase: 'find-deletes', deleteSource: 'range' });
        d.complete(
            d.done(O.tablePhase, {
                table: 'account',
                phase: 'find-deletes',
                counts: zero,
                cancelled: false,
                pagesWithWork: [0],
                wouldDelete: 30,
                targetRows: 100,
            }),
        );
        const next = (await d.replay()).added;
        expect(names(next)).toEqual([`activity:${A.logEvent}`]);
        d.complete(d.done(A.logEvent));
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.status).toBe('failed');
        expect(summary.refusedDeletes).toEqual([{ table: 'account', wouldDelete: 30, targetRows: 100, maxShare: 0.1 }]);
        expect(summary.reason).toMatch(/account would lose 30 of 100 rows \(30%\).*nothing was deleted/);
    });

    it('stops at the tier boundary when a page saw the cancel request', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan());
        d.complete(
            d.done(O.tableCopy, copied('account', { cancelled: true })),
            d.done(A.listPages, listed('contact'), 'contact'),
            d.done(A.listPages, listed('lead'), 'lead'),
        );
        const next = (await d.replay()).added;
        expect(names(next)).toEqual([`activity:${A.logEvent}`]);
        d.complete(d.done(A.logEvent));
        expect(inputOf((await d.replay()).added[0]).status).toBe('cancelled');
    });

    it('writes an invalid summary when the plan has problems, and schedules no table', async () => {
        const d = new Driver(run, runInput);
        await d.replay();
        d.complete(d.done(A.planRun, plan({ problems: [{ message: 'no such table' }], tiers: [], tables: {} })));
        const next = (await d.replay()).added;
        expect(names(next)).toEqual([`activity:${A.finishRun}`]);
        expect(inputOf(next[0])).toMatchObject({ status: 'invalid', problems: [{ message: 'no such table' }] });
    });
});

describe('the phases each table finished (what its incremental state may advance on)', () => {
    const all = { copy: true, deferred: true, state: true };
    const withDeletes = { mode: 'full' as const, reason: 'full', deleteMissing: true, matchById: true };

    it('marks every phase of every table done when the run goes to its end, work or not', async () => {
        const d = new Driver(run, runInput);
        await started(
            d,
            plan({
                tiers: [['account', 'contact']],
                tables: { account: plan().tables.account!, contact: plan().tables.contact! },
            }),
        );
        d.complete(
            d.done(O.tableCopy, copied('account', { deferredPages: [0], statePages: [0] }), 'account'),
            d.done(O.tableCopy, copied('contact'), 'contact'),
        );
        await d.replay();
        d.complete(d.done(A.logEvent));
        await d.replay();
        d.complete(
            d.done(O.tableFollowUp, {
                table: 'account',
                deferred: { ...zero, read: 1, written: 1 },
                state: { ...zero, read: 1, written: 1 },
                cancelled: false,
                done: { deferred: true, state: true },
            }),
        );
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.tables.account.done).toEqual(all);
        expect(summary.tables.contact.done).toEqual(all);
    });

    it('leaves the follow-up of every table undone when a threshold stops the run after the tiers', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ options: { maxDeleteShare: 0.1, maxFailedRows: 0 } }));
        d.complete(
            d.done(O.tableCopy, copied('account', { statePages: [0] })),
            d.done(A.listPages, listed('contact'), 'contact'),
            d.done(A.listPages, listed('lead'), 'lead'),
        );
        await d.replay();
        d.complete(
            d.done(O.tableCopy, copied('contact'), 'contact'),
            d.done(O.tableCopy, copied('lead', { counts: { ...zero, read: 10, written: 9, failed: 1 } }), 'lead'),
        );
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.status).toBe('failed');
        // contact had nothing to follow up, but the run stopped before that phase: not done either.
        for (const table of ['account', 'contact', 'lead'])
            expect(summary.tables[table].done).toEqual({ copy: true, deferred: false, state: false });
    });

    it('leaves the states undone when the deferred lookups saw a cancel', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ tiers: [['account']], tables: { account: plan().tables.account! } }));
        d.complete(d.done(O.tableCopy, copied('account', { deferredPages: [0], statePages: [0] })));
        await d.replay();
        d.complete(d.done(A.logEvent));
        await d.replay();
        d.complete(
            d.done(O.tableFollowUp, {
                table: 'account',
                deferred: zero,
                state: zero,
                cancelled: true,
                done: { deferred: false, state: false },
            }),
        );
        await d.replay();
        d.complete(d.done(A.logEvent));
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.status).toBe('cancelled');
        expect(summary.tables.account.done).toEqual({ copy: true, deferred: false, state: false });
    });

    it('counts a follow-up result journaled before phases were recorded as unfinished', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ tiers: [['account']], tables: { account: plan().tables.account! } }));
        d.complete(d.done(O.tableCopy, copied('account', { deferredPages: [0] })));
        await d.replay();
        d.complete(d.done(A.logEvent));
        await d.replay();
        d.complete(d.done(O.tableFollowUp, { table: 'account', deferred: zero, state: zero, cancelled: false }));
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.tables.account.done).toEqual({ copy: true, deferred: false, state: false });
    });

    it('owes the delete phases of deleteMissing tables: refused deletes leave them undone', async () => {
        const d = new Driver(run, runInput);
        await started(d, plan({ tiers: [['account']], tables: { account: withDeletes }, deletes: ['account'] }));
        d.complete(d.done(O.tableCopy, copied('account')));
        await d.replay();
        d.complete(d.done(A.logEvent));
        await d.replay();
        d.complete(
            d.done(O.tablePhase, {
                table: 'account',
                phase: 'find-deletes',
                counts: zero,
                cancelled: false,
                pagesWithWork: [0],
                wouldDelete: 30,
                targetRows: 100,
            }),
        );
        await d.replay();
        d.complete(d.done(A.logEvent));
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.tables.account.done).toEqual({ ...all, findDeletes: true, delete: false });
    });

    it('marks the delete phases done once the deletes ran (or there was nothing to delete)', async () => {
        const d = new Driver(run, runInput);
        const tables = { account: withDeletes, contact: withDeletes };
        await started(d, plan({ tiers: [['account', 'contact']], tables, deletes: ['contact', 'account'] }));
        d.complete(
            d.done(O.tableCopy, copied('account'), 'account'),
            d.done(O.tableCopy, copied('contact'), 'contact'),
        );
        await d.replay();
        d.complete(d.done(A.logEvent));
        await d.replay();
        const found = (table: string, pages: number[]) => ({
            table,
            phase: 'find-deletes',
            counts: zero,
            cancelled: false,
            pagesWithWork: pages,
            wouldDelete: pages.length,
            targetRows: 100,
        });
        d.complete(
            d.done(O.tablePhase, found('contact', [0]), 'contact'),
            d.done(O.tablePhase, found('account', []), 'account'),
        );
        await d.replay();
        d.complete(
            d.done(O.tablePhase, {
                table: 'contact',
                phase: 'delete',
                counts: { ...zero, read: 1, written: 1 },
                cancelled: false,
            }),
        );
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.status).toBe('succeeded');
        expect(summary.tables.contact.done).toEqual({ ...all, findDeletes: true, delete: true });
        expect(summary.tables.account.done).toEqual({ ...all, findDeletes: true, delete: true });
    });

    it("waits for the many-to-many relationships of a table: one with failed rows leaves the table's state", async () => {
        const d = new Driver(run, runInput);
        const related = { ...plan().tables.account!, relationships: ['accountleads'] };
        const tables = { account: related, contact: plan().tables.contact!, lead: { ...related } };
        await started(d, plan({ tiers: [['account', 'contact', 'lead']], tables, manyToMany: ['accountleads'] }));
        d.complete(
            d.done(O.tableCopy, copied('account'), 'account'),
            d.done(O.tableCopy, copied('contact'), 'contact'),
            d.done(O.tableCopy, copied('lead'), 'lead'),
        );
        await d.replay();
        d.complete(d.done(A.logEvent));
        await d.replay();
        const counts = { ...zero, read: 3, written: 2, failed: 1 };
        d.complete(d.done(O.relationshipCopy, { relationship: 'accountleads', counts, cancelled: false }));
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary.tables.account.done).toEqual({ ...all, manyToMany: false });
        expect(summary.tables.lead.done).toEqual({ ...all, manyToMany: false });
        expect(summary.tables.contact.done).toEqual(all);
    });

    it('says the run crashed when an activity failed, whatever the tables had finished', async () => {
        const d = new Driver(run, runInput);
        await started(
            d,
            plan({
                tiers: [['account'], ['contact']],
                tables: { account: plan().tables.account!, contact: plan().tables.contact! },
            }),
        );
        d.complete(d.done(O.tableCopy, copied('account')), d.done(A.listPages, listed('contact'), 'contact'));
        await d.replay();
        const failure = activityFailure('copyPage', { name: 'RunDocumentError', message: 'no copy page list' });
        d.complete(d.done(O.tableCopy, failure, 'contact'));
        const summary = inputOf((await d.replay()).added[0]);
        expect(summary).toMatchObject({ status: 'failed', crashed: true });
        expect(summary.tables.account.done.copy).toBe(true);
    });
});

describe('the table orchestrator', () => {
    const tableCopy = orchestrators[OrchestratorName.tableCopy];
    const input = { runId: 'r1', table: 'contact', mode: 'full' };
    const listing = (pages: number, extra: Record<string, unknown> = {}) =>
        listed('contact', pages, { chunk: 0, ...extra });

    it('lists the pages, then schedules one copy-page activity per page at once', async () => {
        const d = new Driver(tableCopy, input, 'run-1:copy:0-0');
        const first = (await d.replay()).added;
        expect(names(first)).toEqual(['activity:listPages']);
        expect(inputOf(first[0])).toEqual({ ...input, chunk: 0 });
        d.complete(taskCompleted(0, listing(3)));
        const pages = (await d.replay()).added;
        expect(names(pages)).toEqual(Array(3).fill('activity:copyPage'));
        expect(pages.map(inputOf)).toEqual(
            [0, 1, 2].map((page) => ({ runId: 'r1', table: 'contact', page, kind: 'copy', chunk: 0 })),
        );
        const outcome = (page: number, deferredWork: number) => ({
            table: 'contact',
            page,
            kind: 'copy',
            counts: { ...zero, read: 10, written: 10 },
            deferredWork,
            stateWork: 0,
            ms: 1,
        });
        d.complete(taskCompleted(1, outcome(0, 0)), taskCompleted(3, outcome(2, 4)));
        expect((await d.replay()).state.isDone).toBe(false);
        d.complete(taskCompleted(2, outcome(1, 0)));
        const done = await d.replay();
        expect(done.state.isDone).toBe(true);
        expect(done.state.output).toMatchObject({
            table: 'contact',
            pages: 3,
            deferredPages: [2],
            counts: { read: 30, written: 30 },
        });
    });

    it('copies a chunk of pages while it walks the keys of the next chunk', async () => {
        const d = new Driver(tableCopy, input);
        await d.replay();
        const next = '00000000-0000-0000-0000-00000000000a';
        d.complete(d.done('listPages', listing(2, { more: true, next })));
        const step1 = (await d.replay()).added;
        expect(names(step1)).toEqual(['activity:copyPage', 'activity:copyPage', 'activity:listPages']);
        expect(inputOf(step1[2])).toEqual({ ...input, chunk: 1, after: next, firstPage: 2 });

        const copied = (page: number) => ({
            table: 'contact',
            page,
            kind: 'copy',
            counts: { ...zero, read: 5, written: 5 },
            deferredWork: 0,
            stateWork: 0,
            ms: 1,
        });
        d.complete(d.done('listPages', listing(3, { chunk: 1, firstPage: 2 })));
        expect((await d.replay()).added).toEqual([]); // the chunk's copies are not done yet
        d.complete(d.done('copyPage', copied(0)), d.done('copyPage', copied(1)));
        const step2 = (await d.replay()).added;
        expect(step2.map(inputOf)).toEqual(
            [2, 3, 4].map((page) => ({ runId: 'r1', table: 'contact', page, kind: 'copy', chunk: 1 })),
        );
        d.complete(...[2, 3, 4].map((p) => d.done('copyPage', copied(p))));
        const done = await d.replay();
        expect(done.state.isDone).toBe(true);
        expect(done.state.output).toMatchObject({ pages: 5, counts: { read: 25, written: 25 } });
    });

    it('uses the listing the run made ahead instead of listing again', async () => {
        const d = new Driver(tableCopy, { ...input, listing: listed('contact', 2) });
        const pages = (await d.replay()).added;
        expect(names(pages)).toEqual(['activity:copyPage', 'activity:copyPage']);
    });

    it('finishes at once when the table has no page', async () => {
        const d = new Driver(tableCopy, input);
        d.complete(taskCompleted(0, listing(0)));
        const done = await d.replay();
        expect(done.state.isDone).toBe(true);
        expect(done.state.output).toMatchObject({ pages: 0, counts: zero });
    });
});

describe('the table follow-up orchestrator', () => {
    const followUp = orchestrators[OrchestratorName.tableFollowUp];
    const input = { runId: 'r1', table: 'opportunity', kind: 'copy', deferredPages: [0, 2], statePages: [1] };
    const outcome = (page: number) => ({ table: 'opportunity', page, counts: { ...zero, read: 4, written: 4 }, ms: 1 });

    it('sets states only once every deferred lookup of the table is patched', async () => {
        const d = new Driver(followUp, input);
        const deferred = (await d.replay()).added;
        expect(names(deferred)).toEqual(Array(2).fill('activity:patchDeferredPage'));
        expect(deferred.map((t) => inputOf(t).page)).toEqual([0, 2]);
        d.complete(d.done('patchDeferredPage', outcome(0)));
        expect((await d.replay()).added).toEqual([]);
        d.complete(d.done('patchDeferredPage', outcome(2)));
        const state = (await d.replay()).added;
        expect(names(state)).toEqual(['activity:setStatePage']);
        d.complete(d.done('setStatePage', outcome(1)));
        const done = await d.replay();
        expect(done.state.output).toMatchObject({
            deferred: { read: 8, written: 8 },
            state: { read: 4 },
            cancelled: false,
        });
    });

    it('stops before the states when a deferred page saw the cancel request', async () => {
        const d = new Driver(followUp, input);
        await d.replay();
        d.complete(
            d.done('patchDeferredPage', { ...outcome(0), cancelled: true }),
            d.done('patchDeferredPage', outcome(2)),
        );
        const done = await d.replay();
        expect(done.state.isDone).toBe(true);
        expect(done.state.output).toMatchObject({ cancelled: true, state: { read: 0 } });
    });
});
