/**
 * Runs activities in-process as the Functions host would: at most `limit` at once across all instances
 * (a FIFO queue, like host.json's maxConcurrentActivityFunctions), input and result through JSON, and a thrown
 * error turned into the Reason and Details strings of a TaskFailed event.
 */
import { errorToJson, type ErrorJson } from '../../dataverse/errors.js';
import { firstLine, fromOptionalJsonText, toJsonText } from './json.js';

export interface ActivityContext {
    instanceId: string;
    taskId: number;
    name: string;
    /** Aborted when the host stops or the instance ends; the activity may give up early. */
    signal: AbortSignal;
}

/** An activity: plain async function of its (JSON-decoded) input. */
export type ActivityFunction = (input: unknown, context: ActivityContext) => Promise<unknown>;

export type ActivityOutcome = { ok: true; result: string } | { ok: false; reason: string; details: string };

/** Calls an activity; never rejects. */
export async function invokeActivity(
    fn: ActivityFunction | undefined,
    input: string | undefined,
    context: ActivityContext,
    registered: readonly string[],
): Promise<ActivityOutcome> {
    const { name } = context;
    if (!fn) {
        const known = registered.length > 0 ? registered.join(', ') : 'none';
        const reason = `Activity function '${name}' is not registered with the local durable host (registered: ${known})`;
        return { ok: false, reason, details: reason };
    }
    try {
        const value = await fn(fromOptionalJsonText(input), context);
        // A function that returns nothing completes with null, as in Azure.
        return {
            ok: true,
            result: value === undefined ? 'null' : toJsonText(value, `the result of activity '${name}'`),
        };
    } catch (error) {
        // Name, message and code fields as plain data, secrets redacted, never the stack: the orchestrator
        // reads `Reason \n Details` as the failure's message, and run reasons are made of it.
        const failure = failureOf(error);
        const reason = `Activity function '${name}' failed: ${firstLine(failure.message)}`;
        return { ok: false, reason, details: JSON.stringify(failure) };
    }
}

function failureOf(error: unknown): ErrorJson {
    try {
        return errorToJson(error);
    } catch {
        // A thrown value JSON cannot represent (a cycle, a BigInt).
        return { name: 'Error', message: String(error) };
    }
}

/** A queued job that was dropped before it started (its instance ended, or the host stopped). */
export const DROPPED = Symbol('dropped');

interface Queued {
    owner: string;
    start: () => void;
    drop: () => void;
}

/** A FIFO bound on jobs running at once; `peak` is the most that ever ran together. */
export class FifoLimiter {
    private running = 0;
    private readonly queue: Queued[] = [];
    peak = 0;

    constructor(readonly limit: number) {
        if (!Number.isInteger(limit) || limit < 1) {
            throw new RangeError(`maxConcurrentActivities must be a positive integer (got ${limit})`);
        }
    }

    get active(): number {
        return this.running;
    }

    get queued(): number {
        return this.queue.length;
    }

    run<T>(owner: string, job: () => Promise<T>): Promise<T | typeof DROPPED> {
        return new Promise((resolve, reject) => {
            const start = (): void => {
                this.running += 1;
                this.peak = Math.max(this.peak, this.running);
                job()
                    .then(resolve, reject)
                    .finally(() => {
                        this.running -= 1;
                        this.queue.shift()?.start();
                    });
            };
            if (this.running < this.limit) start();
            else this.queue.push({ owner, start, drop: () => resolve(DROPPED) });
        });
    }

    /** Drops the queued jobs of `owner` (all queued jobs when omitted); running jobs are not affected. */
    drop(owner?: string): void {
        for (let i = this.queue.length - 1; i >= 0; i--) {
            const job = this.queue[i]!;
            if (owner !== undefined && job.owner !== owner) continue;
            this.queue.splice(i, 1);
            job.drop();
        }
    }
}
