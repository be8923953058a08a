/** The activity runner (FIFO bound, JSON in and out, failures as strings) and the retry policy's delays. */
import { describe, expect, it } from 'vitest';
import { DROPPED, FifoLimiter, invokeActivity, type ActivityContext } from '../../src/host/local/activity-runner.js';
import { hasAttemptsLeft, retryDelayMs, retryPolicyOf } from '../../src/host/local/sdk-v3/retry.js';

const context: ActivityContext = { instanceId: 'i', taskId: 0, name: 'act', signal: new AbortController().signal };

function deferred() {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
}

describe('FifoLimiter', () => {
    it('runs at most `limit` jobs at once and starts queued ones in arrival order', async () => {
        const limiter = new FifoLimiter(2);
        const gates = Array.from({ length: 5 }, deferred);
        const started: number[] = [];
        const runs = gates.map((gate, i) =>
            limiter.run('o', async () => {
                started.push(i);
                await gate.promise;
                return i;
            }),
        );
        expect(started).toEqual([0, 1]);
        expect(limiter.queued).toBe(3);
        gates[1]!.resolve();
        await runs[1];
        await new Promise((r) => setImmediate(r));
        expect(started).toEqual([0, 1, 2]);
        for (const gate of gates) gate.resolve();
        expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
        expect(limiter.peak).toBe(2);
        expect(() => new FifoLimiter(0)).toThrow(/positive integer/);
    });

    it('drops the queued jobs of one owner without touching running ones', async () => {
        const limiter = new FifoLimiter(1);
        const gate = deferred();
        const running = limiter.run('a', () => gate.promise.then(() => 'ran'));
        const mine = limiter.run('a', () => Promise.resolve('never'));
        const theirs = limiter.run('b', () => Promise.resolve('theirs'));
        limiter.drop('a');
        gate.resolve();
        expect(await running).toBe('ran');
        expect(await mine).toBe(DROPPED);
        expect(await theirs).toBe('theirs');
    });
});

describe('invokeActivity', () => {
    it('passes the input and returns the result through JSON, null for nothing', async () => {
        const echo = (input: unknown): Promise<unknown> =>
            Promise.resolve({ input, when: new Date('2024-01-01T00:00:00Z') });
        expect(await invokeActivity(echo, '{"a":[1,2]}', context, ['act'])).toEqual({
            ok: true,
            result: '{"input":{"a":[1,2]},"when":"2024-01-01T00:00:00.000Z"}',
        });
        expect(await invokeActivity(() => Promise.resolve(undefined), undefined, context, [])).toEqual({
            ok: true,
            result: 'null',
        });
    });

    it('turns thrown errors, non-errors and unserialisable results into Reason and Details strings', async () => {
        const error = Object.assign(new TypeError('boom\nmore about it'), { code: 'E_BOOM' });
        const thrown = await invokeActivity(() => Promise.reject(error), undefined, context, []);
        // The reason keeps the first line; the details carry name, message and code as JSON, never the stack.
        expect(thrown).toEqual({
            ok: false,
            reason: "Activity function 'act' failed: boom",
            details: JSON.stringify({ name: 'TypeError', message: 'boom\nmore about it', code: 'E_BOOM' }),
        });
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- activities can reject with anything
        expect(await invokeActivity(() => Promise.reject('just text'), undefined, context, [])).toEqual({
            ok: false,
            reason: "Activity function 'act' failed: just text",
            details: JSON.stringify({ name: 'Error', message: 'just text' }),
        });
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- activities can reject with anything
        expect(await invokeActivity(() => Promise.reject(cycle), undefined, context, [])).toMatchObject({
            ok: false,
            reason: "Activity function 'act' failed: [object Object]",
        });
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const bad = await invokeActivity(() => Promise.resolve(circular), undefined, context, []);
        expect(bad).toMatchObject({
            ok: false,
            reason: expect.stringContaining("the result of activity 'act' is not JSON-serialisable"),
        });
        const missing = await invokeActivity(undefined, undefined, context, ['x', 'y']);
        expect(missing).toMatchObject({
            ok: false,
            reason: expect.stringContaining('is not registered with the local durable host (registered: x, y)'),
        });
    });
});

describe('retry policy', () => {
    it('backs off by the coefficient, caps at the maximum interval, and stops after the last attempt', () => {
        const policy = retryPolicyOf({
            firstRetryIntervalInMilliseconds: 100,
            maxNumberOfAttempts: 4,
            backoffCoefficient: 2,
            maxRetryIntervalInMilliseconds: 300,
        });
        expect([1, 2, 3].map((failures) => retryDelayMs(policy, failures))).toEqual([100, 200, 300]);
        expect(hasAttemptsLeft(policy, 3)).toBe(true);
        expect(hasAttemptsLeft(policy, 4)).toBe(false);
        expect(retryDelayMs(policy, 4)).toBe(0);
        expect(retryDelayMs(retryPolicyOf({ firstRetryIntervalInMilliseconds: 50, maxNumberOfAttempts: 3 }), 2)).toBe(
            50,
        );
        expect(() => retryPolicyOf({ maxNumberOfAttempts: 1 })).toThrow(/firstRetryIntervalInMilliseconds/);
    });
});
