/**
 * The identities (application users) a client sends an environment's requests as, and which one sends the next
 * attempt. The service's protection limits are per user (research §4: requests, execution time and concurrency per
 * user and web server), so each identity keeps its own limiter (Retry-After pauses, `x-ms-dop-hint`, concurrency,
 * throttle episodes) and its own token. An attempt takes a slot from the identity with the most free slots; one
 * that is paused by a 429 or full has none, so a waiting attempt (a retry after a 429 included) goes to whichever
 * identity frees a slot first. With one identity this is exactly that identity's limiter.
 */
import type { AdaptiveLimiter, LimiterStats, Permit } from './concurrency.js';
import { waitInLine, type Waiter as LineWaiter } from './waiting-line.js';
import type { AccessTokenCache } from './token-cache.js';

export interface PoolMember {
    /** Position in the environment's list: 0 = `credential`, then `additionalCredentials`. */
    index: number;
    /** `<origin>|<identity>`, as the registry shares it. */
    key: string;
    limiter: AdaptiveLimiter;
    /** Undefined for `none` (no token). */
    tokenCache: AccessTokenCache | undefined;
}

/** A slot of one identity: the attempt goes as that identity and reports its outcome to that identity's limiter. */
export interface PoolPermit extends Permit {
    readonly member: PoolMember;
}

export interface PoolStats {
    /** Summed over the identities (dopHint: the first identity's). */
    total: LimiterStats;
    identities: Array<LimiterStats & { index: number }>;
}

type Waiter = LineWaiter<PoolPermit>;

export class IdentityPool {
    private readonly waiters: Waiter[] = [];

    constructor(readonly members: readonly PoolMember[]) {
        if (members.length === 0) throw new Error('an identity pool needs at least one identity');
        if (members.length > 1) for (const member of members) member.limiter.onCapacity(() => this.pump());
    }

    /** Waits for a slot of any identity that is neither paused nor full. */
    acquire(signal?: AbortSignal): Promise<PoolPermit> {
        if (this.members.length === 1) {
            const member = this.members[0] as PoolMember;
            return member.limiter.acquire(signal).then((permit) => withMember(permit, member));
        }
        return waitInLine(this.waiters, signal, () => this.pump());
    }

    /** The environment is away (an outage): hold every identity's callers. */
    pauseFor(ms: number): void {
        for (const member of this.members) member.limiter.pauseFor(ms);
    }

    member(index: number): PoolMember {
        return this.members[index] ?? (this.members[0] as PoolMember);
    }

    stats(): PoolStats {
        const identities = this.members.map((m) => ({ index: m.index, ...m.limiter.stats() }));
        const sum = (pick: (s: LimiterStats) => number) => identities.reduce((n, s) => n + pick(s), 0);
        const first = identities[0] as LimiterStats;
        const total: LimiterStats = {
            limit: sum((s) => s.limit),
            ceiling: sum((s) => s.ceiling),
            dopHint: first.dopHint,
            inFlight: sum((s) => s.inFlight),
            queued: sum((s) => s.queued) + this.waiters.length,
            peakInFlight: sum((s) => s.peakInFlight),
            granted: sum((s) => s.granted),
            successes: sum((s) => s.successes),
            throttles: sum((s) => s.throttles),
            contentions: sum((s) => s.contentions),
            decreases: sum((s) => s.decreases),
            pausedUntil: Math.min(...identities.map((s) => s.pausedUntil)),
        };
        return { total, identities };
    }

    /** Grants waiters slots of the identities with the most free slots, while any has one. */
    private pump(): void {
        while (this.waiters.length > 0) {
            const member = this.freest();
            const permit = member?.limiter.tryAcquire();
            if (!member || !permit) return;
            const waiter = this.waiters.shift() as Waiter;
            if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
            waiter.resolve(withMember(permit, member));
        }
    }

    private freest(): PoolMember | undefined {
        let best: PoolMember | undefined;
        let bestFree = 0;
        for (const member of this.members) {
            const free = member.limiter.available;
            if (free > bestFree) [best, bestFree] = [member, free];
        }
        return best;
    }
}

function withMember(permit: Permit, member: PoolMember): PoolPermit {
    return { epoch: permit.epoch, release: () => permit.release(), member };
}
