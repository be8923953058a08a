/**
 * The process's budget of page rows in flight (src/copy/page-budget.ts): pages wait while the bytes are spent and go
 * in arrival order, a page heavier than the whole budget still runs (alone), a page's hold becomes the weight of the
 * rows it read and teaches the table's estimate, and an aborted wait lets the next page in.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_ROW_BYTES, PageBudget, rowBytes } from '../../src/copy/page-budget.js';

/** Whether a promise has settled after every pending microtask ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    void promise.then(
        () => (done = true),
        () => (done = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    return done;
}

describe('PageBudget', () => {
    it('holds a page back while the budget is spent, and lets pages in, in order, as others finish', async () => {
        const budget = new PageBudget(100);
        const a = await budget.reserve('account', 60);
        const b = budget.reserve('account', 60);
        const c = budget.reserve('contact', 10);
        expect(await settled(b)).toBe(false);
        // c would fit, but b came first: no page overtakes a waiting one.
        expect(await settled(c)).toBe(false);
        a.release();
        expect(await settled(b)).toBe(true);
        expect(await settled(c)).toBe(true);
        expect(budget.heldBytes).toBe(70);
        (await b).release();
        (await c).release();
        expect(budget.heldBytes).toBe(0);
        expect(budget.peakHeld).toBe(70);
    });

    it('runs a page heavier than the whole budget alone rather than never', async () => {
        const budget = new PageBudget(100);
        const big = await budget.reserve('account', 500);
        const next = budget.reserve('account', 1);
        expect(await settled(next)).toBe(false);
        big.release();
        expect(await settled(next)).toBe(true);
    });

    it('corrects a hold to the rows read and estimates the next page of the table from them', async () => {
        const budget = new PageBudget(10_000);
        expect(budget.estimate('account', 10)).toBe(10 * FIRST_ROW_BYTES);
        const rows = [{ accountid: 'a', name: 'x'.repeat(40) }, { accountid: 'b' }];
        const page = await budget.reserve('account', budget.estimate('account', 10));
        page.measured(rows);
        expect(page.bytes).toBe(rowBytes(rows));
        expect(budget.heldBytes).toBe(rowBytes(rows));
        expect(budget.estimate('account', 10)).toBe((10 * rowBytes(rows)) / 2);
        expect(budget.estimate('contact', 10)).toBe(10 * FIRST_ROW_BYTES);
        page.release();
        page.release(); // twice is once
        expect(budget.heldBytes).toBe(0);
    });

    it('lets a page in once a running one measures its rows lighter than reserved', async () => {
        const budget = new PageBudget(100);
        const first = await budget.reserve('account', 90);
        const second = budget.reserve('account', 50);
        expect(await settled(second)).toBe(false);
        first.measured([{ id: 'a' }]); // 10 bytes of JSON
        expect(await settled(second)).toBe(true);
        expect(budget.heldBytes).toBe(rowBytes([{ id: 'a' }]) + 50);
    });

    it('gives up a wait when its signal aborts, and serves the page behind it', async () => {
        const budget = new PageBudget(100);
        const held = await budget.reserve('account', 80);
        const controller = new AbortController();
        const aborted = budget.reserve('account', 50, controller.signal);
        const behind = budget.reserve('account', 20);
        controller.abort(new Error('stopped'));
        await expect(aborted).rejects.toThrow('stopped');
        expect(await settled(behind)).toBe(true);
        expect(budget.heldBytes).toBe(100);
        held.release();
        await expect(budget.reserve('account', 1, controller.signal)).rejects.toThrow('stopped');
    });

    it('refuses a budget that is not a positive whole number of bytes', () => {
        expect(() => new PageBudget(0)).toThrow('a page budget must be a positive whole number of bytes (got 0)');
        expect(() => new PageBudget(1.5)).toThrow('(got 1.5)');
    });
});
