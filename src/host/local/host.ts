/**
 * LocalDurableHost: plays Durable Functions orchestrators on one machine the way the Functions host does
 * (docs/architecture.md "Two hosts"). Each instance's history is replayed through the real durable-functions
 * SDK once per episode; all messages that arrived while the previous episode ran are played in the next one.
 * The actions the SDK returns become task ids, activities (run in-process under one FIFO concurrency bound),
 * timers (real waits) and sub-orchestrations (instances of their own). Every fact is journaled before it is
 * acted on, so a new host on the same folder resumes a killed run without redoing completed work.
 */
import { randomUUID } from 'node:crypto';
import { ActivityRunner, type ActivityEvent, type ActivityFunction } from './activity-runner.js';
import { Execution, type RunnableTask } from './execution.js';
import {
    JournalError,
    memoryJournal,
    type Journal,
    type JournalRecord,
    type JournalStats,
    type Message,
    type StartRecord,
    type TaskRecord,
    JOURNAL_VERSION,
} from './journal.js';
import { JournalStore, singleFolder, type JournalPlacement, type Loaded } from './journal-store.js';
import { errorMessage, toOptionalJsonText } from './json.js';
import { callSafely } from './observers.js';
import { replayEpisode, type OrchestrationHandler } from './sdk-v3/index.js';
import { parentMessageOf, statusOf } from './status.js';
import {
    isTerminal,
    type InstanceStatus,
    type ListFilter,
    selectStatuses,
    type RunsPort,
    type StartOptions,
    type WaitOptions,
} from '../runs-port.js';
import { armTimer } from './timers.js';

export interface LocalDurableHostOptions {
    /** Orchestrator name -> generator function. */
    orchestrators: Readonly<Record<string, OrchestrationHandler>>;
    /** Activity name -> async function of its input. */
    activities: Readonly<Record<string, ActivityFunction>>;
    /**
     * One journal per instance, in this folder or in the folder a placement gives each instance (a run's own
     * folder); omitted = in memory only (no resume).
     */
    journalDir?: string | JournalPlacement;
    /** Activities running at once across all instances. Default 8. */
    maxConcurrentActivities?: number;
    onActivity?: (event: ActivityEvent) => void;
    /** Called when an instance's custom status changes. */
    onStatus?: (instanceId: string, customStatus: unknown) => void;
    /** Receives the orchestrators' `context.log(...)` calls. */
    onLog?: (instanceId: string, level: string, ...args: unknown[]) => void;
    clock?: () => Date;
    /** How long `stop` waits for running activities to settle once their signals are aborted. Default 5 s. */
    stopGraceMs?: number;
}

/** Counters since the host was created; `replayMs / wallMs` is the replay share of a run. */
export interface HostStats extends JournalStats {
    wallMs: number;
    instancesStarted: number;
    episodes: number;
    replays: number;
    replayMs: number;
    /** History events fed to the SDK, summed over replays (grows with history length x episodes). */
    replayedEvents: number;
    activitiesRun: number;
    activitiesFailed: number;
    activityMs: number;
    peakConcurrentActivities: number;
    timersFired: number;
}

interface Instance {
    readonly id: string;
    readonly exec: Execution;
    readonly journal: Journal;
    draining: Promise<void> | undefined;
    /** Duration of the last replay and when its episode ended (performance.now()), for coalescing. */
    lastReplayMs: number;
    lastEpisodeEnd: number;
    /** Ends a coalescing wait early (the last outstanding task completed, or the host stops). */
    wake: (() => void) | undefined;
    readonly timers: Map<number, () => void>;
    readonly activities: Map<number, AbortController>;
    readonly waiters: Set<() => void>;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_STOP_GRACE_MS = 5_000;

/**
 * Coalescing of completions. A replay blocks the event loop, so activities can only complete between replays;
 * starting the next episode at once would play about one round of completions per replay. While tasks are
 * outstanding, an episode therefore waits up to COALESCE_FACTOR times the last replay's duration (at most
 * MAX_COALESCE_MS) after the previous one, which keeps replaying to about 1 / (1 + COALESCE_FACTOR) of the time
 * however fast activities are, and never delays an episode when nothing else is outstanding.
 */
const COALESCE_FACTOR = 4;
const MAX_COALESCE_MS = 100;

export class LocalDurableHost implements RunsPort {
    private readonly instances = new Map<string, Instance>();
    /** Ids being started (between the liveness check and registration). */
    private readonly reserved = new Set<string>();
    /** Resumes in progress, so that two calls for one id revive it once. */
    private readonly resuming = new Map<string, Promise<void>>();
    private readonly runner: ActivityRunner;
    private readonly clock: () => Date;
    private readonly counters: Omit<HostStats, 'wallMs' | 'peakConcurrentActivities'> = {
        instancesStarted: 0,
        episodes: 0,
        replays: 0,
        replayMs: 0,
        replayedEvents: 0,
        activitiesRun: 0,
        activitiesFailed: 0,
        activityMs: 0,
        timersFired: 0,
        journalRecords: 0,
        journalBytes: 0,
        journalSyncs: 0,
        journalMs: 0,
    };
    private readonly createdAt = performance.now();
    private readonly store: JournalStore;
    /** Final statuses read from journals of instances that are not loaded (a finished journal never changes). */
    private readonly settled = new Map<string, InstanceStatus>();
    private stopping: Promise<void> | undefined;
    /** Set the moment `stop` is called: nothing new starts. */
    private halted = false;
    /** Set once the journals are closing: completions that still arrive are dropped (a resume runs them again). */
    private closed = false;

    constructor(private readonly options: LocalDurableHostOptions) {
        this.runner = new ActivityRunner({
            activities: options.activities,
            limit: options.maxConcurrentActivities ?? DEFAULT_CONCURRENCY,
            ...(options.onActivity ? { onActivity: options.onActivity } : {}),
            counters: this.counters,
        });
        this.clock = options.clock ?? (() => new Date());
        const { journalDir } = options;
        this.store = new JournalStore(
            typeof journalDir === 'string' ? singleFolder(journalDir) : journalDir,
            this.counters,
        );
    }

    // ---- RunsPort ----

    async startNew(orchestratorName: string, options: StartOptions = {}): Promise<string> {
        this.assertRunning();
        this.handlerOf(orchestratorName);
        const instanceId = options.instanceId ?? randomUUID();
        if (typeof instanceId !== 'string' || instanceId.trim() === '') {
            throw new TypeError('instanceId must be a non-empty string');
        }
        const input = toOptionalJsonText(options.input, `the input of orchestration '${orchestratorName}'`);
        this.reserve(instanceId);
        try {
            await this.assertNotLiveOnDisk(instanceId);
            await this.launch({
                k: 'start',
                v: JOURNAL_VERSION,
                execution: 0,
                name: orchestratorName,
                instanceId,
                input,
                at: this.now(),
            });
        } finally {
            this.reserved.delete(instanceId);
        }
        return instanceId;
    }

    async getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
        const inst = this.instances.get(instanceId);
        if (inst) return statusOf(inst.exec);
        const known = this.settled.get(instanceId);
        if (known) return known;
        const loaded = await this.store.load(instanceId);
        if (!loaded) return undefined;
        const status = statusOf(loaded.exec);
        if (isTerminal(status.runtimeStatus) && !this.instances.has(instanceId)) this.settled.set(instanceId, status);
        return status;
    }

    async list(filter: ListFilter = {}): Promise<InstanceStatus[]> {
        const statuses = [...this.instances.values()].map((i) => statusOf(i.exec));
        for (const id of await this.store.instanceIds()) {
            if (this.instances.has(id)) continue;
            const status = await this.getStatus(id);
            if (status) statuses.push(status);
        }
        return selectStatuses(statuses, filter);
    }

    async terminate(instanceId: string, reason: string): Promise<void> {
        this.assertRunning();
        const inst = this.instances.get(instanceId);
        if (!inst) return this.terminateOnDisk(instanceId, reason);
        const exec = inst.exec;
        if (exec.isFinished) return;
        // Its children, before finishing it lets go of its tasks.
        const children = this.liveChildrenOf(inst);
        const record: JournalRecord = { k: 'terminated', execution: exec.number, at: this.now(), reason };
        exec.terminate(record);
        await this.write(inst, record);
        await this.finished(inst);
        for (const childId of children) {
            await this.terminate(childId, `parent '${instanceId}' was terminated: ${reason}`);
        }
    }

    async waitForCompletion(instanceId: string, options: WaitOptions = {}): Promise<InstanceStatus> {
        const inst = this.instances.get(instanceId);
        if (!inst) {
            const status = await this.getStatus(instanceId);
            if (!status) throw new Error(`no orchestration instance '${instanceId}'`);
            return status;
        }
        if (isTerminal(statusOf(inst.exec).runtimeStatus) || this.halted) return statusOf(inst.exec);
        return new Promise((resolve) => {
            const done = (): void => {
                clearTimeout(timer);
                inst.waiters.delete(done);
                resolve(statusOf(inst.exec));
            };
            const timer = options.timeoutMs === undefined ? undefined : setTimeout(done, options.timeoutMs);
            inst.waiters.add(done);
        });
    }

    /** An unfinished instance that is not loaded (its process died): record the termination in its journal. */
    private async terminateOnDisk(instanceId: string, reason: string): Promise<void> {
        const loaded = await this.store.load(instanceId);
        if (!loaded) throw new Error(`no orchestration instance '${instanceId}'`);
        if (loaded.exec.isFinished) return;
        await this.store.append(instanceId, loaded, {
            k: 'terminated',
            execution: loaded.exec.number,
            at: this.now(),
            reason,
        });
    }

    // ---- host-specific ----

    /**
     * Continues an instance from its journal: rebuilds its history, runs again only the activities, timers and
     * sub-orchestrations that never completed (sub-orchestrations resume from their own journals), then plays
     * the messages that were received but not yet played. No effect on an instance already live in this host.
     */
    resume(instanceId: string): Promise<void> {
        this.assertRunning();
        if (!this.store.persistent) return Promise.reject(new Error('resume needs a host with a journalDir'));
        const live = this.instances.get(instanceId);
        if (live && !live.exec.isFinished) return Promise.resolve();
        if (this.reserved.has(instanceId)) {
            return Promise.reject(new Error(`orchestration instance '${instanceId}' is being started`));
        }
        let resuming = this.resuming.get(instanceId);
        if (!resuming) {
            resuming = this.resumeFromDisk(instanceId).finally(() => this.resuming.delete(instanceId));
            this.resuming.set(instanceId, resuming);
        }
        return resuming;
    }

    private async resumeFromDisk(instanceId: string): Promise<void> {
        const loaded = await this.store.load(instanceId);
        if (!loaded) {
            throw new Error(
                `no journal for orchestration instance '${instanceId}' in ${this.store.folderOf(instanceId)}`,
            );
        }
        await this.revive(loaded);
    }

    stats(): HostStats {
        return {
            ...this.counters,
            wallMs: performance.now() - this.createdAt,
            peakConcurrentActivities: this.runner.peak,
        };
    }

    /**
     * Stops the host: no new episode, timer or activity starts, queued activities are dropped, and every pending
     * waitForCompletion resolves at once with the instance's current status. Running activities get an aborted
     * signal; those that settle within the grace period have their successes journaled (a resumed run does not
     * redo them), later ones run again on resume. Then the journals are closed.
     */
    stop(): Promise<void> {
        if (!this.stopping) {
            this.halted = true;
            this.stopping = this.shutdown();
        }
        return this.stopping;
    }

    private async shutdown(): Promise<void> {
        const stopped = new Error('the local durable host stopped');
        for (const inst of this.instances.values()) {
            inst.wake?.();
            for (const cancel of inst.timers.values()) cancel();
            inst.timers.clear();
            for (const controller of inst.activities.values()) controller.abort(stopped);
        }
        this.runner.drop();
        for (const inst of this.instances.values()) for (const wake of [...inst.waiters]) wake();
        await this.runner.settled(this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
        await Promise.allSettled([...this.instances.values()].flatMap((i) => (i.draining ? [i.draining] : [])));
        this.closed = true;
        await Promise.allSettled([...this.instances.values()].map((i) => i.journal.close()));
        await this.store.close();
    }

    // ---- instances ----

    private assertRunning(): void {
        if (this.halted) throw new Error('the local durable host has been stopped');
    }

    private handlerOf(name: string): OrchestrationHandler {
        const handler = Object.hasOwn(this.options.orchestrators, name) ? this.options.orchestrators[name] : undefined;
        if (!handler) {
            const known = Object.keys(this.options.orchestrators).join(', ') || 'none';
            throw new Error(
                `Orchestrator function '${name}' is not registered with the local durable host (registered: ${known})`,
            );
        }
        return handler;
    }

    private now(): string {
        return this.clock().toISOString();
    }

    private reserve(instanceId: string): void {
        const live = this.instances.get(instanceId);
        if (this.reserved.has(instanceId) || (live && !live.exec.isFinished)) {
            throw new Error(`an orchestration instance with id '${instanceId}' is already running`);
        }
        this.reserved.add(instanceId);
    }

    private async assertNotLiveOnDisk(instanceId: string): Promise<void> {
        if (this.instances.has(instanceId)) return;
        const loaded = await this.store.load(instanceId);
        if (loaded && !isTerminal(statusOf(loaded.exec).runtimeStatus)) {
            throw new Error(
                `orchestration instance '${instanceId}' has an unfinished journal in ${this.store.folderOf(instanceId)}; ` +
                    'resume it, terminate it, or start with another instance id',
            );
        }
    }

    private register(exec: Execution, journal: Journal): Instance {
        const inst: Instance = {
            id: exec.start.instanceId,
            exec,
            journal,
            draining: undefined,
            lastReplayMs: 0,
            lastEpisodeEnd: 0,
            wake: undefined,
            timers: new Map(),
            activities: new Map(),
            waiters: new Set(),
        };
        this.instances.set(inst.id, inst);
        return inst;
    }

    /** A new instance (or a new one in place of a finished one with the same id). */
    private async launch(start: StartRecord): Promise<void> {
        this.handlerOf(start.name);
        const journal = await this.openJournal(start.instanceId);
        this.settled.delete(start.instanceId);
        const inst = this.register(new Execution(start), journal);
        this.counters.instancesStarted += 1;
        if (await this.write(inst, start)) this.pump(inst);
    }

    private async revive(loaded: Loaded): Promise<void> {
        const { exec } = loaded;
        if (exec.isFinished) {
            this.register(exec, memoryJournal);
            return;
        }
        const inst = this.register(exec, await this.openJournal(exec.start.instanceId, loaded));
        for (const taskId of [...exec.outstanding].sort((a, b) => a - b)) {
            await this.dispatch(inst, exec.tasks.get(taskId)!, true);
        }
        this.pump(inst);
    }

    /** A journal to write; refused once the host is stopping (its journals are being closed). */
    private async openJournal(instanceId: string, continuing?: Loaded): Promise<Journal> {
        const journal = await this.store.open(instanceId, continuing);
        if (!this.halted) return journal;
        await journal.close();
        throw new Error('the local durable host has been stopped');
    }

    /** Journals a record; false (and the instance failed) when the journal cannot be written. */
    private async write(inst: Instance, record: JournalRecord): Promise<boolean> {
        try {
            await inst.journal.append(record);
            return true;
        } catch (error) {
            await this.fail(inst, error);
            return false;
        }
    }

    /** Ends an instance that the host cannot continue (its journal failed, or a host error). */
    private async fail(inst: Instance, error: unknown): Promise<void> {
        if (inst.exec.isFinished) return;
        const message =
            error instanceof JournalError ? error.message : `local durable host error: ${errorMessage(error)}`;
        inst.exec.outcome = { status: 'Failed', error: message };
        await this.finished(inst);
    }

    /** Takes a completion for an instance; late and duplicate ones are dropped. */
    private async receive(inst: Instance, message: Message): Promise<void> {
        const exec = inst.exec;
        if (this.closed || exec.isFinished || !exec.outstanding.has(message.taskId)) return;
        const at = this.now();
        const record: JournalRecord = { k: 'msg', execution: exec.number, n: exec.nextMessageNo, at, m: message };
        exec.receive(record);
        if (exec.outstanding.size === 0) inst.wake?.();
        const written = this.write(inst, record);
        this.pump(inst);
        await written;
    }

    /** Plays episodes while messages wait; a running drain picks up messages that arrive meanwhile. */
    private pump(inst: Instance): void {
        if (inst.draining || this.halted || inst.exec.isFinished) return;
        inst.draining = this.drain(inst)
            .catch((error: unknown) => this.fail(inst, error))
            .finally(() => {
                inst.draining = undefined;
                if (inst.exec.inbox.length > 0) this.pump(inst);
            });
    }

    private async drain(inst: Instance): Promise<void> {
        // Let completions that are already settled join the first episode.
        await new Promise((resolve) => setImmediate(resolve));
        while (!this.halted && !inst.exec.isFinished && inst.exec.inbox.length > 0) {
            await this.coalesce(inst);
            await this.playEpisode(inst);
            inst.lastEpisodeEnd = performance.now();
        }
    }

    /** While tasks are still outstanding, gives their completions a moment to join this episode (see above). */
    private async coalesce(inst: Instance): Promise<void> {
        const wait =
            Math.min(inst.lastReplayMs * COALESCE_FACTOR, MAX_COALESCE_MS) - (performance.now() - inst.lastEpisodeEnd);
        if (wait < 1 || inst.exec.outstanding.size === 0) return;
        await new Promise<void>((resolve) => {
            const timer = setTimeout(done, wait);
            function done(): void {
                clearTimeout(timer);
                inst.wake = undefined;
                resolve();
            }
            inst.wake = done;
        });
    }

    private async playEpisode(inst: Instance): Promise<void> {
        const exec = inst.exec;
        const started = performance.now();
        const episode = await replayEpisode(this.handlerOf(exec.start.name), {
            execution: exec,
            at: this.clock(),
            log: (level, ...args) => callSafely(() => this.options.onLog?.(inst.id, level, ...args)),
        });
        if (!episode) return;
        inst.lastReplayMs = performance.now() - started;
        this.counters.replays += 1;
        this.counters.episodes += 1;
        this.counters.replayMs += inst.lastReplayMs;
        this.counters.replayedEvents += episode.replayedEvents;
        if (exec.isFinished) return;
        const { record } = episode;
        exec.applyEpisode(record);
        const { onStatus } = this.options;
        if (record.customStatus !== undefined && onStatus) {
            const customStatus: unknown = JSON.parse(record.customStatus);
            callSafely(() => onStatus(inst.id, customStatus));
        }
        if (!(await this.write(inst, record))) return;
        if (record.outcome) {
            await this.finished(inst);
            return;
        }
        if (exec.isFinished || this.halted) return;
        for (const id of record.canceledTimers ?? []) {
            inst.timers.get(id)?.();
            inst.timers.delete(id);
        }
        for (const task of record.scheduled) {
            if (exec.outstanding.has(task.id)) await this.dispatch(inst, task, false);
        }
    }

    /** After the outcome of an execution is journaled: stop its work, wake waiters, tell the parent. */
    private async finished(inst: Instance): Promise<void> {
        const exec = inst.exec;
        for (const cancel of inst.timers.values()) cancel();
        inst.timers.clear();
        for (const controller of inst.activities.values()) controller.abort(new Error(`instance '${inst.id}' ended`));
        this.runner.drop(inst.id);
        exec.releaseHistory();
        for (const wake of [...inst.waiters]) wake();
        await this.deliverToParent(exec);
        await inst.journal.close().catch(() => undefined);
    }

    private async deliverToParent(exec: Execution): Promise<void> {
        const ref = exec.start.parent;
        const parent = ref && this.instances.get(ref.instanceId);
        const message = parentMessageOf(exec);
        if (parent && message) await this.receive(parent, message);
    }

    private liveChildrenOf(inst: Instance): string[] {
        const ids: string[] = [];
        for (const [taskId, task] of inst.exec.tasks) {
            if (task.kind === 'timer' || task.kind === 'retryTimer') continue;
            const run = inst.exec.runnable(task);
            if (run.kind !== 'sub') continue;
            const child = this.instances.get(run.instanceId);
            const ref = child?.exec.start.parent;
            if (child && !child.exec.isFinished && ref?.instanceId === inst.id && ref.taskId === taskId)
                ids.push(child.id);
        }
        return ids;
    }

    // ---- tasks ----

    private async dispatch(inst: Instance, task: TaskRecord, resuming: boolean): Promise<void> {
        if (this.halted) return;
        if (task.kind === 'timer' || task.kind === 'retryTimer') {
            this.arm(inst, task.id, new Date(task.fireAt));
            return;
        }
        const run = inst.exec.runnable(task);
        if (run.kind === 'activity') this.runActivity(inst, task.id, run);
        else if (resuming) await this.reviveChild(inst, task.id, run);
        else await this.startChild(inst, task.id, run);
    }

    private arm(inst: Instance, taskId: number, fireAt: Date): void {
        const cancel = armTimer(fireAt, this.clock, () => {
            inst.timers.delete(taskId);
            this.counters.timersFired += 1;
            void this.receive(inst, { kind: 'timerFired', taskId, fireAt: fireAt.toISOString() });
        });
        inst.timers.set(taskId, cancel);
    }

    private runActivity(inst: Instance, taskId: number, run: Extract<RunnableTask, { kind: 'activity' }>): void {
        const controller = new AbortController();
        inst.activities.set(taskId, controller);
        const context = { instanceId: inst.id, taskId, name: run.name, signal: controller.signal };
        void this.runner
            .run(context, run.input, (outcome) => {
                inst.activities.delete(taskId);
                // A failure while stopping may come from the aborted signal: leave it to run again on resume.
                if (!outcome || (this.halted && !outcome.ok)) return;
                const message: Message = outcome.ok
                    ? { kind: 'taskCompleted', taskId, result: outcome.result }
                    : { kind: 'taskFailed', taskId, reason: outcome.reason, details: outcome.details };
                return this.receive(inst, message);
            })
            .catch((error: unknown) => this.fail(inst, error));
    }

    private async startChild(
        parent: Instance,
        taskId: number,
        run: Extract<RunnableTask, { kind: 'sub' }>,
    ): Promise<void> {
        const refuse = (reason: string): Promise<void> =>
            this.receive(parent, { kind: 'subFailed', taskId, reason, details: reason });
        if (!Object.hasOwn(this.options.orchestrators, run.name)) {
            return refuse(`Orchestrator function '${run.name}' is not registered with the local durable host`);
        }
        const existing = this.instances.get(run.instanceId);
        if (this.reserved.has(run.instanceId) || (existing && !existing.exec.isFinished)) {
            return refuse(`an orchestration instance with id '${run.instanceId}' is already running`);
        }
        this.reserved.add(run.instanceId);
        try {
            await this.launch({
                k: 'start',
                v: JOURNAL_VERSION,
                execution: 0,
                name: run.name,
                instanceId: run.instanceId,
                input: run.input,
                at: this.now(),
                parent: { instanceId: parent.id, execution: parent.exec.number, taskId },
            });
        } catch (error) {
            // A child the stopping host did not start is not a failure: the task stays open, and a resume starts it.
            if (!this.halted)
                await refuse(`cannot start sub-orchestration '${run.instanceId}': ${errorMessage(error)}`);
        } finally {
            this.reserved.delete(run.instanceId);
        }
    }

    /** On resume: continue the child from its journal when it belongs to this task, else start it. */
    private async reviveChild(
        parent: Instance,
        taskId: number,
        run: Extract<RunnableTask, { kind: 'sub' }>,
    ): Promise<void> {
        const isOurs = (exec: Execution): boolean => {
            const ref = exec.start.parent;
            return ref?.instanceId === parent.id && ref.execution === parent.exec.number && ref.taskId === taskId;
        };
        const existing = this.instances.get(run.instanceId);
        if (existing && isOurs(existing.exec)) {
            if (existing.exec.isFinished) await this.deliverToParent(existing.exec);
            return;
        }
        const loaded = existing ? undefined : await this.store.load(run.instanceId);
        if (!loaded || !isOurs(loaded.exec)) return this.startChild(parent, taskId, run);
        await this.revive(loaded);
        if (loaded.exec.isFinished) await this.deliverToParent(loaded.exec);
    }
}
