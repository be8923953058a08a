/**
 * Plays an orchestration and its sub-orchestrations the way the Functions host does in Azure, through the real
 * durable-functions SDK, with synthetic activity results: each instance has its own history; an episode takes at most
 * `batch` waiting messages of one instance (the Azure Storage provider pulls 32 control-queue messages at a time:
 * AzureStorageOptions.ControlQueueBatchSize, learn.microsoft.com), appends them, replays the WHOLE history once, and
 * records the tasks the replay scheduled. It counts the events every replay was fed and times the replays, which is
 * the cost that grows with a history. Activities complete at once, in the order scheduled; a finished child tells its
 * parent. The orchestrator tests use it to check a whole tree; `npm run bench replay` to measure.
 */
import { performance } from 'node:perf_hooks';
import type { OrchestrationHandler } from 'durable-functions';
import {
    executionStarted,
    orchestratorStarted,
    readActions,
    replayOnce,
    subOrchestrationCompleted,
    subOrchestrationCreated,
    taskCompleted,
    taskScheduled,
    type HistoryEvent,
} from '../src/host/local/sdk-v3/index.js';
import { orchestratorCompleted } from '../src/host/local/sdk-v3/history.js';

/** An orchestration instance as the driver keeps it. */
export interface PlayedInstance {
    id: string;
    name: string;
    input: unknown;
    history: HistoryEvent[];
    /** Completions waiting for an episode. */
    inbox: HistoryEvent[];
    /** Tasks the replays have scheduled so far (task id = index). */
    scheduled: number;
    parent?: { id: string; taskId: number };
    episodes: number;
    /** Events fed to the SDK, summed over every replay of this instance. */
    replayedEvents: number;
    /** The most events one replay of this instance was fed. */
    largestReplay: number;
    /** Activities this instance scheduled itself. */
    activities: number;
    children: string[];
    done: boolean;
    output?: unknown;
}

export interface TreeOptions {
    orchestrators: Record<string, OrchestrationHandler>;
    /** The result of one activity. */
    activity: (name: string, input: any) => unknown;
    /** Messages one episode takes from an instance at most (32: Azure Storage's control-queue batch). */
    batch?: number;
    /** Drop a finished instance's history (a large tree's memory); default: kept for inspection. */
    dropFinished?: boolean;
}

export interface TreeResult {
    output: unknown;
    instances: Map<string, PlayedInstance>;
    episodes: number;
    replayedEvents: number;
    /** The most events one replay of any instance was fed. */
    largestReplay: number;
    /** Wall time spent inside the SDK's replays. */
    replayMs: number;
    activities: number;
}

const AT = Date.UTC(2026, 11, 1, 12);

/** Plays `name` with `input` under `instanceId` to its end; an orchestrator failure throws with its message. */
export async function playTree(
    name: string,
    input: unknown,
    instanceId: string,
    options: TreeOptions,
): Promise<TreeResult> {
    const batch = options.batch ?? 32;
    const instances = new Map<string, PlayedInstance>();
    const ready: string[] = [];
    const queued = new Set<string>();
    const wake = (id: string) => {
        if (queued.has(id)) return;
        queued.add(id);
        ready.push(id);
    };
    let tick = 0;
    let replayMs = 0;
    const start = (
        id: string,
        orchestrator: string,
        orchestrationInput: unknown,
        parent?: PlayedInstance['parent'],
    ) => {
        if (instances.has(id)) throw new Error(`instance id '${id}' started twice`);
        instances.set(id, {
            id,
            name: orchestrator,
            input: orchestrationInput,
            history: [],
            inbox: [executionStarted(orchestrator, orchestrationInput)],
            scheduled: 0,
            ...(parent ? { parent } : {}),
            episodes: 0,
            replayedEvents: 0,
            largestReplay: 0,
            activities: 0,
            children: [],
            done: false,
        });
        wake(id);
    };
    const deliver = (id: string, event: HistoryEvent) => {
        instances.get(id)!.inbox.push(event);
        wake(id);
    };

    start(instanceId, name, input);
    while (ready.length > 0) {
        const inst = instances.get(ready.shift()!)!;
        queued.delete(inst.id);
        const handler = options.orchestrators[inst.name];
        if (!handler) throw new Error(`no orchestrator '${inst.name}'`);
        const at = new Date(AT + 1000 * tick++);
        const taken = inst.inbox.splice(0, batch);
        inst.history.push(orchestratorStarted(at), ...taken.map((e) => ({ ...e, Timestamp: at })));
        const began = performance.now();
        const state = await replayOnce(handler, { history: inst.history, input: inst.input, instanceId: inst.id });
        replayMs += performance.now() - began;
        inst.episodes += 1;
        inst.replayedEvents += inst.history.length;
        inst.largestReplay = Math.max(inst.largestReplay, inst.history.length);
        if (state.error) throw new Error(`orchestrator ${inst.name} (${inst.id}) failed: ${state.error}`);
        const tasks = readActions(state.actions).tasks;
        for (let taskId = inst.scheduled; taskId < tasks.length; taskId++) {
            const task = tasks[taskId]!;
            if (task.kind === 'timer') throw new Error(`${inst.id}: timers are not played here`);
            const taskInput: unknown = task.input === undefined ? undefined : JSON.parse(task.input);
            if (task.kind === 'activity') {
                inst.history.push({ ...taskScheduled(taskId, task.name, taskInput), Timestamp: at });
                inst.activities += 1;
                deliver(inst.id, taskCompleted(taskId, options.activity(task.name, taskInput)));
            } else {
                const childId = task.instanceId ?? `${inst.id}:${taskId}`;
                inst.history.push({
                    ...subOrchestrationCreated(taskId, task.name, childId, taskInput),
                    Timestamp: at,
                });
                inst.children.push(childId);
                start(childId, task.name, taskInput, { id: inst.id, taskId });
            }
        }
        inst.scheduled = tasks.length;
        inst.history.push(orchestratorCompleted(at));
        if (state.isDone) {
            inst.done = true;
            inst.output = state.output;
            if (options.dropFinished === true) inst.history = [];
            if (inst.parent) deliver(inst.parent.id, subOrchestrationCompleted(inst.parent.taskId, state.output));
        } else if (inst.inbox.length > 0) wake(inst.id);
    }
    const root = instances.get(instanceId)!;
    if (!root.done) throw new Error(`${instanceId} did not finish: a task it waits for never completed`);
    const all = [...instances.values()];
    return {
        output: root.output,
        instances,
        episodes: all.reduce((n, i) => n + i.episodes, 0),
        replayedEvents: all.reduce((n, i) => n + i.replayedEvents, 0),
        largestReplay: Math.max(...all.map((i) => i.largestReplay)),
        replayMs,
        activities: all.reduce((n, i) => n + i.activities, 0),
    };
}
