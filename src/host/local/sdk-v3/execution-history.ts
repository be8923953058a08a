/**
 * The v3 history of an execution: its played episodes (from the journal) turned into the events the Durable
 * extension would hand the SDK. Episodes only ever get appended, so the events of an execution are built once
 * and extended per episode (a cache keyed by the execution's list of played episodes).
 */
import type { ExecutionView, InboxEntry, PlayedEpisode } from '../execution.js';
import type { TaskRecord } from '../journal.js';
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

function inputOf(text: string | undefined): JsonText | undefined {
    return text === undefined ? undefined : new JsonText(text);
}

/** The history event of one played message. */
function eventOf(exec: ExecutionView, entry: InboxEntry): HistoryEvent {
    const m = entry.message;
    switch (m.kind) {
        case 'executionStarted':
            return executionStarted(exec.start.name, inputOf(exec.start.input));
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
function scheduledEventOf(exec: ExecutionView, task: TaskRecord): HistoryEvent {
    switch (task.kind) {
        case 'activity':
            return taskScheduled(task.id, task.name, inputOf(task.input));
        case 'sub':
            return subOrchestrationCreated(task.id, task.name, task.instanceId, inputOf(task.input));
        case 'timer':
        case 'retryTimer':
            return timerCreated(task.id, new Date(task.fireAt));
        case 'retryAttempt': {
            const primary = exec.runnable(task);
            return primary.kind === 'activity'
                ? taskScheduled(task.id, primary.name, inputOf(primary.input))
                : subOrchestrationCreated(task.id, primary.name, primary.instanceId, inputOf(primary.input));
        }
    }
}

/** The events of an episode being played (without its OrchestratorCompleted). */
export function episodeEvents(
    exec: ExecutionView,
    at: Date,
    messages: readonly InboxEntry[],
    scheduled: readonly TaskRecord[],
): HistoryEvent[] {
    const stamp = (e: HistoryEvent): HistoryEvent => ({ ...e, Timestamp: at });
    return [
        orchestratorStarted(at),
        ...messages.map((m) => stamp(eventOf(exec, m))),
        ...scheduled.map((t) => stamp(scheduledEventOf(exec, t))),
    ];
}

/** Events built so far per list of played episodes, and how many episodes they cover. */
const built = new WeakMap<readonly PlayedEpisode[], { events: HistoryEvent[]; episodes: number }>();

/** The history of every episode played so far. The returned array is the cache's: copy it before adding. */
export function playedHistory(exec: ExecutionView): readonly HistoryEvent[] {
    let cache = built.get(exec.played);
    if (!cache) {
        cache = { events: [], episodes: 0 };
        built.set(exec.played, cache);
    }
    for (; cache.episodes < exec.played.length; cache.episodes++) {
        const p = exec.played[cache.episodes]!;
        for (const event of episodeEvents(exec, p.at, p.messages, p.scheduled)) cache.events.push(event);
        cache.events.push(orchestratorCompleted(p.at));
    }
    return cache.events;
}
