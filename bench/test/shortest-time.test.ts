/**
 * shortestTime(): hand-worked cases, its relation to the sustained-rate estimate, and the real simulator gate
 * driven by an ideal client (as many workers as the concurrency limit, obeying Retry-After, on an injected
 * clock that jumps from event to event): the client can get close to the bound but never under it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGate, DATAVERSE_LIMITS, modeledServerMs, type LimitsConfig } from 'dataverse-sim';
import { ManualClock, request } from 'dataverse-sim/testing';
import { BENCH_LIMITS } from '../limits.js';
import { shortestTime } from '../shortest-time.js';

const W = BENCH_LIMITS.windowSeconds; // 30 s
const X = BENCH_LIMITS.maxExecutionMsPerWindow; // 120,000 ms
const C = BENCH_LIMITS.maxConcurrentRequests; // 52
const R = BENCH_LIMITS.maxRequestsPerWindow; // 600

describe('shortestTime(), worked cases (time scale 1)', () => {
    it('is zero for no work', () => {
        expect(shortestTime(BENCH_LIMITS, 1, { requests: 0, executionMs: 0, maxRequestMs: 0 })).toMatchObject({
            seconds: 0,
            binding: 'none',
        });
    });

    it('within the first window only the concurrency limit binds: server time over the slots', () => {
        const t = shortestTime(BENCH_LIMITS, 1, { requests: 100, executionMs: 100 * 1050, maxRequestMs: 1050 });
        expect(t.binding).toBe('concurrency');
        expect(t.seconds).toBeCloseTo((100 * 1050) / C / 1000, 9);
    });

    it('past the first window: whole windows, then the rest at full concurrency', () => {
        const t = shortestTime(BENCH_LIMITS, 1, { requests: 300, executionMs: 2.5 * X, maxRequestMs: 0 });
        expect(t.binding).toBe('executionTime');
        expect(t.seconds).toBeCloseTo(2 * W + (0.5 * X) / C / 1000, 9);
        // Exactly two windows' budget: one full window, the second spent at full concurrency.
        expect(shortestTime(BENCH_LIMITS, 1, { requests: 1, executionMs: 2 * X, maxRequestMs: 0 }).seconds).toBeCloseTo(
            W + X / C / 1000,
            9,
        );
    });

    it('lets each window run one request over its budget', () => {
        const s = 1050;
        const t = shortestTime(BENCH_LIMITS, 1, { requests: 300, executionMs: 2.5 * X, maxRequestMs: s });
        expect(t.seconds).toBeCloseTo(2 * W + (2.5 * X - 2 * (X + s)) / C / 1000, 9);
        // Just over two budgets fits two windows of X + s: the third window is not needed.
        const edge = shortestTime(BENCH_LIMITS, 1, { requests: 300, executionMs: 2 * X + 1000, maxRequestMs: s });
        expect(edge.seconds).toBeCloseTo(W + (X + 1000 - s) / C / 1000, 9);
    });

    it('the request count: the (kR+1)-th request waits k windows', () => {
        const cheap = (requests: number) =>
            shortestTime(BENCH_LIMITS, 1, { requests, executionMs: requests, maxRequestMs: 1 });
        expect(cheap(R).bounds.requests).toBe(0);
        expect(cheap(R + 1).bounds.requests).toBe(W);
        expect(cheap(3 * R + 1)).toMatchObject({ binding: 'requests', seconds: 3 * W });
    });

    it('scales simulated time to real time', () => {
        const usage = { requests: 2000, executionMs: 7 * X, maxRequestMs: 1050 };
        expect(shortestTime(BENCH_LIMITS, 0.25, usage).seconds).toBeCloseTo(
            0.25 * shortestTime(BENCH_LIMITS, 1, usage).seconds,
            9,
        );
    });

    it('caps a window at what the slots can serve in it when that is less than the execution budget', () => {
        const limits: LimitsConfig = { ...BENCH_LIMITS, maxConcurrentRequests: 2 }; // 2 x 30 s = 60 s < 120 s
        const t = shortestTime(limits, 1, { requests: 10, executionMs: 150_000, maxRequestMs: 0 });
        expect(t.seconds).toBeCloseTo(2 * W + 30_000 / 2 / 1000, 9);
    });

    it('refuses a non-positive time scale and negative usage', () => {
        expect(() => shortestTime(BENCH_LIMITS, 0, { requests: 1, executionMs: 1, maxRequestMs: 1 })).toThrow(
            /timeScale/,
        );
        expect(() => shortestTime(BENCH_LIMITS, 1, { requests: -1, executionMs: 1, maxRequestMs: 1 })).toThrow(/usage/);
    });

    it('is never above the sustained estimate and at most one window below it (no overrun)', () => {
        fc.assert(
            fc.property(fc.nat(100_000), fc.double({ min: 0, max: 50 * X, noNaN: true }), (requests, executionMs) => {
                const t = shortestTime(BENCH_LIMITS, 1, { requests, executionMs, maxRequestMs: 0 });
                expect(t.seconds).toBeLessThanOrEqual(t.sustainedSeconds + 1e-9);
                expect(t.sustainedSeconds - t.seconds).toBeLessThanOrEqual(W + 1e-9);
            }),
        );
    });

    it('grows with the work and shrinks as the allowed overrun grows', () => {
        fc.assert(
            fc.property(
                fc.double({ min: 0, max: 30 * X, noNaN: true }),
                fc.double({ min: 0, max: X, noNaN: true }),
                fc.double({ min: 0, max: 5000, noNaN: true }),
                fc.double({ min: 0, max: 5000, noNaN: true }),
                (e, extra, s, moreS) => {
                    const at = (executionMs: number, maxRequestMs: number) =>
                        shortestTime(BENCH_LIMITS, 1, { requests: 1, executionMs, maxRequestMs }).seconds;
                    expect(at(e + extra, s)).toBeGreaterThanOrEqual(at(e, s) - 1e-9);
                    expect(at(e, s + moreS)).toBeLessThanOrEqual(at(e, s) + 1e-9);
                },
            ),
        );
    });
});

/** n bulk writes of `batch` rows by C workers against the real gate; returns real seconds to the last response. */
function idealClient(limits: LimitsConfig, timeScale: number, n: number, batch: number) {
    const clock = new ManualClock(0);
    const gate = createGate({ envUrl: 'http://127.0.0.1:1', auth: 'any', limits, timeScale, clock: clock.read });
    const next = Array.from({ length: limits.maxConcurrentRequests }, () => 0);
    let sent = 0;
    let end = 0;
    while (sent < n) {
        let w = 0;
        for (let i = 1; i < next.length; i++) if ((next[i] ?? Infinity) < (next[w] ?? Infinity)) w = i;
        const at = next[w] ?? 0;
        clock.nowMs = at;
        const entered = gate.enter(request());
        if (entered.ok) {
            const exit = gate.leave(entered.ctx, { rowsRead: 0, rowsWritten: batch, status: 200 });
            if (exit.kind !== 'respond') throw new Error(`unexpected exit ${exit.kind}`);
            next[w] = at + exit.delayMs;
            end = Math.max(end, next[w] ?? 0);
            sent++;
        } else {
            if (entered.error.status !== 429) throw new Error(`unexpected ${entered.error.status}`);
            next[w] = at + Number(entered.error.headers['Retry-After']) * 1000;
        }
    }
    const stats = gate.stats();
    return { seconds: end / 1000, usage: { requests: stats.admitted, executionMs: stats.totalExecutionMs } };
}

describe('shortestTime() against the simulator gate', () => {
    const cases = [
        { name: 'bench limits, 20 windows of bulk writes', limits: BENCH_LIMITS, timeScale: 0.25, n: 2300, batch: 100 },
        { name: 'bench limits, inside the first window', limits: BENCH_LIMITS, timeScale: 0.25, n: 100, batch: 100 },
        { name: 'documented limits, 1.5 windows', limits: DATAVERSE_LIMITS, timeScale: 0.01, n: 1700, batch: 100 },
        { name: 'single-row writes (request count binds)', limits: BENCH_LIMITS, timeScale: 1, n: 3000, batch: 1 },
    ];
    for (const c of cases) {
        it(`an ideal client takes at least the bound and gets within 3% and one request of it (${c.name})`, () => {
            const run = idealClient(c.limits, c.timeScale, c.n, c.batch);
            const requestMs = modeledServerMs(c.limits, { rowsRead: 0, rowsWritten: c.batch });
            expect(run.usage.executionMs).toBe(c.n * requestMs);
            const bound = shortestTime(c.limits, c.timeScale, { ...run.usage, maxRequestMs: requestMs });
            expect(run.seconds).toBeGreaterThanOrEqual(bound.seconds - 1e-9);
            // Whole requests in whole rounds of C: the client may trail the fluid bound by one request's time.
            expect(run.seconds).toBeLessThan(bound.seconds * 1.03 + (requestMs * c.timeScale) / 1000);
        });
    }
});
