/**
 * One replay of an orchestrator through the real durable-functions SDK: the trigger input the Functions host
 * sends (history, input, instance id, replay schema V3), a fresh SDK context, and the SDK's OrchestratorState
 * back. This is the only module that imports the SDK's internals; replayEpisode and the orchestrator tests
 * both call replayOnce.
 */
import type { OrchestrationHandler } from 'durable-functions';
import { createOrchestrator, DummyOrchestrationContext } from 'durable-functions/lib/src/util/testingUtils.js';
import type { HistoryEvent } from './history.js';

/** `ReplaySchema.V3` of the SDK: flat action lists with WhenAll/WhenAny nodes, as current extensions negotiate. */
export const REPLAY_SCHEMA_V3 = 2;

/**
 * Timers up to this long stay one timer. The Functions host splits timers over 6 days into a chain
 * (`LongTimerTask`), which consumes task ids this host does not model; a local run never needs the split.
 */
const MAXIMUM_SHORT_TIMER_DURATION = '36500.00:00:00';
const LONG_RUNNING_TIMER_INTERVAL = '3.00:00:00';

/** The label after which the SDK appends the state of a failed replay (`OrchestrationFailureError`). */
const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/** The SDK's result of one replay; `error` is set when the orchestrator failed. */
export interface OrchestratorState {
    isDone: boolean;
    /** V3: one list holding the actions of the whole execution so far, in scheduling order. */
    actions: unknown[][];
    output?: unknown;
    customStatus?: unknown;
    /** The failure message when the orchestrator threw (its own error, or a task failure it did not catch). */
    error?: string;
    schemaVersion: number;
}

export interface ReplayRequest {
    history: readonly HistoryEvent[];
    /** The orchestration input as the orchestrator reads it (`context.df.getInput()`). */
    input?: unknown;
    instanceId: string;
    parentInstanceId?: string;
    /** Receives `context.log(...)` calls of the orchestrator; default: discarded. */
    log?: (level: string, ...args: unknown[]) => void;
}

/** Replays `history` once; a failed orchestrator resolves with `error` set instead of rejecting. */
export async function replayOnce(handler: OrchestrationHandler, request: ReplayRequest): Promise<OrchestratorState> {
    const trigger = {
        history: request.history,
        input: request.input,
        instanceId: request.instanceId,
        parentInstanceId: request.parentInstanceId,
        isReplaying: false,
        upperSchemaVersion: REPLAY_SCHEMA_V3,
        maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_DURATION,
        longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL,
        defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    const log = request.log ?? (() => undefined);
    const context = new DummyOrchestrationContext(request.instanceId, request.instanceId, log);
    try {
        return await createOrchestrator(handler)(trigger, context);
    } catch (error) {
        const state = stateOfFailure(error);
        if (state === undefined) throw error;
        return state;
    }
}

/** The state the SDK embeds in an `OrchestrationFailureError`; undefined for any other error. */
export function stateOfFailure(error: unknown): OrchestratorState | undefined {
    if (!(error instanceof Error)) return undefined;
    const at = error.message.lastIndexOf(OUT_OF_PROC_DATA);
    if (at < 0) return undefined;
    try {
        const state = JSON.parse(error.message.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorState;
        return { ...state, error: state.error ?? error.message.slice(0, at).trim() };
    } catch {
        return undefined;
    }
}
