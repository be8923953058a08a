/**
 * Simulated server time. All limits and the server-time model run in simulated ms; `timeScale` real seconds pass
 * per simulated second (0.01 compresses the 300 s window into 3 real seconds). The clock is injectable for tests.
 */
export type Clock = () => number;

export class SimTime {
    private readonly startReal: number;

    constructor(
        private readonly clock: Clock,
        readonly timeScale: number,
    ) {
        if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
            throw new Error(`timeScale must be a positive number, got ${timeScale}`);
        }
        this.startReal = clock();
    }

    /** Real epoch ms from the clock (for token expiry, which is wall-clock time). */
    realNow(): number {
        return this.clock();
    }

    /** Simulated ms since the gate started. */
    now(): number {
        return (this.clock() - this.startReal) / this.timeScale;
    }

    /** Real ms that `simMs` of simulated time take. */
    toRealMs(simMs: number): number {
        return simMs * this.timeScale;
    }

    /**
     * `Retry-After` value for a wait of `simMs`: the service gives whole seconds (at least 1), so the simulated
     * wait is rounded up to whole simulated seconds first. On the wire that is real seconds: an integer when
     * timeScale >= 1 (as the real service); a decimal (at most 3 places, rounded up) when time is compressed, the
     * one deliberate deviation, because whole seconds would make compressed tests slow.
     */
    retryAfter(simMs: number): { simSeconds: number; header: string } {
        const simSeconds = Math.max(1, Math.ceil(simMs / 1000 - 1e-9));
        const real = simSeconds * this.timeScale;
        const header =
            this.timeScale >= 1 ? String(Math.ceil(real - 1e-9)) : String(Math.ceil(real * 1000 - 1e-6) / 1000);
        return { simSeconds, header };
    }
}
