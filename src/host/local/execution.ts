/**
 * The state of one execution of an orchestration instance, as a fold over its journal records. The live host
 * and a resumed host apply the very same records through these methods, so a resumed instance has exactly the
 * history, task ids, outstanding tasks and unplayed messages it had before the crash.
 */
import {
    executionStarted,
    JsonText,
    orchestratorCompleted,
    orchestratorStarted,
    subOrchestrationCompleted,
    subOrchestrationCreated,
    subOrchestrationFailed,
    taskCompleted,
    taskFailed,
    taskScheduled,
    timerCreated,
    timerFired,
    type HistoryEvent,
} from './history.js';
import {
    JournalError,
    type EpisodeRecord,
    type JournalRecord,
    type Message,
    type MessageRecord,
    type Outcome,
    type StartRecord,
    type TaskRecord,
    type TerminatedRecord,
} from './journal.js';
import { errorMessage } from './json.js';

/** A message waiting for the next episode; n = 0 is the execution's ExecutionStarted. */
export interface InboxEntry {
    n: number;
    message: Message | { kind: 'executionStarted' };
}

export type ExecutionOutcome = Outcome | { status: 'Terminated'; reason: string };

/** What an activity or sub-orchestration task runs: the task itself, or the primary task a retry attempt repeats. */
export type RunnableTask = Extract<TaskRecord, { kind: 'activity' | 'sub' }>;

export class Execution {
    readonly history: HistoryEvent[] = [];
    /** Every task id the SDK has assigned in this execution. */
    readonly tasks = new Map<number, TaskRecord>();
    /** Ids of tasks that have an action (not retry timers or attempts), in id order. */
    readonly primaryIds: number[] = [];
    /** Scheduled ids whose completion has not been received (and timers not cancelled). */
    readonly outstanding = new Set<number>();
    /** Failed attempts so far, by primary task id. */
    readonly retryFailures = new Map<number, number>();
    readonly inbox: InboxEntry[] = [{ n: 0, message: { kind: 'executionStarted' } }];
    nextTaskId = 0;
    nextMessageNo = 1;
    customStatus: string | undefined;
    outcome: ExecutionOutcome | undefined;
    lastUpdatedTime: Date;
    episodes = 0;

    constructor(readonly start: StartRecord) {
        this.lastUpdatedTime = new Date(start.at);
    }

    /** The last execution recorded in a journal; `where` names the journal in errors. */
    static fromRecords(records: readonly JournalRecord[], where: string): Execution {
        let exec: Execution | undefined;
        records.forEach((record, i) => {
            const fail = (problem: string): never => {
                throw new JournalError(`${where}:${i + 1}: ${problem}`);
            };
            if (record.k === 'start') {
                exec = new Execution(record);
                return;
            }
            if (!exec) return fail(`a '${record.k}' record before any 'start' record`);
            if (record.execution !== exec.number) {
                return fail(`a record of execution ${record.execution} inside execution ${exec.number}`);
            }
            try {
                if (record.k === 'msg') exec.receive(record);
                else if (record.k === 'episode') exec.applyEpisode(record);
                else exec.terminate(record);
            } catch (error) {
                fail(errorMessage(error));
            }
        });
        if (!exec) throw new JournalError(`${where}: no 'start' record`);
        return exec;
    }

    /** A finished execution is never replayed again; its history need not stay in memory. */
    releaseHistory(): void {
        this.history.length = 0;
    }

    get number(): number {
        return this.start.execution;
    }

    /** A received completion: it waits in the inbox, and its task no longer needs running. */
    receive(record: MessageRecord): void {
        this.inbox.push({ n: record.n, message: record.m });
        this.nextMessageNo = Math.max(this.nextMessageNo, record.n + 1);
        this.outstanding.delete(record.m.taskId);
    }

    /** History events of one played message. */
    eventOf(entry: InboxEntry): HistoryEvent {
        const m = entry.message;
        switch (m.kind) {
            case 'executionStarted':
                return executionStarted(this.start.name, inputOf(this.start.input));
            case 'taskCompleted':
                return taskCompleted(m.taskId, new JsonText(m.result));
            case 'taskFailed':
                return taskFailed(m.taskId, m.reason, m.details);
            case 'timerFired':
                return timerFired(m.taskId, new Date(m.fireAt));
            case 'subCompleted':
                return subOrchestrationCompleted(m.taskId, new JsonText(m.result));
            case 'subFailed':
                return subOrchestrationFailed(m.taskId, m.reason, m.details);
        }
    }

    /** The scheduling event of a task, as the extension records it. */
    scheduledEventOf(task: TaskRecord): HistoryEvent {
        switch (task.kind) {
            case 'activity':
                return taskScheduled(task.id, task.name, inputOf(task.input));
            case 'sub':
                return subOrchestrationCreated(task.id, task.name, task.instanceId, inputOf(task.input));
            case 'timer':
            case 'retryTimer':
                return timerCreated(task.id, new Date(task.fireAt));
            case 'retryAttempt': {
                const primary = this.runnable(task);
                return primary.kind === 'activity'
                    ? taskScheduled(task.id, primary.name, inputOf(primary.input))
                    : subOrchestrationCreated(task.id, primary.name, primary.instanceId, inputOf(primary.input));
            }
        }
    }

    /** The activity or sub-orchestration a task runs (retry timers and attempts belong to their primary task). */
    runnable(task: TaskRecord): RunnableTask {
        const primary = task.kind === 'retryAttempt' || task.kind === 'retryTimer' ? this.tasks.get(task.of) : task;
        if (primary?.kind !== 'activity' && primary?.kind !== 'sub') {
            throw new Error(
                `task ${task.id} of ${this.start.instanceId} does not run an activity or sub-orchestration`,
            );
        }
        return primary;
    }

    /** Removes the inbox entries of `consumed` and returns them in that order; throws if one is not waiting. */
    private take(consumed: readonly number[]): InboxEntry[] {
        const waiting = new Map(this.inbox.map((e) => [e.n, e]));
        const taken = consumed.map((n) => {
            const entry = waiting.get(n);
            if (!entry) throw new Error(`message ${n} of ${this.start.instanceId} is not in the inbox`);
            waiting.delete(n);
            return entry;
        });
        this.inbox.splice(0, this.inbox.length, ...waiting.values());
        return taken;
    }

    /** The history of an episode being played (without its OrchestratorCompleted). */
    episodeEvents(at: Date, played: readonly InboxEntry[], scheduled: readonly TaskRecord[]): HistoryEvent[] {
        const stamp = (e: HistoryEvent): HistoryEvent => ({ ...e, Timestamp: at });
        return [
            orchestratorStarted(at),
            ...played.map((p) => stamp(this.eventOf(p))),
            ...scheduled.map((t) => stamp(this.scheduledEventOf(t))),
        ];
    }

    applyEpisode(record: EpisodeRecord): void {
        const at = new Date(record.at);
        const played = this.take(record.consumed);
        for (const task of record.scheduled) this.track(task);
        this.history.push(...this.episodeEvents(at, played, record.scheduled), orchestratorCompleted(at));
        for (const id of record.canceledTimers ?? []) this.outstanding.delete(id);
        if (record.customStatus !== undefined) this.customStatus = record.customStatus;
        if (record.outcome) this.outcome = record.outcome;
        this.lastUpdatedTime = at;
        this.episodes += 1;
    }

    private track(task: TaskRecord): void {
        if (task.id !== this.nextTaskId) {
            throw new Error(
                `task id ${task.id} of ${this.start.instanceId} is out of sequence (next is ${this.nextTaskId})`,
            );
        }
        this.tasks.set(task.id, task);
        this.nextTaskId += 1;
        this.outstanding.add(task.id);
        if (task.kind === 'retryTimer') this.retryFailures.set(task.of, (this.retryFailures.get(task.of) ?? 0) + 1);
        if (task.kind !== 'retryTimer' && task.kind !== 'retryAttempt') this.primaryIds.push(task.id);
    }

    terminate(record: TerminatedRecord): void {
        this.outcome = { status: 'Terminated', reason: record.reason };
        this.lastUpdatedTime = new Date(record.at);
    }

    get isFinished(): boolean {
        return this.outcome !== undefined;
    }
}

function inputOf(text: string | undefined): JsonText | undefined {
    return text === undefined ? undefined : new JsonText(text);
}
