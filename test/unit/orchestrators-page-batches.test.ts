/**
 * Bounded histories: a table's pages past an orchestration's budget (pagesPerOrchestration) go to page batches,
 * sub-orchestrations of at most that many pages. Whole trees are played through the real durable-functions SDK as
 * the Functions host plays them (bench/replay-driver.ts: every episode replays the whole history), with synthetic
 * activity results; the same tree played without a budget is the reference every split must add up to.
 */
import { describe, expect, it } from 'vitest';
import { playTree, type PlayedInstance, type TreeResult } from '../../bench/replay-driver.js';
import type { PlanRunOutcome } from '../../src/activities/plan-run.js';
import { OrchestratorName, orchestrators } from '../../src/orchestrators/index.js';
import { activityFailure } from '../../src/run/activity-failure.js';

const O = OrchestratorName;
/** A budget no table here reaches: every page in the orchestration that fans it out (the reference). */
const UNBOUNDED = 1e9;
const zero = { read: 0, written: 0, skipped: 0, unchanged: 0, failed: 0 };

/** Page outcomes that differ per page, so a page counted twice or lost shows in every sum. */
function copied(input: { table: string; page: number; kind: string }) {
    const { page } = input;
    return {
        table: input.table,
        page,
        kind: input.kind,
        counts: { ...zero, read: 10 + (page % 3), written: 10, skipped: page % 3, created: 10 },
        deferredWork: page % 7 === 0 ? 2 : 0,
        stateWork: page % 5 === 0 ? 1 : 0,
        contentWork: page % 11 === 0 ? 3 : 0,
        ms: 1,
    };
}

const phasePage = (input: { table: string; page: number }) => ({
    table: input.table,
    page: input.page,
    counts: { ...zero, read: 1 + (input.page % 4), written: 1 + (input.page % 4) },
    ms: 1,
});

/** The synthetic activities: listings of `pages` pages (in chunks of 2^k pages when asked for chunks). */
function activities(pages: number) {
    return (name: string, input: any): unknown => {
        switch (name) {
            case 'listPages': {
                if (input.chunk === undefined)
                    return { ...listing(input.table, pages), firstPage: 0, more: false, chunk: undefined };
                const first = input.firstPage ?? 0;
                const count = Math.min(2 ** input.chunk, pages - first);
                return {
                    ...listing(input.table, count),
                    chunk: input.chunk,
                    firstPage: first,
                    more: first + count < pages,
                    ...(first + count < pages ? { next: `after-${first + count}` } : {}),
                };
            }
            case 'copyPage':
                return copied(input);
            case 'patchDeferredPage':
            case 'setStatePage':
            case 'copyContentPage':
            case 'deletePage':
                return phasePage(input);
            case 'listRelationshipPages':
                return { relationship: input.relationship, pages, pairs: pages * 10, ms: 1 };
            case 'associatePage':
                return {
                    relationship: input.relationship,
                    page: input.page,
                    counts: { ...zero, read: 10, written: 10 },
                };
            case 'listDeletePages':
                return { table: input.table, pages, targetRows: pages * 100, ms: 1 };
            case 'findDeletes':
                return { table: input.table, page: input.page, candidates: input.page % 4 === 1 ? 2 : 0 };
            case 'logEvent':
                return null;
            case 'finishRun':
                return input;
            default:
                throw new Error(`no synthetic result for activity ${name}`);
        }
    };
}

function listing(table: string, pages: number) {
    return { table, mode: 'full', kind: 'copy', pages, rows: pages * 10, deletedPages: 0, deleted: 0, ms: 1 };
}

const listed = (pages: number) => ({ ...listing('contact', pages), firstPage: 0, more: false });

/** `batch`: messages per episode (a large one plays an unsplit reference in a few replays). */
function play(name: string, input: unknown, pages: number, instanceId = 'r1:copy:0-0', batch = 32) {
    return playTree(name, input, instanceId, { orchestrators, activity: activities(pages), batch });
}

/** The output without its elapsed time (episodes of a split tree are stamped differently). */
function withoutMs(output: unknown) {
    const { ms: _ms, ...rest } = output as Record<string, unknown>;
    return rest;
}

const PAGE_ACTIVITY =
    /^(copyPage|patchDeferredPage|setStatePage|copyContentPage|associatePage|findDeletes|deletePage)$/;
const batchesOf = (tree: TreeResult) => [...tree.instances.values()].filter((i) => i.name === O.pageBatch);
const root = (tree: TreeResult, id = 'r1:copy:0-0') => tree.instances.get(id)!;
const pagesOf = (i: PlayedInstance) => (i.input as { pages: number[] }).pages;

describe('a table copy past its page budget', () => {
    const input = { runId: 'r1', table: 'contact', mode: 'full' };

    it('goes through 3 page batches for 2,500 pages, and adds up as one orchestration would', async () => {
        const tree = await play(O.tableCopy, { ...input, listing: listed(2500), pagesPerOrchestration: 1000 }, 2500);
        const reference = await play(
            O.tableCopy,
            { ...input, listing: listed(2500), pagesPerOrchestration: UNBOUNDED },
            2500,
            'r1:copy:0-0',
            5000,
        );

        const batches = batchesOf(tree);
        expect(batches.map((b) => b.id)).toEqual(['r1:copy:0-0:pages:0', 'r1:copy:0-0:pages:1', 'r1:copy:0-0:pages:2']);
        expect(batches.map((b) => [pagesOf(b)[0], pagesOf(b).length])).toEqual([
            [0, 1000],
            [1000, 1000],
            [2000, 500],
        ]);
        expect(batches.map((b) => b.activities)).toEqual([1000, 1000, 500]);
        expect(batches[0]!.input).toMatchObject({
            activity: 'copyPage',
            input: { runId: 'r1', table: 'contact', kind: 'copy' },
            mark: ['deferredWork', 'stateWork', 'contentWork'],
        });

        // The parent scheduled no page itself: its history is three children, created and completed.
        expect(root(tree).activities).toBe(0);
        expect(root(tree).history.filter((e) => e.EventType === 7 || e.EventType === 8)).toHaveLength(6);
        expect(root(tree).history.length).toBeLessThan(20);
        expect(root(reference).history.length).toBeGreaterThan(5000);

        expect(withoutMs(tree.output)).toEqual(withoutMs(reference.output));
        const output = tree.output as any;
        expect(output.pages).toBe(2500);
        expect(output.counts).toMatchObject({ read: 27_499, written: 25_000, skipped: 2499, created: 25_000 });
        expect(output.deferredPages).toEqual(Array.from({ length: 358 }, (_, i) => i * 7));
        expect(output.statePages).toHaveLength(500);
        expect(output.contentPages).toHaveLength(228);
        // Every replay of every instance is bounded by the budget (2 events a page), not by the table.
        expect(tree.largestReplay).toBeLessThan(2 * 1000 + 100);
        expect(reference.largestReplay).toBeGreaterThan(2 * 2500);
    });

    it('lists in growing chunks: copies inline while the budget lasts, then in batches, walking on meanwhile', async () => {
        // Chunks of 1, 2, 4, 8, 16, 32 pages (63) under a budget of 10.
        const tree = await play(O.tableCopy, { ...input, pagesPerOrchestration: 10 }, 63);
        const reference = await play(O.tableCopy, { ...input, pagesPerOrchestration: UNBOUNDED }, 63);

        const parent = root(tree);
        expect(parent.activities).toBe(6 + 7); // six listings, the first three chunks' pages
        expect(batchesOf(tree).map((b) => pagesOf(b).length)).toEqual([8, 10, 6, 10, 10, 10, 2]);
        expect(batchesOf(tree).map((b) => pagesOf(b)[0])).toEqual([7, 15, 25, 31, 41, 51, 61]);
        // Each batch copies the pages of its own listing chunk.
        expect(batchesOf(tree).map((b) => (b.input as any).input.chunk)).toEqual([3, 4, 4, 5, 5, 5, 5]);
        for (const batch of batchesOf(tree)) expect(batch.activities).toBeLessThanOrEqual(10);
        expect(withoutMs(tree.output)).toEqual(withoutMs(reference.output));
        expect(tree.output).toMatchObject({ pages: 63, counts: { written: 630 } });
    });

    it('names the same batches on every replay (resume finds them), and never one twice', async () => {
        const first = await play(O.tableCopy, { ...input, pagesPerOrchestration: 10 }, 63);
        const second = await play(O.tableCopy, { ...input, pagesPerOrchestration: 10 }, 63);
        expect([...second.instances.keys()]).toEqual([...first.instances.keys()]);
        expect(new Set(first.instances.keys()).size).toBe(first.instances.size);
    });

    it('fails as the unsplit table does when a page returns a failure no retry mends', async () => {
        const failing = (name: string, input: any) =>
            name === 'copyPage' && input.page === 15
                ? activityFailure('copyPage', { name: 'RunDocumentError', message: 'no copy page list' })
                : activities(25)(name, input);
        const playFailing = (limit: number) =>
            playTree(O.tableCopy, { ...input, listing: listed(25), pagesPerOrchestration: limit }, 'r1:copy:0-0', {
                orchestrators,
                activity: failing,
            }).then(
                () => 'finished',
                (error: Error) => error.message,
            );
        const message = 'orchestrator tableCopy (r1:copy:0-0) failed: activity copyPage failed: no copy page list';
        expect(await playFailing(UNBOUNDED)).toBe(message);
        expect(await playFailing(10)).toBe(message);
    });
});

describe('every page fan-out adds up the same split or not', () => {
    const budgets = [3, UNBOUNDED];

    it('the follow-up: deferred lookups, content and states each in batches of the budget', async () => {
        const pages = Array.from({ length: 10 }, (_, i) => i * 2);
        const input = (limit: number) => ({
            runId: 'r1',
            table: 'opportunity',
            kind: 'copy',
            deferredPages: pages,
            statePages: pages.slice(0, 7),
            contentPages: pages.slice(0, 2),
            pagesPerOrchestration: limit,
        });
        const [split, reference] = await Promise.all(
            budgets.map((limit) => play(O.tableFollowUp, input(limit), 0, 'r1:follow:0')),
        );
        expect(withoutMs(split!.output)).toEqual(withoutMs(reference!.output));
        expect(split!.output).toMatchObject({ deferred: { read: 20 }, content: { read: 4 }, cancelled: false });
        // 10 deferred pages past a budget of 3: 4 batches; the 2 content pages fit the budget, the 7 states no more.
        expect(batchesOf(split!).map((b) => [(b.input as any).activity, pagesOf(b).length])).toEqual([
            ['patchDeferredPage', 3],
            ['patchDeferredPage', 3],
            ['patchDeferredPage', 3],
            ['patchDeferredPage', 1],
            ['setStatePage', 3],
            ['setStatePage', 3],
            ['setStatePage', 1],
        ]);
        expect(root(split!, 'r1:follow:0').activities).toBe(2);
    });

    it('finding deletes: the pages with candidates and their total, across batches', async () => {
        const input = (limit: number) => ({
            runId: 'r1',
            table: 'account',
            phase: 'find-deletes',
            kind: 'copy',
            pages: [],
            deleteSource: 'range',
            pagesPerOrchestration: limit,
        });
        const [split, reference] = await Promise.all(
            budgets.map((limit) => play(O.tablePhase, input(limit), 11, 'r1:find-deletes:0')),
        );
        expect(split!.output).toEqual(reference!.output);
        expect(split!.output).toMatchObject({ pagesWithWork: [1, 5, 9], wouldDelete: 6, targetRows: 1100 });
        expect(batchesOf(split!)).toHaveLength(4);
    });

    it('deleting, and associating a relationship', async () => {
        const deletes = (limit: number) =>
            play(
                O.tablePhase,
                {
                    runId: 'r1',
                    table: 'account',
                    phase: 'delete',
                    kind: 'copy',
                    pages: [1, 5, 9, 12],
                    pagesPerOrchestration: limit,
                },
                0,
                'r1:delete:0',
            );
        const [split, reference] = await Promise.all(budgets.map(deletes));
        expect(split!.output).toEqual(reference!.output);
        expect(split!.output).toMatchObject({ counts: { read: 7, written: 7 } });
        expect(batchesOf(split!)).toHaveLength(2);

        const relationship = (limit: number) =>
            play(
                O.relationshipCopy,
                { runId: 'r1', relationship: 'accountleads', pagesPerOrchestration: limit },
                7,
                'r1:m2m:0',
            );
        const [m2mSplit, m2mReference] = await Promise.all(budgets.map(relationship));
        expect(m2mSplit!.output).toEqual(m2mReference!.output);
        expect(m2mSplit!.output).toMatchObject({ counts: { read: 70, written: 70 } });
        expect(batchesOf(m2mSplit!)).toHaveLength(3);
    });
});

describe('the run under a page budget', () => {
    it('passes the planned budget to every table, and gives the tables it deletes in turn ids of their own', async () => {
        const table = { mode: 'full' as const, reason: 'full', deleteMissing: true, matchById: true };
        const plan: PlanRunOutcome = {
            runId: 'r1',
            spec: 'demo',
            problems: [],
            tiers: [['account', 'contact']],
            tables: { account: table, contact: table },
            manyToMany: [],
            deletes: ['contact', 'account'],
            options: { maxDeleteShare: 0.5, pagesPerOrchestration: 4 },
            warnings: 0,
            source: 'http://127.0.0.1:1',
            target: 'http://127.0.0.1:2',
        };
        const synthetic = activities(9);
        const tree = await playTree(O.run, { runId: 'r1', spec: { name: 'demo' }, trigger: 'cli' }, 'r1', {
            orchestrators,
            activity: (name, input) => (name === 'planRun' ? plan : synthetic(name, input)),
        });
        const ids = [...tree.instances.keys()];
        expect(ids.filter((id) => /^r1:delete:\d+$/.test(id))).toEqual(['r1:delete:0', 'r1:delete:1']);
        // Every table orchestration got the budget, and none scheduled more pages than it.
        for (const inst of tree.instances.values()) {
            if (inst.id !== 'r1' && inst.name !== O.pageBatch)
                expect(inst.input, inst.id).toMatchObject({ pagesPerOrchestration: 4 });
            const pageTasks = inst.history.filter((e) => e.EventType === 4 && PAGE_ACTIVITY.test(e.Name ?? ''));
            expect(pageTasks.length, inst.id).toBeLessThanOrEqual(4);
        }
        const summary = tree.output as any;
        expect(summary.status).toBe('succeeded');
        expect(summary.tables.account.copy.written).toBe(90);
        expect(summary.tables.contact.delete).toMatchObject({ read: 4, written: 4 });
    });
});
