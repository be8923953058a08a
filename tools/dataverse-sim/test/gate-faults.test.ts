import { describe, expect, it } from 'vitest';
import { createGate, DATAVERSE_LIMITS, parseFaultsConfig, type FaultsConfig, type Gate } from '../src/gate/index.js';
import { ManualClock, admitted, rejected, request, responded } from './gate-helpers.js';

const work = { rowsRead: 0, rowsWritten: 1, status: 204 };

function faultyGate(faults: FaultsConfig, clock = new ManualClock()): Gate {
    return createGate({ envUrl: 'http://127.0.0.1:1', auth: 'any', limits: 'none', faults, clock: clock.read });
}

/** Outcome of one request as the client would see it. */
function outcome(gate: Gate): string {
    const entered = gate.enter(request());
    if (!entered.ok) return `pre-${entered.error.status}`;
    const exit = gate.leave(entered.ctx, work);
    if (exit.kind === 'error') return `post-${exit.error.status}`;
    if (exit.kind === 'reset') return `reset-${exit.afterBytes}`;
    return exit.delayMs > 0 ? 'slow' : 'ok';
}

const mixed: FaultsConfig = {
    seed: 42,
    serverError: { rate: 0.05, afterWorkShare: 0.4 },
    unavailable: { rate: 0.03, retryAfterSeconds: 7 },
    reset: { rate: 0.02, afterBytes: [10, 20] },
    slow: { rate: 0.1, extraMs: 250 },
};

describe('fault injection', () => {
    it('is deterministic by seed', () => {
        const run = (seed: number) => {
            const gate = faultyGate({ ...mixed, seed });
            return Array.from({ length: 500 }, () => outcome(gate));
        };
        expect(run(42)).toEqual(run(42));
        expect(run(43)).not.toEqual(run(42));
    });

    it('hits the configured rates over many requests', () => {
        const n = 40_000;
        const gate = faultyGate(mixed);
        for (let i = 0; i < n; i++) outcome(gate);
        const f = gate.stats().faults;
        const near = (count: number, rate: number) => expect(Math.abs(count / n - rate)).toBeLessThan(0.005);
        near(f.serverErrorBeforeWork + f.serverErrorAfterWork, 0.05);
        near(f.serverErrorAfterWork, 0.05 * 0.4);
        near(f.unavailable, 0.03);
        near(f.reset, 0.02);
        near(f.slow, 0.1);
    });

    it('spreads 5xx over the configured statuses with the real error body shape', () => {
        const gate = faultyGate({ seed: 1, serverError: { rate: 1, statuses: [502, 504] } });
        const seen = new Set<number>();
        for (let i = 0; i < 200; i++) {
            const entered = gate.enter(request());
            const error = entered.ok ? gate.leave(entered.ctx, work) : { kind: 'error' as const, error: entered.error };
            if (error.kind !== 'error') throw new Error('expected an error');
            seen.add(error.error.status);
            const body = error.error.toBody();
            expect(Object.keys(body.error)).toEqual(['code', 'message']);
            expect(body.error.code).toMatch(/^0x[0-9a-f]{8}$/);
        }
        expect([...seen].sort()).toEqual([502, 504]);
    });

    it('before work: nothing ran; after work: the write ran but the client sees the error', () => {
        const before = faultyGate({ seed: 3, serverError: { rate: 1, afterWorkShare: 0 } });
        expect(rejected(before.enter(request())).status).toBeGreaterThanOrEqual(500);
        expect(before.stats()).toMatchObject({ admitted: 0, rowsWritten: 0 });

        const after = faultyGate({ seed: 3, serverError: { rate: 1, afterWorkShare: 1 } });
        const exit = after.leave(admitted(after.enter(request())), work);
        expect(exit.kind).toBe('error');
        expect(after.stats()).toMatchObject({ admitted: 1, rowsWritten: 1, faults: { serverErrorAfterWork: 1 } });
    });

    it('answers 503 with a Retry-After and counts it', () => {
        const clock = new ManualClock();
        const gate = createGate({
            envUrl: 'http://127.0.0.1:1',
            auth: 'any',
            limits: DATAVERSE_LIMITS,
            faults: { seed: 9, unavailable: { rate: 1, retryAfterSeconds: 30 } },
            timeScale: 0.1,
            clock: clock.read,
        });
        const error = rejected(gate.enter(request()));
        expect(error.status).toBe(503);
        expect(error.headers['Retry-After']).toBe('3'); // 30 simulated seconds at timeScale 0.1
        expect(error.headers['x-ms-dop-hint']).toBe(String(DATAVERSE_LIMITS.dopHint));
        expect(gate.stats().faults.unavailable).toBe(1);
    });

    it('resets mid-response after a byte count in range, and slows responses by extraMs', () => {
        const resets = faultyGate({ seed: 5, reset: { rate: 1, afterBytes: [100, 103] } });
        const bytes = new Set<number>();
        for (let i = 0; i < 100; i++) {
            const exit = resets.leave(admitted(resets.enter(request())), work);
            if (exit.kind !== 'reset') throw new Error(`expected reset, got ${exit.kind}`);
            bytes.add(exit.afterBytes);
        }
        expect([...bytes].sort()).toEqual([100, 101, 102, 103]);

        const slow = faultyGate({ seed: 5, slow: { rate: 1, extraMs: 1234 } });
        expect(responded(slow.leave(admitted(slow.enter(request())), work)).delayMs).toBe(1234);
    });
});

describe('faults file format', () => {
    it('names every problem with its path', () => {
        expect(() =>
            parseFaultsConfig(
                {
                    seed: 1.5,
                    serverError: { rate: 2, statuses: [501] },
                    reset: { rate: 0.1, afterBytes: [9, 3] },
                    extra: 1,
                },
                'faults file f.json',
            ),
        ).toThrow(
            /faults file f\.json[\s\S]*seed[\s\S]*serverError\.rate[\s\S]*serverError\.statuses\.0[\s\S]*reset\.afterBytes[\s\S]*extra/,
        );
    });

    it('rejects rates that add up to more than 1', () => {
        expect(() =>
            parseFaultsConfig({ seed: 1, serverError: { rate: 0.6 }, slow: { rate: 0.6, extraMs: 1 } }),
        ).toThrow(/add up to more than 1/);
    });
});
