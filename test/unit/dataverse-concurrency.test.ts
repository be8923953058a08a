import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, type Permit } from '../../src/dataverse/concurrency.js';

async function acquireN(limiter: AdaptiveLimiter, n: number): Promise<Permit[]> {
    const permits: Permit[] = [];
    for (let i = 0; i < n; i++) permits.push(await limiter.acquire());
    return permits;
}

/** Resolves true when the promise settles within a few event-loop turns. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
    let settled = false;
    promise.then(
        () => (settled = true),
        () => (settled = true),
    );
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    return settled;
}

describe('AdaptiveLimiter', () => {
    it('starts small, then takes x-ms-dop-hint capped by maxConcurrency and by 52', () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 16 });
        expect(limiter.limit).toBe(4);
        limiter.observeDopHint(10);
        expect(limiter.limit).toBe(10);
        const capped = new AdaptiveLimiter({ maxConcurrency: 16 });
        capped.observeDopHint(50);
        expect(capped.limit).toBe(16);
        const high = new AdaptiveLimiter({ maxConcurrency: 200 });
        high.observeDopHint(100);
        expect(high.limit).toBe(52);
    });

    it('never grants more slots than the limit', async () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 3, initialLimit: 3 });
        const permits = await acquireN(limiter, 3);
        const fourth = limiter.acquire();
        expect(await settlesSoon(fourth)).toBe(false);
        expect(limiter.stats().queued).toBe(1);
        permits[0]?.release();
        expect(await settlesSoon(fourth)).toBe(true);
        expect(limiter.stats().peakInFlight).toBe(3);
    });

    it('halves on a 429 once per throttle episode', async () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 40 });
        limiter.observeDopHint(40);
        const permits = await acquireN(limiter, 8);
        // Eight requests of the same episode come back throttled: one decrease only.
        for (const permit of permits) {
            permit.release();
            limiter.onThrottle(permit, 0);
        }
        expect(limiter.limit).toBe(20);
        expect(limiter.stats().decreases).toBe(1);
        expect(limiter.stats().throttles).toBe(8);
        // A request sent after the decrease and throttled again decreases again.
        const later = await limiter.acquire();
        later.release();
        limiter.onThrottle(later, 0);
        expect(limiter.limit).toBe(10);
        // Never below one.
        for (let i = 0; i < 10; i++) {
            const p = await limiter.acquire();
            p.release();
            limiter.onThrottle(p, 0);
        }
        expect(limiter.limit).toBe(1);
    });

    it('lowers the limit on deadlocks once per episode, without pausing anyone', async () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 40 });
        limiter.observeDopHint(32);
        const permits = await acquireN(limiter, 6);
        for (const permit of permits) {
            permit.release();
            limiter.onContention(permit);
        }
        expect(limiter.stats()).toMatchObject({ limit: 16, contentions: 6, decreases: 1, pausedUntil: 0 });
        expect(await settlesSoon(limiter.acquire())).toBe(true);
        // A `$batch` round reports without a permit: it decreases each time.
        limiter.onContention();
        expect(limiter.limit).toBe(8);
    });

    it('recovers additively, about one slot per round of successes, up to the ceiling', async () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 16 });
        limiter.observeDopHint(16);
        const permit = await limiter.acquire();
        permit.release();
        limiter.onThrottle(permit, 0);
        expect(limiter.limit).toBe(8);
        for (let i = 0; i < 8; i++) limiter.onSuccess();
        expect(limiter.limit).toBe(9);
        for (let i = 0; i < 1000; i++) limiter.onSuccess();
        expect(limiter.limit).toBe(16);
        expect(limiter.stats().ceiling).toBe(16);
    });

    it('keeps a throttled limit when the first dop hint arrives late', async () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 16, initialLimit: 4 });
        const permit = await limiter.acquire();
        permit.release();
        limiter.onThrottle(permit, 0);
        limiter.observeDopHint(16);
        expect(limiter.limit).toBe(2);
    });

    it('holds every grant during a Retry-After pause', async () => {
        let now = 1000;
        const limiter = new AdaptiveLimiter({ maxConcurrency: 4, initialLimit: 4, now: () => now });
        const permit = await limiter.acquire();
        permit.release();
        limiter.onThrottle(permit, 30);
        const waiting = limiter.acquire();
        expect(await settlesSoon(waiting)).toBe(false);
        expect(limiter.stats().pausedUntil).toBe(1030);
        now = 1031;
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect(await settlesSoon(waiting)).toBe(true);
    });

    it('rejects a queued acquire when its signal aborts and forgets it', async () => {
        const limiter = new AdaptiveLimiter({ maxConcurrency: 1, initialLimit: 1 });
        const held = await limiter.acquire();
        const controller = new AbortController();
        const waiting = limiter.acquire(controller.signal);
        controller.abort(new Error('cancelled'));
        await expect(waiting).rejects.toThrow('cancelled');
        expect(limiter.stats().queued).toBe(0);
        held.release();
        expect(limiter.stats().inFlight).toBe(0);
    });
});
