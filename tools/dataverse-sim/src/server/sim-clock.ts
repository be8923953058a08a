/**
 * The environment's notion of now: the wall clock plus an offset that tests move forward, so that change-tracking
 * tokens age past the org's retention (and createdon/modifiedon move on) without waiting days.
 */
export class SimClock {
    private offsetMs = 0;
    private pinned: Date | undefined;

    now(): Date {
        return this.pinned ? new Date(this.pinned) : new Date(Date.now() + this.offsetMs);
    }

    /** Moves now forward by `ms` (never backwards: real time does not). */
    advance(ms: number): void {
        if (!Number.isFinite(ms) || ms < 0)
            throw new RangeError(`advanceClock: ms must be a non-negative number, got ${ms}`);
        this.offsetMs += ms;
    }

    /**
     * Runs synchronous work as if now were `at` (a long transaction's writes carry the time it began,
     * long-transactions.ts). Synchronous only, so nothing else runs while now is pinned.
     */
    as<T>(at: Date, work: () => T): T {
        const before = this.pinned;
        this.pinned = at;
        try {
            return work();
        } finally {
            this.pinned = before;
        }
    }
}
