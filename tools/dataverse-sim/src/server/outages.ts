/**
 * Outages of a whole environment, for clients that must wait one out: `refuse` closes the port (new connections are
 * refused, open ones are cut, as when a host goes away) and `unavailable` answers every Web API request 503 with
 * Retry-After (the gate's front door). The data, the clock and the port are kept, so the environment comes back as it
 * was. One outage at a time; an optional length ends it by itself.
 */
import { z } from 'zod';

export type OutageMode = 'refuse' | 'unavailable';

export interface OutageOptions {
    /** Real seconds until the outage ends by itself; without it, it lasts until `end()`. */
    seconds?: number;
    /** `unavailable` only: the Retry-After of its 503s, simulated seconds (default 5). */
    retryAfterSeconds?: number;
}

/** `POST /_sim/outage` body: `{"mode":"refuse"|"unavailable","seconds"?:n,"retryAfterSeconds"?:n}`, or `{"end":true}`. */
export const outageRequestSchema = z.union([
    z.strictObject({
        mode: z.enum(['refuse', 'unavailable']),
        seconds: z.number().positive().optional(),
        retryAfterSeconds: z.number().positive().optional(),
    }),
    z.strictObject({ end: z.literal(true) }),
]);

export const DEFAULT_OUTAGE_RETRY_AFTER_SECONDS = 5;

/** What an outage acts on: the listener and the gate's front door. */
export interface OutageTarget {
    stopListening(): Promise<void>;
    listenAgain(): Promise<void>;
    beginUnavailable(retryAfterSeconds: number): void;
    endUnavailable(): void;
}

export class OutageSwitch {
    private mode: OutageMode | undefined;
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly target: OutageTarget) {}

    get current(): OutageMode | undefined {
        return this.mode;
    }

    async begin(mode: OutageMode, options: OutageOptions = {}): Promise<void> {
        if (this.mode) throw new Error(`an outage (${this.mode}) is already in progress`);
        this.mode = mode;
        if (mode === 'refuse') await this.target.stopListening();
        else this.target.beginUnavailable(options.retryAfterSeconds ?? DEFAULT_OUTAGE_RETRY_AFTER_SECONDS);
        if (options.seconds !== undefined) {
            this.timer = setTimeout(() => {
                this.end().catch((error: unknown) => {
                    process.stderr.write(`dataverse-sim: the outage could not end: ${String(error)}\n`);
                });
            }, options.seconds * 1000);
        }
    }

    async end(): Promise<void> {
        clearTimeout(this.timer);
        this.timer = undefined;
        const mode = this.mode;
        this.mode = undefined;
        if (mode === 'refuse') await this.target.listenAgain();
        else if (mode === 'unavailable') this.target.endUnavailable();
    }

    /** Forgets a pending end (the simulator is closing). */
    cancel(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.mode = undefined;
    }
}
