/**
 * Adaptive concurrency for one environment + identity (service protection limits are per user and
 * per web server, research §4). One limiter is shared by all work in the process for the same environment and
 * identity (environment-registry.ts):
 * - it starts small, then jumps to the server's `x-ms-dop-hint` (capped by the spec's maxConcurrency
 *   and by 52, the documented concurrent-request limit) once a response carries it;
 * - a 429 halves the limit (once per throttle episode: 429s of requests sent before the last decrease
 *   do not decrease again) and pauses every caller until Retry-After has passed, because the service
 *   answers 429 to everything until then and lengthens the penalty for callers who keep sending;
 * - a deadlock (writers of one table blocking each other) decreases the same way, once per episode, without a
 *   pause: the service is answering, only fewer writers at once help;
 * - each success adds 1/limit, so the limit grows by about one per round of requests (AIMD).
 */
import { waitInLine, type Waiter as LineWaiter } from './waiting-line.js';

/** The documented concurrent-request limit per user and web server. */
export const SERVICE_CONCURRENCY_LIMIT = 52;

export interface LimiterOptions {
    /** The spec's maxConcurrency. */
    maxConcurrency: number;
    /** Limit before any `x-ms-dop-hint` is seen. Default min(maxConcurrency, 4). */
    initialLimit?: number;
    /** Multiplier applied on a 429. Default 0.5. */
    decreaseFactor?: number;
    now?: () => number;
}

export interface LimiterStats {
    /** Requests currently allowed in parallel. */
    limit: number;
    /** Upper bound for recovery: min(dop hint, maxConcurrency, 52). */
    ceiling: number;
    dopHint: number | undefined;
    inFlight: number;
    queued: number;
    /** Highest number of requests that were in flight at once. */
    peakInFlight: number;
    granted: number;
    successes: number;
    throttles: number;
    /** Deadlocks reported (each episode's first one decreases the limit). */
    contentions: number;
    decreases: number;
    /** Epoch ms until which callers wait because of a Retry-After; 0 when not paused. */
    pausedUntil: number;
}

/** A slot held for one HTTP attempt. */
export interface Permit {
    /** Decrease epoch when the slot was granted. */
    readonly epoch: number;
    release(): void;
}

type Waiter = LineWaiter<Permit>;

export class AdaptiveLimiter {
    private currentLimit: number;
    private ceilingLimit: number;
    private hint: number | undefined;
    private readonly cap: number;
    private readonly factor: number;
    private readonly now: () => number;
    private active = 0;
    private peak = 0;
    private readonly waiters: Waiter[] = [];
    private epoch = 0;
    private pausedUntilMs = 0;
    private pauseTimer: NodeJS.Timeout | undefined;
    private counters = { granted: 0, successes: 0, throttles: 0, contentions: 0, decreases: 0 };
    /** Told when a slot may be free (identity-pool.ts: a pool waits on several limiters at once). */
    private readonly capacityListeners = new Set<() => void>();

    constructor(options: LimiterOptions) {
        this.cap = Math.max(1, Math.min(Math.floor(options.maxConcurrency), SERVICE_CONCURRENCY_LIMIT));
        this.ceilingLimit = this.cap;
        this.currentLimit = Math.max(1, Math.min(this.cap, options.initialLimit ?? 4));
        this.factor = options.decreaseFactor ?? 0.5;
        this.now = options.now ?? Date.now;
    }

    /** Requests allowed in parallel right now. */
    get limit(): number {
        return Math.max(1, Math.floor(this.currentLimit));
    }

    /** Waits for a slot (and for any Retry-After pause to end). */
    acquire(signal?: AbortSignal): Promise<Permit> {
        return waitInLine(this.waiters, signal, () => this.pump());
    }

    /**
     * A slot now, or undefined: paused, full, or callers already waiting here (they come first). For a pool of
     * identities, which takes a slot from whichever identity has one (identity-pool.ts).
     */
    tryAcquire(): Permit | undefined {
        if (this.waiters.length > 0 || this.pausedUntilMs > this.now() || this.active >= this.limit) return undefined;
        return this.grant();
    }

    /** Free slots right now (0 while paused): how a pool picks its least loaded identity. */
    get available(): number {
        if (this.pausedUntilMs > this.now()) return 0;
        return Math.max(0, this.limit - this.active - this.waiters.length);
    }

    /** Calls `listener` whenever a slot may have come free (a release, a pause ended, a higher limit). */
    onCapacity(listener: () => void): void {
        this.capacityListeners.add(listener);
    }

    /** A request succeeded: additive recovery towards the ceiling. */
    onSuccess(): void {
        this.counters.successes++;
        if (this.currentLimit < this.ceilingLimit) {
            this.currentLimit = Math.min(this.ceilingLimit, this.currentLimit + 1 / this.limit);
            this.pump();
        }
    }

    /**
     * A request got 429: decrease (once per episode) and pause everyone for `retryAfterMs`.
     * `permit` is the slot the throttled attempt held.
     */
    onThrottle(permit: Pick<Permit, 'epoch'>, retryAfterMs: number): void {
        this.counters.throttles++;
        this.decrease(permit);
        this.pauseFor(retryAfterMs);
    }

    /**
     * A request was a deadlock victim: decrease once per episode (deadlocks of requests sent before the last decrease
     * do not decrease again); no pause. Without a permit (a `$batch` round) it always decreases.
     */
    onContention(permit?: Pick<Permit, 'epoch'>): void {
        this.counters.contentions++;
        this.decrease(permit);
    }

    private decrease(permit: Pick<Permit, 'epoch'> | undefined): void {
        if (permit && permit.epoch !== this.epoch) return;
        this.epoch++;
        this.counters.decreases++;
        this.currentLimit = Math.max(1, Math.floor(this.currentLimit * this.factor));
    }

    /** Holds every new grant until `ms` from now (keeps the longest pause). */
    pauseFor(ms: number): void {
        const until = this.now() + Math.max(0, ms);
        if (until > this.pausedUntilMs) this.pausedUntilMs = until;
        this.pump();
    }

    /** The server's recommended degree of parallelism, from a response header. */
    observeDopHint(value: number): void {
        if (!Number.isFinite(value) || value < 1) return;
        const hint = Math.floor(value);
        if (hint === this.hint) return;
        const first = this.hint === undefined;
        this.hint = hint;
        this.ceilingLimit = Math.min(hint, this.cap);
        // The first hint sets the starting point unless a 429 already told us to slow down.
        if (first && this.counters.decreases === 0) this.currentLimit = this.ceilingLimit;
        else this.currentLimit = Math.min(this.currentLimit, this.ceilingLimit);
        this.pump();
    }

    stats(): LimiterStats {
        const paused = this.pausedUntilMs > this.now() ? this.pausedUntilMs : 0;
        return {
            limit: this.limit,
            ceiling: this.ceilingLimit,
            dopHint: this.hint,
            inFlight: this.active,
            queued: this.waiters.length,
            peakInFlight: this.peak,
            ...this.counters,
            pausedUntil: paused,
        };
    }

    private pump(): void {
        const wait = this.pausedUntilMs - this.now();
        if (wait > 0) {
            if (this.pauseTimer === undefined && (this.waiters.length > 0 || this.capacityListeners.size > 0)) {
                this.pauseTimer = setTimeout(() => {
                    this.pauseTimer = undefined;
                    this.pump();
                }, wait);
            }
            return;
        }
        while (this.waiters.length > 0 && this.active < this.limit) {
            const waiter = this.waiters.shift() as Waiter;
            if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
            waiter.resolve(this.grant());
        }
        if (this.active < this.limit) for (const listener of this.capacityListeners) listener();
    }

    private grant(): Permit {
        this.active++;
        this.peak = Math.max(this.peak, this.active);
        this.counters.granted++;
        return this.makePermit();
    }

    private makePermit(): Permit {
        let released = false;
        return {
            epoch: this.epoch,
            release: () => {
                if (released) return;
                released = true;
                this.active--;
                this.pump();
            },
        };
    }
}
