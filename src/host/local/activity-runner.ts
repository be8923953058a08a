/**
 * Runs activities in-process as the Functions host would: at most `limit` at once across all instances
 * (a FIFO queue, like host.json's maxConcurrentActivityFunctions), input and result through JSON, a thrown
 * error turned into the Reason and Details strings of a TaskFailed event, observers told of each activity,
 * and what is still running when the host stops.
 */
import { errorToJson, type ErrorJson } from '../../dataverse/errors.js';
import { firstLine, fromOptionalJsonText, toJsonText } from './json.js';
import { callSafely } from './observers.js';

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

export interface ActivityEvent {
    type: 'scheduled' | 'completed' | 'failed';
    instanceId: string;
    taskId: number;
    name: string;
    input: unknown;
    output?: unknown;
    /** The TaskFailed reason. */
    error?: string;
    durationMs?: number;
}

/** The host's activity counters, updated in place. */
export interface ActivityCounters {
    activitiesRun: number;
    activitiesFailed: number;
    activityMs: number;
}

export interface ActivityRunnerOptions {
    activities: Readonly<Record<string, ActivityFunction>>;
    limit: number;
    onActivity?: (event: ActivityEvent) => void;
    counters: ActivityCounters;
}

/** The host's side of activities: one FIFO bound across instances, observers, counters, the ones in flight. */
export class ActivityRunner {
    private readonly limiter: FifoLimiter;
    private readonly inFlight = new Set<Promise<unknown>>();

    constructor(private readonly options: ActivityRunnerOptions) {
        this.limiter = new FifoLimiter(options.limit);
    }

    /** The most activities that ever ran together. */
    get peak(): number {
        return this.limiter.peak;
    }

    /**
     * Runs an activity once a slot is free. `settle` receives its outcome, or undefined when it was dropped
     * before it started; the returned promise settles after `settle` has.
     */
    run(
        context: ActivityContext,
        input: string | undefined,
        settle: (outcome: ActivityOutcome | undefined) => Promise<void> | void,
    ): Promise<void> {
        const { instanceId, taskId, name } = context;
        const { activities, onActivity, counters } = this.options;
        const notify = onActivity && ((event: ActivityEvent) => callSafely(() => onActivity(event)));
        const decoded = notify ? fromOptionalJsonText(input) : undefined;
        notify?.({ type: 'scheduled', instanceId, taskId, name, input: decoded });
        const fn = Object.hasOwn(activities, name) ? activities[name] : undefined;
        const job = this.limiter.run(instanceId, async () => {
            const started = performance.now();
            const outcome = await invokeActivity(fn, input, context, Object.keys(activities));
            return { outcome, ms: performance.now() - started };
        });
        const settled = job.then(async (done) => {
            if (done === DROPPED) return settle(undefined);
            counters.activitiesRun += 1;
            counters.activityMs += done.ms;
            if (!done.outcome.ok) counters.activitiesFailed += 1;
            notify?.(activityEvent(context, decoded, done.outcome, done.ms));
            await settle(done.outcome);
        });
        this.inFlight.add(settled);
        void settled.finally(() => this.inFlight.delete(settled)).catch(() => undefined);
        return settled;
    }

    /** Drops the queued activities of `owner` (all queued ones when omitted); running ones are not affected. */
    drop(owner?: string): void {
        this.limiter.drop(owner);
    }

    /** Waits for the activities in flight (and what their outcomes lead to), but no longer than `ms`. */
    async settled(ms: number): Promise<void> {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
            Promise.allSettled([...this.inFlight]),
            new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
        ]);
        clearTimeout(timer);
    }
}

function activityEvent(
    { instanceId, taskId, name }: ActivityContext,
    input: unknown,
    outcome: ActivityOutcome,
    durationMs: number,
): ActivityEvent {
    return outcome.ok
        ? { type: 'completed', instanceId, taskId, name, input, output: JSON.parse(outcome.result), durationMs }
        : { type: 'failed', instanceId, taskId, name, input, error: outcome.reason, durationMs };
}
