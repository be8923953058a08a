/**
 * Whether an environment is away, shared by every request to it (environment-registry.ts): when the current outage
 * began, so that the outage budget is spent once for all parallel requests and activity retries rather than once per
 * request, and whether the environment ever answered in this process, because a host that has never answered is more
 * likely a wrong URL than an outage.
 */

/** An outage ends with the first answer, or when nothing reported one for this long (a new one then starts afresh). */
export const OUTAGE_QUIET_GAP_MS = 120_000;

export interface OutageView {
    /** Epoch ms when the current outage began; undefined when the environment is not known to be away. */
    since: number | undefined;
    /** Some request got an HTTP answer from the environment in this process. */
    answeredBefore: boolean;
}

export class OutageTracker {
    private began: number | undefined;
    private lastSignal = 0;
    private answered = false;

    /** The state an attempt at `now` is judged by. */
    view(now: number): OutageView {
        const current = this.began !== undefined && now - this.lastSignal <= OUTAGE_QUIET_GAP_MS;
        return { since: current ? this.began : undefined, answeredBefore: this.answered };
    }

    /** A refusal, or a 503 (`answered`: the environment is there, but away), at `now`: the outage goes on, or begins. */
    signal(now: number, answered: boolean): void {
        if (this.view(now).since === undefined) this.began = now;
        this.lastSignal = now;
        if (answered) this.answered = true;
    }

    /** Any other answer: the environment is there. */
    answer(): void {
        this.began = undefined;
        this.answered = true;
    }
}
