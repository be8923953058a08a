import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, sleep } from '../../src/dataverse/retry-policy.js';

describe('parseRetryAfter', () => {
    it('reads delta-seconds, decimals included (the simulator compresses time)', () => {
        expect(parseRetryAfter('5')).toBe(5000);
        expect(parseRetryAfter('0')).toBe(0);
        expect(parseRetryAfter('0.05')).toBe(50);
        expect(parseRetryAfter(' 2.5 ')).toBe(2500);
    });

    it('reads an HTTP date relative to now', () => {
        const now = Date.parse('2024-01-01T00:00:00Z');
        expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
        expect(parseRetryAfter('Mon, 01 Jan 2023 00:00:30 GMT', now)).toBe(0);
    });

    it('ignores missing, negative and malformed values', () => {
        for (const value of [undefined, null, '', '-1', '1e3', '5s', 'soon', '1.2.3']) {
            expect(parseRetryAfter(value)).toBeUndefined();
        }
    });
});

describe('backoffDelay', () => {
    it('stays within [step/2, step] of the capped exponential step', () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 60 }),
                fc.integer({ min: 1, max: 5000 }),
                fc.integer({ min: 1, max: 120_000 }),
                fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
                (attempt, baseDelayMs, maxDelayMs, r) => {
                    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
                    const delay = backoffDelay(attempt, { baseDelayMs, maxDelayMs }, () => r);
                    expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
                    expect(delay).toBeLessThanOrEqual(Math.ceil(step));
                    expect(delay).toBeLessThanOrEqual(maxDelayMs);
                },
            ),
        );
    });

    it('doubles until the cap', () => {
        const options = { baseDelayMs: 100, maxDelayMs: 1000 };
        const top = (attempt: number) => backoffDelay(attempt, options, () => 0.999999);
        expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([100, 200, 400, 800, 1000, 1000]);
    });
});

describe('sleep', () => {
    it('rejects as soon as the signal aborts', async () => {
        const controller = new AbortController();
        const pending = sleep(60_000, controller.signal);
        controller.abort(new Error('budget spent'));
        await expect(pending).rejects.toThrow('budget spent');
    });
});
