/**
 * One episode of an instance, around the replay: before it, the order in which waiting messages go into the
 * history and the ids of the retry timers and attempts they make the SDK create; after it, the episode record
 * (new tasks with their ids, cancelled timers, custom status, outcome) or a non-determinism failure.
 *
 * Why the order matters: the SDK gives the next task id to a retry timer when it reads the failure of an
 * attempt, and to the next attempt when it reads that timer firing, at that point of the history. Playing those
 * messages first, before anything that lets the orchestrator code run on, makes their ids the next ones in
 * sequence; the tasks the orchestrator then schedules follow, in the order of the action list.
 */
import { describeTask, readActions, type RequestedTask } from './actions.js';
import type { Execution, InboxEntry } from './execution.js';
import type { EpisodeRecord, Outcome, TaskRecord } from './journal.js';
import { errorMessage, toJsonText, toOptionalJsonText } from './json.js';
import type { OrchestratorState } from './replay.js';
import { hasAttemptsLeft, retryDelayMs } from './retry.js';

/** Durable Functions refuses custom status over 16 KB of UTF-16 text. */
export const MAX_CUSTOM_STATUS_BYTES = 16 * 1024;

export interface EpisodePlan {
    at: Date;
    /** Inbox entries in the order they go into the history. */
    played: InboxEntry[];
    /** Retry timers and attempts the played messages make the SDK create, with their ids. */
    retryTasks: TaskRecord[];
}

type RetryStep = { primaryId: number; step: 'timer' | 'attempt' };

/** Whether a message makes the SDK create a retry timer or attempt (and for which primary task). */
function retryStepOf(exec: Execution, entry: InboxEntry): RetryStep | undefined {
    const m = entry.message;
    if (m.kind !== 'taskFailed' && m.kind !== 'subFailed' && m.kind !== 'timerFired') return undefined;
    const task = exec.tasks.get(m.taskId);
    if (!task) return undefined;
    if (m.kind === 'timerFired') {
        if (task.kind !== 'retryTimer') return undefined;
        const primary = exec.runnable(task);
        const failures = exec.retryFailures.get(task.of) ?? 0;
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

/** Undefined when nothing waits. */
export function planEpisode(exec: Execution, at: Date): EpisodePlan | undefined {
    if (exec.inbox.length === 0) return undefined;
    const first: InboxEntry[] = [];
    const rest: InboxEntry[] = [];
    const retryTasks: TaskRecord[] = [];
    let id = exec.nextTaskId;
    for (const entry of exec.inbox) {
        const retry = retryStepOf(exec, entry);
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
        const delay = retryDelayMs(policy, (exec.retryFailures.get(retry.primaryId) ?? 0) + 1);
        const fireAt = new Date(at.getTime() + delay).toISOString();
        retryTasks.push({ id: id++, kind: 'retryTimer', of: retry.primaryId, fireAt });
    }
    return { at, played: [...first, ...rest], retryTasks };
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
function nonDeterminism(exec: Execution, tasks: readonly RequestedTask[]): string | undefined {
    const instanceId = exec.start.instanceId;
    for (let i = 0; i < exec.primaryIds.length; i++) {
        const id = exec.primaryIds[i]!;
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

/** The outcome, new tasks and cancelled timers of a successful replay (throws a message on a bad one). */
function progress(exec: Execution, plan: EpisodePlan, state: OrchestratorState): Partial<EpisodeRecord> {
    const list = readActions(state.actions);
    if (list.unsupported) {
        throw new Error(`the orchestrator uses ${list.unsupported}, which the local durable host does not support`);
    }
    const mismatch = nonDeterminism(exec, list.tasks);
    if (mismatch) throw new NonDeterminismError(mismatch);
    const recorded = exec.primaryIds.length;
    const firstNewId = exec.nextTaskId + plan.retryTasks.length;
    const fresh = list.tasks.slice(recorded).map((task, i) => recordOf(task, firstNewId + i, exec.start.instanceId));
    const canceledTimers: number[] = [];
    list.tasks.forEach((task, i) => {
        if (task.kind !== 'timer' || !task.canceled) return;
        const id = i < recorded ? exec.primaryIds[i]! : firstNewId + i - recorded;
        if (i >= recorded || exec.outstanding.has(id)) canceledTimers.push(id);
    });
    const part: Partial<EpisodeRecord> = { scheduled: [...plan.retryTasks, ...fresh] };
    if (canceledTimers.length > 0) part.canceledTimers = canceledTimers;
    if (state.isDone) {
        part.outcome = { status: 'Completed', output: toOptionalJsonText(state.output, 'the orchestration output') };
    }
    return part;
}

class NonDeterminismError extends Error {}

function failed(error: string): Outcome {
    return { status: 'Failed', error };
}

/** The record of a played episode; `replayError` is set when the SDK itself threw (not the orchestrator). */
export function concludeEpisode(
    exec: Execution,
    plan: EpisodePlan,
    result: { state: OrchestratorState } | { replayError: unknown },
): EpisodeRecord {
    const record: EpisodeRecord = {
        k: 'episode',
        execution: exec.number,
        at: plan.at.toISOString(),
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
        Object.assign(record, progress(exec, plan, state));
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
