/**
 * Reads the action list of a V3 OrchestratorState into the tasks the host must run. The SDK gives task ids in
 * the order it tracks tasks, which is the order of this list with WhenAll/WhenAny flattened (an action that
 * appears twice, because a task was yielded again inside a compound, counts once). Retry timers and retry
 * attempts take ids too but have no action: episode.ts accounts for those.
 */
import { errorMessage, toOptionalJsonText } from '../json.js';
import type { RetryPolicy } from '../journal.js';
import { retryPolicyOf } from './retry.js';

/** `ActionType` numbers of durable-functions 3.x (`src/actions/ActionType.ts`). */
export const ActionType = {
    CallActivity: 0,
    CallActivityWithRetry: 1,
    CallSubOrchestrator: 2,
    CallSubOrchestratorWithRetry: 3,
    ContinueAsNew: 4,
    CreateTimer: 5,
    WaitForExternalEvent: 6,
    CallEntity: 7,
    CallHttp: 8,
    SignalEntity: 9,
    WhenAny: 11,
    WhenAll: 12,
    LockEntities: 13,
    ReleaseEntities: 14,
} as const;

/** APIs the product does not use; an orchestrator that calls one fails with a message naming it. */
const UNSUPPORTED: Readonly<Record<number, string>> = {
    [ActionType.ContinueAsNew]: 'continueAsNew',
    [ActionType.WaitForExternalEvent]: 'waitForExternalEvent',
    [ActionType.CallEntity]: 'callEntity',
    [ActionType.CallHttp]: 'callHttp',
    [ActionType.SignalEntity]: 'signalEntity',
    [ActionType.LockEntities]: 'lock',
    [ActionType.ReleaseEntities]: 'lock release',
};

/** A task as the orchestrator asked for it; inputs are JSON text, as the history stores them. */
export type RequestedTask =
    | { kind: 'activity'; name: string; input?: string; retry?: RetryPolicy }
    | { kind: 'sub'; name: string; input?: string; instanceId?: string; retry?: RetryPolicy }
    | { kind: 'timer'; fireAt: Date; canceled: boolean };

export interface ActionList {
    /** Tasks in task-id order (retry timers and attempts excluded). */
    tasks: RequestedTask[];
    /** The first API the local host does not support, e.g. `callHttp`. */
    unsupported?: string;
}

type RawAction = Record<string, unknown> & { actionType: number };

function isRawAction(value: unknown): value is RawAction {
    return typeof value === 'object' && value !== null && typeof (value as RawAction).actionType === 'number';
}

function text(action: RawAction, field: string): string {
    const value = action[field];
    if (typeof value !== 'string' || value === '') {
        throw new TypeError(`an action of type ${String(action.actionType)} has no ${field}`);
    }
    return value;
}

/**
 * Activity inputs went through the SDK's `processInput`, which JSON-encodes strings once (so a string is
 * already JSON text); sub-orchestration inputs are passed through as they are.
 */
function processedInput(action: RawAction, what: string): string | undefined {
    const input = action.input;
    return typeof input === 'string' ? input : toOptionalJsonText(input, what);
}

function timerOf(action: RawAction): RequestedTask {
    const fireAt = action.fireAt instanceof Date ? action.fireAt : new Date(String(action.fireAt));
    if (Number.isNaN(fireAt.getTime())) throw new TypeError(`a timer has no valid fireAt (${String(action.fireAt)})`);
    return { kind: 'timer', fireAt, canceled: action.isCanceled === true };
}

function taskOf(action: RawAction): RequestedTask {
    switch (action.actionType) {
        case ActionType.CallActivity:
        case ActionType.CallActivityWithRetry: {
            const name = text(action, 'functionName');
            const retry =
                action.actionType === ActionType.CallActivityWithRetry ? retryPolicyOf(action.retryOptions) : undefined;
            return { kind: 'activity', name, input: processedInput(action, `the input of activity '${name}'`), retry };
        }
        case ActionType.CallSubOrchestrator:
        case ActionType.CallSubOrchestratorWithRetry: {
            const name = text(action, 'functionName');
            const retry =
                action.actionType === ActionType.CallSubOrchestratorWithRetry
                    ? retryPolicyOf(action.retryOptions)
                    : undefined;
            const instanceId =
                typeof action.instanceId === 'string' && action.instanceId !== '' ? action.instanceId : undefined;
            const input = toOptionalJsonText(action.input, `the input of sub-orchestration '${name}'`);
            return { kind: 'sub', name, input, instanceId, retry };
        }
        default:
            return timerOf(action);
    }
}

/** Reads `state.actions` (V3: `[[...actions]]`). Throws a TypeError naming the action it cannot read. */
export function readActions(actions: readonly unknown[][]): ActionList {
    const list: ActionList = { tasks: [] };
    const seen = new Set<unknown>();
    const visit = (value: unknown, position: string): void => {
        if (!isRawAction(value)) throw new TypeError(`action ${position} is not an SDK action`);
        if (seen.has(value)) return;
        seen.add(value);
        const type = value.actionType;
        if (type === ActionType.WhenAll || type === ActionType.WhenAny) {
            const children = value.compoundActions;
            if (!Array.isArray(children)) throw new TypeError(`compound action ${position} has no compoundActions`);
            children.forEach((child, i) => visit(child, `${position}.${i}`));
            return;
        }
        const unsupported = UNSUPPORTED[type];
        if (unsupported !== undefined) {
            list.unsupported ??= unsupported;
            return;
        }
        if (type !== ActionType.CreateTimer && type > ActionType.CallSubOrchestratorWithRetry) {
            throw new TypeError(`action ${position} has an unknown actionType ${type}`);
        }
        try {
            list.tasks.push(taskOf(value));
        } catch (error) {
            throw new TypeError(`action ${position}: ${errorMessage(error)}`);
        }
    };
    (actions[0] ?? []).forEach((action, i) => visit(action, String(i)));
    return list;
}

/** A short description of a task for messages, e.g. `activity 'copyPage'`. */
export function describeTask(task: RequestedTask): string {
    return task.kind === 'timer'
        ? `timer firing at ${task.fireAt.toISOString()}`
        : `${task.kind === 'sub' ? 'sub-orchestration' : 'activity'} '${task.name}'`;
}
