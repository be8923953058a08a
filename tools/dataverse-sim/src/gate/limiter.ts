/**
 * Per-user service protection limits over a sliding window, in simulated ms (research §4):
 * - request count and execution time trip only AFTER they are exceeded (the request that crosses the line is
 *   served), then every later request is rejected until Retry-After passes;
 * - the concurrency limit rejects immediately and keeps no state;
 * - a user who keeps sending while throttled gets a longer Retry-After (see keepSendingPenaltySeconds).
 * A request holds a concurrency slot from enter until its modeled server time has elapsed after leave.
 */
import { DEFAULT_KEEP_SENDING_PENALTY_SECONDS, type LimitsConfig } from './limits-config.js';
import { SlidingLog } from './sliding-log.js';
import type { LimitKind } from './throttle-errors.js';

/** Retry-After for the concurrency limit (simulated ms): a slot frees within one server time; the service says 1 s. */
const CONCURRENCY_RETRY_MS = 1000;

interface Throttle {
    kind: Exclude<LimitKind, 'concurrency'>;
    until: number;
    rejections: number;
}

class UserLimits {
    readonly requests = new SlidingLog();
    readonly execution = new SlidingLog();
    /** Entered, not yet left. */
    active = 0;
    /** Simulated times at which left requests release their concurrency slot. */
    releases: number[] = [];
    throttle: Throttle | undefined;
}

export type LimitCheck = { ok: true } | { ok: false; kind: LimitKind; retryAfterMs: number };

export class Limiter {
    private readonly users = new Map<string, UserLimits>();
    private readonly windowMs: number;
    private readonly penaltyMs: number;

    constructor(readonly limits: LimitsConfig) {
        this.windowMs = limits.windowSeconds * 1000;
        this.penaltyMs = (limits.keepSendingPenaltySeconds ?? DEFAULT_KEEP_SENDING_PENALTY_SECONDS) * 1000;
    }

    private state(user: string): UserLimits {
        let s = this.users.get(user);
        if (!s) {
            s = new UserLimits();
            this.users.set(user, s);
        }
        return s;
    }

    private slide(s: UserLimits, now: number): void {
        s.requests.prune(now - this.windowMs);
        s.execution.prune(now - this.windowMs);
        if (s.releases.length > 0) s.releases = s.releases.filter((t) => t > now);
    }

    /** Whether `user` may start a request at simulated time `now`. Does not admit it. */
    check(user: string, now: number): LimitCheck {
        const s = this.state(user);
        const t = s.throttle;
        if (t && now < t.until) {
            t.rejections++;
            // The first maxConcurrentRequests rejections are parallel callers learning of the throttle; more is
            // a client that ignores Retry-After, and each such request pushes the throttle out (at most a window).
            if (t.rejections > this.limits.maxConcurrentRequests) {
                t.until = Math.min(t.until + this.penaltyMs, now + this.windowMs);
            }
            return { ok: false, kind: t.kind, retryAfterMs: t.until - now };
        }
        s.throttle = undefined;
        this.slide(s, now);

        if (s.requests.count >= this.limits.maxRequestsPerWindow) {
            // Room returns when enough of the oldest requests leave the window.
            const until = s.requests.timeAt(s.requests.count - this.limits.maxRequestsPerWindow) + this.windowMs;
            return this.trip(s, 'requests', until, now);
        }
        const drained = s.execution.timeWhenSumAtMost(this.limits.maxExecutionMsPerWindow);
        if (drained !== undefined) return this.trip(s, 'executionTime', drained + this.windowMs, now);

        if (s.active + s.releases.length >= this.limits.maxConcurrentRequests) {
            return { ok: false, kind: 'concurrency', retryAfterMs: CONCURRENCY_RETRY_MS };
        }
        return { ok: true };
    }

    private trip(s: UserLimits, kind: Throttle['kind'], until: number, now: number): LimitCheck {
        s.throttle = { kind, until, rejections: 1 };
        return { ok: false, kind, retryAfterMs: until - now };
    }

    /** Counts an admitted request (after a successful check at the same `now`). */
    admit(user: string, now: number): void {
        const s = this.state(user);
        s.requests.push(now, 1);
        s.active++;
    }

    /** The admitted request finished its work at `now`, costing `executionMs` simulated ms. */
    complete(user: string, now: number, executionMs: number): void {
        const s = this.state(user);
        s.active = Math.max(0, s.active - 1);
        s.execution.push(now, executionMs);
        if (executionMs > 0) s.releases.push(now + executionMs);
    }

    /** Budget left in the current window (for the debug headers). */
    remaining(user: string, now: number): { requests: number; executionMs: number } {
        const s = this.state(user);
        this.slide(s, now);
        return {
            requests: Math.max(0, this.limits.maxRequestsPerWindow - s.requests.count),
            executionMs: Math.max(0, this.limits.maxExecutionMsPerWindow - s.execution.sum),
        };
    }
}
