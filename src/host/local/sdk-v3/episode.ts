/**
 * One episode of an execution through durable-functions v3: the order in which waiting messages go into the
 * history and the ids of the retry timers and attempts they make the SDK create; the replay; then the episode
 * record (new tasks with their ids, cancelled timers, custom status, outcome) or a non-determinism failure.
 *
 * Why the order matters: the v3 SDK gives the next task id to a retry timer when it reads the failure of an
 * attempt, and to the next attempt when it reads that timer firing, at that point of the history, and returns
 * its actions without ids. Playing those messages first, before anything that lets the orchestrator code run
 * on, makes their ids the next ones in sequence; the tasks the orchestrator then schedules follow, in the order
 * of the action list.
 */
import type { OrchestrationHandler } from 'durable-functions';
import type { ExecutionView, InboxEntry } from '../execution.js';
import type { EpisodeRecord, Outcome, TaskRecord } from '../journal.js';
import { errorMessage, fromOptionalJsonText, toJsonText, toOptionalJsonText } from '../json.js';
import { describeTask, readActions, type RequestedTask } from './actions.js';
import { episodeEvents, playedHistory } from './execution-history.js';
import { replayOnce, type OrchestratorState } from './replay.js';
import { hasAttemptsLeft, retryDelayMs } from './retry.js';

/** Durable Functions refuses custom status over 16 KB of UTF-16 text. */
const MAX_CUSTOM_STATUS_BYTES = 16 * 1024;

export interface EpisodeRequest {
    /** The execution as the journal has it; the host applies the returned record to it. */
    execution: ExecutionView;
    /** When the episode plays: its OrchestratorStarted time, the orchestrator's `currentUtcDateTime`. */
    at: Date;
    /** Receives the orchestrator's `context.log(...)` calls; default: discarded. */
    log?: (level: string, ...args: unknown[]) => void;
}

export interface Episode {
    /** What to journal, then apply: the messages played, the tasks scheduled with their ids, the outcome. */
    record: EpisodeRecord;
    /** History events the SDK replayed, for the host's stats. */
    replayedEvents: number;
}

/** The ids the v3 SDK has given so far: tasks with an action in id order, failed attempts by primary task. */
interface Bookkeeping {
    primaryIds: number[];
    failures: Map<number, number>;
}

function bookkeepingOf(exec: ExecutionView): Bookkeeping {
    const primaryIds: number[] = [];
    const failures = new Map<number, number>();
    // Tasks are tracked in id order.
    for (const task of exec.tasks.values()) {
        if (task.kind === 'retryTimer') failures.set(task.of, (failures.get(task.of) ?? 0) + 1);
        else if (task.kind !== 'retryAttempt') primaryIds.push(task.id);
    }
    return { primaryIds, failures };
}

interface EpisodePlan {
    /** Inbox entries in the order they go into the history. */
    played: InboxEntry[];
    /** Retry timers and attempts the played messages make the SDK create, with their ids. */
    retryTasks: TaskRecord[];
}

type RetryStep = { primaryId: number; step: 'timer' | 'attempt' };

/** Whether a message makes the SDK create a retry timer or attempt (and for which primary task). */
function retryStepOf(exec: ExecutionView, books: Bookkeeping, entry: InboxEntry): RetryStep | undefined {
    const m = entry.message;
    if (m.kind !== 'taskFailed' && m.kind !== 'subFailed' && m.kind !== 'timerFired') return undefined;
    const task = exec.tasks.get(m.taskId);
    if (!task) return undefined;
    if (m.kind === 'timerFired') {
        if (task.kind !== 'retryTimer') return undefined;
        const primary = exec.runnable(task);
        const failures = books.failures.get(task.of) ?? 0;
        // The timer after the last attempt makes the SDK fail the task: that lets the orchestrator run on.
        return primary.retry && hasAttemptsLeft(primary.retry, failures)
            ? { primaryId: task.of, step: 'attempt' }
            : undefined;
    }
    if (task.kind !== 'activity' && task.kind !== 'sub' && task.kind !== 'retryAttempt') return undefined;
    const primary = exec.runnable(task);
    const primaryId = task.kind === 'retryAttempt' ? task.of : task.id;
    return primary.retry ? { primaryId, step: 'timer' } : undefined;
}

function planEpisode(exec: ExecutionView, books: Bookkeeping, at: Date): EpisodePlan {
    const first: InboxEntry[] = [];
    const rest: InboxEntry[] = [];
    const retryTasks: TaskRecord[] = [];
    let id = exec.nextTaskId;
    for (const entry of exec.inbox) {
        const retry = retryStepOf(exec, books, entry);
        if (!retry) {
            rest.push(entry);
            continue;
        }
        first.push(entry);
        if (retry.step === 'attempt') {
            retryTasks.push({ id: id++, kind: 'retryAttempt', of: retry.primaryId });
            continue;
        }
        const policy = exec.runnable(exec.tasks.get(retry.primaryId)!).retry!;
        const delay = retryDelayMs(policy, (books.failures.get(retry.primaryId) ?? 0) + 1);
        const fireAt = new Date(at.getTime() + delay).toISOString();
        retryTasks.push({ id: id++, kind: 'retryTimer', of: retry.primaryId, fireAt });
    }
    return { played: [...first, ...rest], retryTasks };
}

/** A task record that has an action (not a retry timer or attempt). */
type PrimaryRecord = Extract<TaskRecord, { kind: 'activity' | 'sub' | 'timer' }>;

function recordOf(task: RequestedTask, id: number, instanceId: string): PrimaryRecord {
    switch (task.kind) {
        case 'activity':
            return { id, kind: 'activity', name: task.name, input: task.input, retry: task.retry };
        case 'sub':
            // Durable Functions derives a child id from the parent when the orchestrator gives none.
            return {
                id,
                kind: 'sub',
                name: task.name,
                instanceId: task.instanceId ?? `${instanceId}:${id}`,
                input: task.input,
                retry: task.retry,
            };
        case 'timer':
            return { id, kind: 'timer', fireAt: task.fireAt.toISOString() };
    }
}

function describeRecord(task: TaskRecord): string {
    switch (task.kind) {
        case 'activity':
            return `activity '${task.name}'`;
        case 'sub':
            return `sub-orchestration '${task.name}' (instance '${task.instanceId}')`;
        case 'timer':
        case 'retryTimer':
            return `timer firing at ${task.fireAt}`;
        case 'retryAttempt':
            return `retry of task ${task.of}`;
    }
}

/** Why a replayed task differs from the recorded one, or undefined when it is the same (timers: by kind only). */
function difference(recorded: TaskRecord, replayed: RequestedTask, instanceId: string): string | undefined {
    const expected = recordOf(replayed, recorded.id, instanceId);
    if (expected.kind === 'timer' && recorded.kind === 'timer') return undefined;
    if (expected.kind === 'timer' || recorded.kind !== expected.kind) return 'a different kind of task';
    if (recorded.kind !== 'activity' && recorded.kind !== 'sub') return 'a different kind of task';
    if (expected.name !== recorded.name) return 'a different function';
    if (expected.kind === 'sub' && recorded.kind === 'sub' && expected.instanceId !== recorded.instanceId) {
        return `another instance id ('${expected.instanceId}')`;
    }
    if (expected.input !== recorded.input) return 'a different input';
    if (Boolean(expected.retry) !== Boolean(recorded.retry))
        return expected.retry ? 'retries added' : 'retries removed';
    return undefined;
}

/** A message naming the first recorded task the replay does not reproduce, or undefined. */
function nonDeterminism(exec: ExecutionView, books: Bookkeeping, tasks: readonly RequestedTask[]): string | undefined {
    const instanceId = exec.start.instanceId;
    for (let i = 0; i < books.primaryIds.length; i++) {
        const id = books.primaryIds[i]!;
        const recorded = exec.tasks.get(id)!;
        const replayed = tasks[i];
        const detail = replayed
            ? difference(recorded, replayed, instanceId)
            : 'nothing (the replay scheduled fewer tasks)';
        if (detail === undefined) continue;
        const what = replayed ? `${describeTask(replayed)} with ${detail}` : detail;
        return (
            `Non-deterministic orchestrator '${exec.start.name}' (instance '${instanceId}'): task ${id} is ` +
            `${describeRecord(recorded)} in the history, but the replay scheduled ${what} in its place. ` +
            'An orchestrator must schedule the same tasks in the same order on every replay; was its code changed ' +
            'while this instance was running?'
        );
    }
    return undefined;
}

function customStatusText(state: OrchestratorState): string | undefined {
    if (state.customStatus === undefined) return undefined;
    const text = toJsonText(state.customStatus, 'the custom status');
    if (text.length * 2 > MAX_CUSTOM_STATUS_BYTES) {
        throw new RangeError(
            `the custom status is ${Math.ceil((text.length * 2) / 1024)} KB of UTF-16 text; Durable Functions allows 16 KB`,
        );
    }
    return text;
}

class NonDeterminismError extends Error {
    override readonly name = 'NonDeterminismError';
}

/** The outcome, new tasks and cancelled timers of a successful replay (throws a message on a bad one). */
function progress(
    exec: ExecutionView,
    books: Bookkeeping,
    plan: EpisodePlan,
    state: OrchestratorState,
): Partial<EpisodeRecord> {
    const list = readActions(state.actions);
    if (list.unsupported) {
        throw new Error(`the orchestrator uses ${list.unsupported}, which the local durable host does not support`);
    }
    const mismatch = nonDeterminism(exec, books, list.tasks);
    if (mismatch) throw new NonDeterminismError(mismatch);
    const recorded = books.primaryIds.length;
    const firstNewId = exec.nextTaskId + plan.retryTasks.length;
    const fresh = list.tasks.slice(recorded).map((task, i) => recordOf(task, firstNewId + i, exec.start.instanceId));
    const canceledTimers: number[] = [];
    list.tasks.forEach((task, i) => {
        if (task.kind !== 'timer' || !task.canceled) return;
        const id = i < recorded ? books.primaryIds[i]! : firstNewId + i - recorded;
        if (i >= recorded || exec.outstanding.has(id)) canceledTimers.push(id);
    });
    const part: Partial<EpisodeRecord> = { scheduled: [...plan.retryTasks, ...fresh] };
    if (canceledTimers.length > 0) part.canceledTimers = canceledTimers;
    if (state.isDone) {
        part.outcome = { status: 'Completed', output: toOptionalJsonText(state.output, 'the orchestration output') };
    }
    return part;
}

function failed(error: string): Outcome {
    return { status: 'Failed', error };
}

/** The record of a played episode; `replayError` is set when the SDK itself threw (not the orchestrator). */
function conclude(
    exec: ExecutionView,
    books: Bookkeeping,
    plan: EpisodePlan,
    at: Date,
    result: { state: OrchestratorState } | { replayError: unknown },
): EpisodeRecord {
    const record: EpisodeRecord = {
        k: 'episode',
        execution: exec.start.execution,
        at: at.toISOString(),
        consumed: plan.played.map((e) => e.n),
        scheduled: plan.retryTasks,
    };
    if ('replayError' in result) {
        record.outcome = failed(`the SDK could not replay the history: ${errorMessage(result.replayError)}`);
        return record;
    }
    const { state } = result;
    try {
        const status = customStatusText(state);
        if (status !== undefined && status !== exec.customStatus) record.customStatus = status;
        if (state.error !== undefined) {
            record.outcome = failed(state.error);
            return record;
        }
        Object.assign(record, progress(exec, books, plan, state));
    } catch (error) {
        const message = errorMessage(error);
        record.outcome = failed(
            error instanceof NonDeterminismError ? message : `Orchestrator '${exec.start.name}': ${message}`,
        );
        record.scheduled = plan.retryTasks;
        delete record.canceledTimers;
    }
    return record;
}

/**
 * Plays the messages waiting in `execution`'s inbox as one episode through the real SDK: the seam between the
 * host and durable-functions v3. Undefined when nothing waits. A failing orchestrator, a non-deterministic
 * replay or an SDK that cannot replay the history all come back as a record with a Failed outcome.
 */
export async function replayEpisode(
    handler: OrchestrationHandler,
    request: EpisodeRequest,
): Promise<Episode | undefined> {
    const { execution: exec, at } = request;
    if (exec.inbox.length === 0) return undefined;
    const books = bookkeepingOf(exec);
    const plan = planEpisode(exec, books, at);
    const history = [...playedHistory(exec), ...episodeEvents(exec, at, plan.played, plan.retryTasks)];
    let result: { state: OrchestratorState } | { replayError: unknown };
    try {
        const state = await replayOnce(handler, {
            history,
            input: fromOptionalJsonText(exec.start.input),
            instanceId: exec.start.instanceId,
            parentInstanceId: exec.start.parent?.instanceId,
            ...(request.log ? { log: request.log } : {}),
        });
        result = { state };
    } catch (error) {
        result = { replayError: error };
    }
    return { record: conclude(exec, books, plan, at, result), replayedEvents: history.length };
}
