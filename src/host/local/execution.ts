/**
 * The state of one execution of an orchestration instance, as a fold over its journal records. The live host
 * and a resumed host apply the very same records through these methods, so a resumed instance has exactly the
 * episodes, task ids, outstanding tasks and unplayed messages it had before the crash. Nothing here knows the
 * SDK: sdk-v3/ turns the played episodes into the history it replays.
 */
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

/** One episode as played: when, the messages in the order they went into the history, the tasks it scheduled. */
export interface PlayedEpisode {
    at: Date;
    messages: readonly InboxEntry[];
    scheduled: readonly TaskRecord[];
}

export type ExecutionOutcome = Outcome | { status: 'Terminated'; reason: string };

/** What an activity or sub-orchestration task runs: the task itself, or the primary task a retry attempt repeats. */
export type RunnableTask = Extract<TaskRecord, { kind: 'activity' | 'sub' }>;

/** What replaying the next episode reads of an execution (sdk-v3/ sees only this). */
export interface ExecutionView {
    readonly start: StartRecord;
    readonly played: readonly PlayedEpisode[];
    readonly inbox: readonly InboxEntry[];
    readonly tasks: ReadonlyMap<number, TaskRecord>;
    readonly outstanding: ReadonlySet<number>;
    readonly nextTaskId: number;
    readonly customStatus: string | undefined;
    runnable(task: TaskRecord): RunnableTask;
}

export class Execution implements ExecutionView {
    /** Replaced (not emptied) on release, so a cache keyed by it lets go too. */
    played: PlayedEpisode[] = [];
    /** Every task id assigned in this execution. */
    readonly tasks = new Map<number, TaskRecord>();
    /** Scheduled ids whose completion has not been received (and timers not cancelled). */
    readonly outstanding = new Set<number>();
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

    /** The execution recorded in a journal; `where` names the journal in errors. */
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

    /**
     * A finished execution is never replayed again and runs no task: its episodes, tasks and messages need not stay
     * in memory (a long-lived host, `serve`, keeps every instance it ran; only its status is read again).
     */
    releaseHistory(): void {
        this.played = [];
        this.tasks.clear();
        this.outstanding.clear();
        this.inbox.length = 0;
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

    applyEpisode(record: EpisodeRecord): void {
        const at = new Date(record.at);
        const messages = this.take(record.consumed);
        for (const task of record.scheduled) this.track(task);
        this.played.push({ at, messages, scheduled: record.scheduled });
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
    }

    terminate(record: TerminatedRecord): void {
        this.outcome = { status: 'Terminated', reason: record.reason };
        this.lastUpdatedTime = new Date(record.at);
    }

    get isFinished(): boolean {
        return this.outcome !== undefined;
    }
}
