/** When a run stops early and what its summary says: the pure rules the run orchestrator applies. */
import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../src/run/outcomes.js';
import { CANCELLED, crashStop, deleteRefusals, refusedDeletesStop, stopAfterPhase } from '../../src/run/stop-rules.js';
import { emptyTableSummary, finishedRun, type TableSummary } from '../../src/run/summary.js';

function table(
    copy: { read: number; written?: number; failed?: number },
    later: { failed?: number } = {},
): TableSummary {
    const summary = emptyTableSummary('full');
    summary.copy = { ...emptyCounts(), read: copy.read, written: copy.written ?? 0, failed: copy.failed ?? 0 };
    summary.copy.skipped = copy.read - summary.copy.written - summary.copy.failed;
    summary.state = { ...emptyCounts(), read: later.failed ?? 0, failed: later.failed ?? 0 };
    return summary;
}

describe('stopAfterPhase', () => {
    const tables = { account: table({ read: 100, written: 90, failed: 10 }) };
    it.each([
        ['no limits', {}, undefined],
        ['at maxFailedRows', { maxFailedRows: 10 }, undefined],
        ['past maxFailedRows', { maxFailedRows: 9 }, 'stopped: 10 failed rows, more than maxFailedRows 9'],
        ['at maxFailureRatio', { maxFailureRatio: 0.1 }, undefined],
        [
            'past maxFailureRatio',
            { maxFailureRatio: 0.05 },
            'stopped: 10 of 100 rows failed (10%), more than maxFailureRatio 5%',
        ],
    ])('%s', (_, limits, reason) => {
        const stop = stopAfterPhase(false, limits, tables, {});
        expect(stop?.reason).toBe(reason);
        if (stop) expect(stop.status).toBe('failed');
    });

    it('counts failed rows of every phase and relationship, against the rows the copy phase read', () => {
        const later = { account: table({ read: 100, written: 100 }, { failed: 3 }) };
        const m2m = { accountleads: { ...emptyCounts(), read: 5, failed: 2 } };
        expect(stopAfterPhase(false, { maxFailedRows: 4 }, later, m2m)?.reason).toBe(
            'stopped: 5 failed rows, more than maxFailedRows 4',
        );
    });

    it('a cancel wins over every threshold', () => {
        expect(stopAfterPhase(true, { maxFailedRows: 0 }, tables, {})).toEqual(CANCELLED);
    });

    it('no rows read never divides by zero', () => {
        expect(stopAfterPhase(false, { maxFailureRatio: 0 }, { a: table({ read: 0 }) }, {})).toBeUndefined();
    });
});

describe('delete refusals', () => {
    it('refuses a table past the share, never one with no candidates', () => {
        const refusals = deleteRefusals(
            [
                { table: 'contact', wouldDelete: 15, targetRows: 100 },
                { table: 'account', wouldDelete: 10, targetRows: 100 },
                { table: 'lead', wouldDelete: 0, targetRows: 0 },
            ],
            0.1,
        );
        expect(refusals).toEqual([{ table: 'contact', wouldDelete: 15, targetRows: 100, maxShare: 0.1 }]);
        expect(refusedDeletesStop(refusals, 0.1)).toEqual({
            status: 'failed',
            reason: 'refused to delete: contact would lose 15 of 100 rows (15%), more than maxDeleteShare 10%; nothing was deleted (raise options.maxDeleteShare to allow it)',
        });
    });
});

describe('crashStop', () => {
    it('keeps the first line of the error only: no stack trace reaches the summary', () => {
        const error = new Error('Activity function copyPage failed: socket hang up\n    at x (file:///a.js:1:1)');
        expect(crashStop(error)).toEqual({
            status: 'failed',
            reason: 'the run failed: Activity function copyPage failed: socket hang up',
            crashed: true,
        });
        expect(crashStop('plain').reason).toBe('the run failed: plain');
    });
});

describe('finishedRun', () => {
    const base = {
        runId: 'r1',
        trigger: 'cli',
        startedAt: new Date('2026-12-01T00:00:00Z'),
        finishedAt: new Date('2026-12-01T00:00:05Z'),
        plan: { spec: 'demo', source: 's', target: 't', problems: [], warnings: 2 },
        manyToMany: {},
    };

    it('succeeds when nothing failed, with totals that add up', () => {
        const summary = finishedRun({ ...base, tables: { account: table({ read: 10, written: 8 }) } });
        expect(summary).toMatchObject({ status: 'succeeded', durationMs: 5000, spec: 'demo', warnings: 2 });
        expect(summary.reason).toBeUndefined();
        expect(summary.totals).toEqual({ read: 10, written: 8, skipped: 2, failed: 0 });
    });

    it('fails with a count of failed rows, or with the reason of its stop', () => {
        const tables = { account: table({ read: 10, written: 8, failed: 2 }) };
        expect(finishedRun({ ...base, tables })).toMatchObject({
            status: 'failed',
            reason: '2 rows failed; see the errors log',
        });
        expect(finishedRun({ ...base, tables, stop: CANCELLED })).toMatchObject(CANCELLED);
    });

    it('a run that never planned still has a summary', () => {
        const { plan: _, ...unplanned } = base;
        const summary = finishedRun({ ...unplanned, tables: {}, stop: crashStop(new Error('store down')) });
        expect(summary).toMatchObject({ spec: 'unknown', status: 'failed', source: '', target: '' });
        expect(summary.warnings).toBeUndefined();
    });
});

describe('options.maxRequests at a boundary', () => {
    const sent = (reads: number, writes: number) => ({ reads, writes, retries: 0, throttled: 0, failed: 0 });
    function tablesWith(targetWrites: number) {
        const account = emptyTableSummary('full');
        account.copy = { ...account.copy, requests: { source: sent(4, 0), target: sent(4, targetWrites) } };
        account.state = { ...account.state, requests: { target: sent(1, 1) } };
        return { account };
    }

    it('stops past the cap, naming the environment, the count and the cap', () => {
        const stop = stopAfterPhase(false, { maxRequests: 10 }, tablesWith(5), {});
        expect(stop).toEqual({
            status: 'failed',
            reason: 'stopped: 11 requests sent to the target, more than options.maxRequests 10; every page before this boundary finished (raise the cap and run again)',
        });
    });

    it('goes on at the cap, and without one', () => {
        expect(stopAfterPhase(false, { maxRequests: 11 }, tablesWith(5), {})).toBeUndefined();
        expect(stopAfterPhase(false, {}, tablesWith(500), {})).toBeUndefined();
    });
});
