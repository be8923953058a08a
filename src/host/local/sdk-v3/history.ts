/**
 * Orchestration history events as the Durable Functions extension hands them to the JS SDK (field names and
 * EventType numbers of durable-functions 3.x `src/history/*`, mirroring DTFx), and builders for them. The
 * local host builds every history it replays with these functions, and tests use the same ones to drive an
 * orchestrator episode by episode, so both exercise one replay path.
 */
import { toJsonText } from '../json.js';

export const HistoryEventType = {
    ExecutionStarted: 0,
    TaskScheduled: 4,
    TaskCompleted: 5,
    TaskFailed: 6,
    SubOrchestrationInstanceCreated: 7,
    SubOrchestrationInstanceCompleted: 8,
    SubOrchestrationInstanceFailed: 9,
    TimerCreated: 10,
    TimerFired: 11,
    OrchestratorStarted: 12,
    OrchestratorCompleted: 13,
} as const;
export type HistoryEventType = (typeof HistoryEventType)[keyof typeof HistoryEventType];

/** One event; which optional fields are set depends on `EventType` (see the builders). */
export interface HistoryEvent {
    EventType: HistoryEventType;
    /** The task id for scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated), else -1. */
    EventId: number;
    IsPlayed: boolean;
    Timestamp: Date;
    Name?: string;
    /** JSON text. */
    Input?: string;
    /** JSON text; the SDK `JSON.parse`s it. */
    Result?: string;
    TaskScheduledId?: number;
    TimerId?: number;
    FireAt?: Date;
    InstanceId?: string;
    /** Both must be strings, or the SDK cannot replay the failure. */
    Reason?: string;
    Details?: string;
}

/** A payload already serialised to JSON text (as the journal keeps it); builders use it as it is. */
export class JsonText {
    constructor(readonly text: string) {}
}

const UNSTAMPED = new Date(0);

function encodeOptional(value: unknown): string | undefined {
    if (value instanceof JsonText) return value.text;
    return value === undefined ? undefined : toJsonText(value, 'history payload');
}

/** A result the SDK will JSON.parse: `undefined` becomes `null`, as a function returning nothing does in Azure. */
function encodeResult(value: unknown): string {
    return encodeOptional(value) ?? 'null';
}

function event(type: HistoryEventType, fields: Partial<HistoryEvent> = {}): HistoryEvent {
    return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: UNSTAMPED, ...fields };
}

export function orchestratorStarted(at: Date): HistoryEvent {
    return event(HistoryEventType.OrchestratorStarted, { Timestamp: at });
}

export function orchestratorCompleted(at: Date): HistoryEvent {
    return event(HistoryEventType.OrchestratorCompleted, { Timestamp: at });
}

/** The SDK takes the orchestration input from the trigger, not from here; it is kept for a faithful history. */
export function executionStarted(name: string, input?: unknown): HistoryEvent {
    return event(HistoryEventType.ExecutionStarted, { Name: name, Input: encodeOptional(input) });
}

export function taskScheduled(taskId: number, name: string, input?: unknown): HistoryEvent {
    return event(HistoryEventType.TaskScheduled, { EventId: taskId, Name: name, Input: encodeOptional(input) });
}

export function taskCompleted(taskId: number, result?: unknown): HistoryEvent {
    return event(HistoryEventType.TaskCompleted, { TaskScheduledId: taskId, Result: encodeResult(result) });
}

export function taskFailed(taskId: number, reason: string, details: string): HistoryEvent {
    return event(HistoryEventType.TaskFailed, { TaskScheduledId: taskId, Reason: reason, Details: details });
}

export function timerCreated(taskId: number, fireAt: Date): HistoryEvent {
    return event(HistoryEventType.TimerCreated, { EventId: taskId, FireAt: fireAt });
}

export function timerFired(taskId: number, fireAt: Date): HistoryEvent {
    return event(HistoryEventType.TimerFired, { TimerId: taskId, FireAt: fireAt });
}

export function subOrchestrationCreated(
    taskId: number,
    name: string,
    instanceId: string,
    input?: unknown,
): HistoryEvent {
    return event(HistoryEventType.SubOrchestrationInstanceCreated, {
        EventId: taskId,
        Name: name,
        InstanceId: instanceId,
        Input: encodeOptional(input),
    });
}

export function subOrchestrationCompleted(taskId: number, result?: unknown): HistoryEvent {
    return event(HistoryEventType.SubOrchestrationInstanceCompleted, {
        TaskScheduledId: taskId,
        Result: encodeResult(result),
    });
}

export function subOrchestrationFailed(taskId: number, reason: string, details: string): HistoryEvent {
    return event(HistoryEventType.SubOrchestrationInstanceFailed, {
        TaskScheduledId: taskId,
        Reason: reason,
        Details: details,
    });
}

/**
 * One episode (one wake-up of the orchestrator): OrchestratorStarted, the events stamped with its time, then
 * OrchestratorCompleted. The SDK advances `currentUtcDateTime` to each OrchestratorStarted's Timestamp.
 */
export function episode(at: Date, ...events: HistoryEvent[]): HistoryEvent[] {
    return [orchestratorStarted(at), ...events.map((e) => ({ ...e, Timestamp: at })), orchestratorCompleted(at)];
}
