/**
 * ceiling() against a simulated steady-state run of the gate itself: workers (as many as the concurrency limit)
 * send write batches back to back and obey Retry-After; the injected clock jumps from event to event, so the run
 * is computed, not timed.
 */
import { describe, expect, it } from 'vitest';
import { createGate, DATAVERSE_LIMITS, type LimitsConfig } from '../src/gate/index.js';
import { ManualClock, request } from './gate-helpers.js';

interface Run {
    rowsPerSecond: number;
    throttled: number;
}

function steadyState(limits: LimitsConfig, batch: number, timeScale: number, windows: number): Run {
    const clock = new ManualClock(0);
    const gate = createGate({ envUrl: 'http://127.0.0.1:1', auth: 'any', limits, timeScale, clock: clock.read });
    const windowRealMs = limits.windowSeconds * 1000 * timeScale;
    const warmUp = windowRealMs; // let the first burst settle into the steady pattern
    const end = warmUp + windows * windowRealMs;
    const next = Array.from({ length: limits.maxConcurrentRequests }, () => 0); // real ms of each worker's next send
    let rows = 0;
    for (;;) {
        let w = 0;
        for (let i = 1; i < next.length; i++) if ((next[i] ?? Infinity) < (next[w] ?? Infinity)) w = i;
        const at = next[w] ?? Infinity;
        if (at >= end) break;
        clock.nowMs = at;
        const entered = gate.enter(request());
        if (entered.ok) {
            const exit = gate.leave(entered.ctx, { rowsRead: 0, rowsWritten: batch, status: 200 });
            if (exit.kind !== 'respond') throw new Error(`unexpected exit ${exit.kind}`);
            if (at >= warmUp) rows += batch;
            next[w] = at + exit.delayMs;
        } else {
            if (entered.error.status !== 429) throw new Error(`unexpected ${entered.error.status}`);
            next[w] = at + Number(entered.error.headers['Retry-After']) * 1000;
        }
    }
    const s = gate.stats().throttled;
    return { rowsPerSecond: rows / ((end - warmUp) / 1000), throttled: s.requests + s.executionTime + s.concurrency };
}

describe('ceiling()', () => {
    const cases: { name: string; limits: LimitsConfig; batch: number; binds: string; timeScale: number }[] = [
        { name: 'single-row writes', limits: DATAVERSE_LIMITS, batch: 1, binds: 'requests', timeScale: 1 },
        { name: 'CreateMultiple of 100', limits: DATAVERSE_LIMITS, batch: 100, binds: 'executionTime', timeScale: 1 },
        {
            name: 'slow server, few slots, compressed time',
            limits: {
                ...DATAVERSE_LIMITS,
                maxConcurrentRequests: 4,
                maxExecutionMsPerWindow: 100_000_000,
                serverTime: { fixedMsPerRequest: 2000, msPerRowRead: 1, msPerRowWritten: 10 },
            },
            batch: 10,
            binds: 'concurrency',
            timeScale: 0.01,
        },
    ];

    for (const c of cases) {
        it(`matches a simulated steady-state run within 3% (${c.name}: ${c.binds} binds)`, () => {
            const gate = createGate({
                envUrl: 'http://127.0.0.1:1',
                auth: 'any',
                limits: c.limits,
                timeScale: c.timeScale,
            });
            const ceiling = gate.ceiling(c.batch);
            expect(ceiling.bindingLimit).toBe(c.binds);
            expect(ceiling.rowsPerSecond).toBeCloseTo(ceiling.requestsPerSecond * c.batch, 9);
            const run = steadyState(c.limits, c.batch, c.timeScale, 4);
            expect(Math.abs(run.rowsPerSecond / ceiling.rowsPerSecond - 1)).toBeLessThan(0.03);
            // Request-count and execution-time bound runs only get there by being throttled; the concurrency one by
            // the workers' own pacing.
            if (c.binds === 'concurrency') expect(run.throttled).toBe(0);
            else expect(run.throttled).toBeGreaterThan(0);
        });
    }

    it('is unbounded with limits none', () => {
        const gate = createGate({ envUrl: 'http://127.0.0.1:1', auth: 'any', limits: 'none' });
        expect(gate.ceiling(100)).toMatchObject({ rowsPerSecond: Infinity, bindingLimit: 'none' });
    });

    it('rejects a batch size below 1', () => {
        const gate = createGate({ envUrl: 'http://127.0.0.1:1', auth: 'any', limits: DATAVERSE_LIMITS });
        expect(() => gate.ceiling(0)).toThrow(/writeBatchSize/);
    });
});
