/**
 * When the request loop waits, measured on a fake clock against the real simulator: the simulator starts after the
 * clock is faked, so its service-protection windows and the client's waits run on the same time, and every wait is
 * exact. Real I/O still runs; `nextWait` lets it run until the client sleeps on a timer, then jumps to that timer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type LimitsConfig, type Simulator } from 'dataverse-sim';
import {
    AdaptiveLimiter,
    createDataverseClient,
    dataverseEnvironments,
    DataverseError,
    DEFAULT_RETRY_OPTIONS,
    type RetryEvent,
} from '../../src/dataverse/index.js';
import { DataverseHttp } from '../../src/dataverse/http.js';
import { Transport } from '../../src/dataverse/transport.js';

/** Two requests per 10 s window and no server time, so the third request of a window is throttled for 10 s. */
const TWO_PER_WINDOW: LimitsConfig = {
    windowSeconds: 10,
    maxRequestsPerWindow: 2,
    maxExecutionMsPerWindow: 1e9,
    maxConcurrentRequests: 50,
    dopHint: 4,
    keepSendingPenaltySeconds: 0,
    serverTime: { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 0 },
};

/** Lets real I/O run (no fake time passes) until `condition` holds; gives up after 10 real seconds. */
async function until(condition: () => boolean, what: string): Promise<void> {
    const started = performance.now();
    while (!condition()) {
        if (performance.now() - started > 10_000) throw new Error(`timed out waiting until ${what}`);
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** Real I/O runs until the client waits on a (fake) timer; then time jumps to it. Returns the new time. */
async function nextWait(): Promise<number> {
    await until(() => vi.getTimerCount() > 0, 'the client waits on a timer');
    await vi.advanceTimersToNextTimerAsync();
    return Date.now();
}

/** Settles `promise` while letting real I/O run (and no fake time pass). */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; at: number }> {
    return promise.then(
        (value) => ({ value, at: Date.now() }),
        (error: unknown) => ({ error, at: Date.now() }),
    );
}

let sim: Simulator | undefined;
beforeEach(() => {
    vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // Limiters made before the clock was faked would keep the real one.
    dataverseEnvironments.reset();
});
afterEach(async () => {
    await sim?.close();
    sim = undefined;
    vi.useRealTimers();
});

describe('the request loop on 429', () => {
    it('waits exactly Retry-After, holds every caller of the environment, and never counts a failure', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 0, limits: TWO_PER_WINDOW });
        const events: Array<RetryEvent & { at: number }> = [];
        const client = createDataverseClient({ url: sim.url, onRetry: (e) => events.push({ ...e, at: Date.now() }) });
        const other = createDataverseClient({ url: sim.url });
        await client.whoAmI();
        await client.whoAmI();

        const third = settle(client.whoAmI());
        // The other client asks while the first is throttled: the shared limiter holds it too.
        await until(() => events.length > 0, 'the third request is throttled');
        const held = settle(other.whoAmI());
        expect(await nextWait()).toBe(10_000);
        expect((await third).at).toBe(10_000);
        expect((await held).at).toBe(10_000);
        expect(events).toEqual([
            expect.objectContaining({ reason: 'throttled', status: 429, code: '0x80072322', delayMs: 10_000, at: 0 }),
        ]);
        expect(client.stats()).toMatchObject({ attempts: 4, succeeded: 3, throttled: 1, failed: 0 });
        expect(sim.stats().statuses).toEqual({ '200': 4, '429': 1 });
    });

    it('fails at once when Retry-After passes the run deadline', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 0, limits: TWO_PER_WINDOW });
        const client = createDataverseClient({ url: sim.url, deadline: 5000 });
        await client.whoAmI();
        await client.whoAmI();
        const { error, at } = await settle(client.whoAmI());
        expect(at).toBe(0);
        expect(error).toBeInstanceOf(DataverseError);
        expect(error).toMatchObject({ kind: 'throttled', status: 429, code: '0x80072322' });
        expect((error as Error).message).toContain("still throttled at the run's deadline 1970-01-01T00:00:05.000Z");
    });

    it('ends the wait when the run is aborted, as a throttled error whose cause is the reason', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 0, limits: TWO_PER_WINDOW });
        const run = new AbortController();
        const client = createDataverseClient({ url: sim.url, signal: run.signal });
        await client.whoAmI();
        await client.whoAmI();
        const pending = settle(client.whoAmI());
        await until(() => vi.getTimerCount() > 0, 'the client waits');
        await vi.advanceTimersByTimeAsync(4000);
        run.abort(new Error('the run budget is spent'));
        const { error, at } = await pending;
        expect(at).toBe(4000);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'throttled', status: 429 });
        expect((error as Error).message).toContain(
            'the request was aborted: the run budget is spent (last failure: 429',
        );
        expect(((error as Error).cause as Error).message).toBe('the run budget is spent');
    });
});

describe('the request loop on transient failures', () => {
    it("waits 503's Retry-After for as long as the outage budget lasts, not maxTransientAttempts", async () => {
        sim = await startSimulator({
            schema: 'crm',
            rows: 0,
            faults: { seed: 1, unavailable: { rate: 1, retryAfterSeconds: 2 } },
        });
        const client = createDataverseClient({
            url: sim.url,
            retry: { maxTransientAttempts: 2, outageBudgetMs: 5000 },
        });
        const pending = settle(client.whoAmI());
        expect(await nextWait()).toBe(2000);
        expect(await nextWait()).toBe(4000);
        // The last wait ends with the budget.
        expect(await nextWait()).toBe(5000);
        const { error, at } = await pending;
        expect(at).toBe(5000);
        expect(error).toMatchObject({ kind: 'outage', status: 503, code: '0x80040216', attempts: 4 });
        expect((error as Error).message).toContain(
            `the environment ${sim.url} has been unavailable for 5 s (last: 503 The service is temporarily unavailable.`,
        );
        expect(((error as Error).cause as DataverseError).status).toBe(503);
        expect(sim.stats().statuses).toEqual({ '503': 4 });
        expect(client.stats()).toMatchObject({ attempts: 4, transientRetries: 0, outageRetries: 3, failed: 1 });
    });

    it('backs off exponentially (capped, jittered) without Retry-After', async () => {
        sim = await startSimulator({
            schema: 'crm',
            rows: 0,
            faults: { seed: 1, serverError: { rate: 1, statuses: [500], afterWorkShare: 0 } },
        });
        const origin = sim.url;
        // Built by hand to fix the jitter: random 0.5 puts every delay at 3/4 of its step.
        const http = new DataverseHttp({
            url: origin,
            transport: new Transport({ url: origin }),
            limiter: new AdaptiveLimiter({ maxConcurrency: 4 }),
            retry: { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 250, maxTransientAttempts: 4 },
            random: () => 0.5,
        });
        const pending = settle(http.send({ method: 'GET', path: 'WhoAmI' }));
        // Steps 100, 200, 250 (capped): waits 75, 150, 188.
        expect(await nextWait()).toBe(75);
        expect(await nextWait()).toBe(225);
        expect(await nextWait()).toBe(413);
        const { error, at } = await pending;
        expect(at).toBe(413);
        expect(error).toMatchObject({ kind: 'transient', status: 500, attempts: 4 });
    });

    it('ends a backoff when the caller aborts, naming the last failure', async () => {
        sim = await startSimulator({
            schema: 'crm',
            rows: 0,
            faults: { seed: 1, unavailable: { rate: 1, retryAfterSeconds: 30 } },
        });
        const client = createDataverseClient({ url: sim.url });
        const caller = new AbortController();
        const pending = settle(client.get('WhoAmI', { signal: caller.signal }));
        await until(() => vi.getTimerCount() > 0, 'the client waits');
        await vi.advanceTimersByTimeAsync(1000);
        caller.abort();
        const { error, at } = await pending;
        expect(at).toBe(1000);
        expect(error).toMatchObject({ kind: 'aborted', status: 503, method: 'GET', path: '/api/data/v9.2/WhoAmI' });
        expect((error as Error).message).toContain('(last failure: 503');
        expect(sim.stats().statuses).toEqual({ '503': 1 });
    });
});
