/**
 * The environment's notion of now: the wall clock plus an offset that tests move forward, so that change-tracking
 * tokens age past the org's retention (and createdon/modifiedon move on) without waiting days.
 */
export class SimClock {
    private offsetMs = 0;

    now(): Date {
        return new Date(Date.now() + this.offsetMs);
    }

    /** Moves now forward by `ms` (never backwards: real time does not). */
    advance(ms: number): void {
        if (!Number.isFinite(ms) || ms < 0)
            throw new RangeError(`advanceClock: ms must be a non-negative number, got ${ms}`);
        this.offsetMs += ms;
    }
}
