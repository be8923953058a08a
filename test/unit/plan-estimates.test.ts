/**
 * One table's row and page estimate from the service's counts (pure): the snapshot total for a table without a
 * filter, `$count` for a filtered one (exact up to 5,000, bounded by the total above), unknown when the service said
 * nothing; pages as the run lists them.
 */
import { describe, expect, it } from 'vitest';
import { pagesFor, tableEstimate } from '../../src/plan/estimates.js';

describe('pagesFor', () => {
    it('is at least one page (the run lists an open-ended page for an empty table) and rounds up', () => {
        expect(pagesFor(0, 5000)).toBe(1);
        expect(pagesFor(5000, 5000)).toBe(1);
        expect(pagesFor(5001, 5000)).toBe(2);
        expect(pagesFor(12_000, 400)).toBe(30);
    });
});

describe('tableEstimate', () => {
    it("takes an unfiltered table's total from the snapshot, as an estimate that is not exact", () => {
        expect(tableEstimate({ filter: false, total: 12_000 }, 5000)).toEqual({
            rows: 12_000,
            pages: 3,
            estimate: true,
            exact: false,
            basis: 'snapshot',
        });
    });

    it('leaves a table unknown when the snapshot has no total for it', () => {
        expect(tableEstimate({ filter: false }, 5000)).toEqual({
            rows: null,
            pages: null,
            estimate: true,
            exact: false,
            basis: 'unknown',
        });
        expect(tableEstimate({ filter: true, total: 12_000 }, 5000).basis).toBe('unknown');
    });

    it('takes a filtered count under the limit as exact, whatever the total says (5,000 itself included)', () => {
        expect(tableEstimate({ filter: true, total: 10, filtered: { count: 58, limitExceeded: false } }, 50)).toEqual({
            rows: 58,
            pages: 2,
            estimate: true,
            exact: true,
            basis: 'count',
        });
        expect(tableEstimate({ filter: true, filtered: { count: 5000, limitExceeded: false } }, 5000).rows).toBe(5000);
    });

    it("says 'more than 5,000' past the limit, bounded by the table's total when the snapshot is above the limit", () => {
        const past = { count: 5000, limitExceeded: true };
        expect(tableEstimate({ filter: true, total: 12_000, filtered: past }, 5000)).toEqual({
            rows: 12_000,
            pages: 3,
            estimate: true,
            exact: false,
            basis: 'count',
            moreThan: 5000,
        });
        // A total at or under the limit is a stale snapshot, and no total is no bound: only 'more than 5,000'.
        for (const total of [4000, undefined]) {
            expect(
                tableEstimate({ filter: true, ...(total !== undefined ? { total } : {}), filtered: past }, 5000),
            ).toEqual({ rows: null, pages: null, estimate: true, exact: false, basis: 'count', moreThan: 5000 });
        }
    });
});
