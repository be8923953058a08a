/**
 * Typed calls for the orchestrators. An activity's input and result types come from the activity table
 * itself (src/activities, imported for its types only), a sub-orchestration's from contracts.ts, so no
 * yield needs a cast and a renamed field breaks the build, not a run. A failure an activity returned as
 * data (it cannot be mended by a retry) is thrown here, where the run's error handling sees it.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ActivityInput, ActivityName, ActivityResult } from '../activities/index.js';
import { ActivityFailedError, ACTIVITY_FAILURE, isActivityFailure } from '../run/activity-failure.js';
import type { OrchestratorContracts } from './contracts.js';
import type { OrchestratorNameValue } from './names.js';
import { activityRetry } from './retry.js';

/** A task whose result type is known: the SDK's Task carries none (a phantom field, never set). */
export interface TypedTask<T> extends Task {
    readonly __result?: T;
}

/** Schedules an activity with the run's retry policy for transient failures. */
export function activity<N extends ActivityName>(
    context: OrchestrationContext,
    name: N,
    input: ActivityInput<N>,
): TypedTask<ActivityResult<N>> {
    return context.df.callActivityWithRetry(name, activityRetry(), input);
}

/** Schedules a sub-orchestration under a derived instance id (deterministic on replay). */
export function child<N extends OrchestratorNameValue>(
    context: OrchestrationContext,
    name: N,
    input: OrchestratorContracts[N]['input'],
    instanceId: string,
): TypedTask<OrchestratorContracts[N]['result']> {
    return context.df.callSubOrchestrator(name, input, instanceId);
}

function checked<T>(value: unknown): T {
    if (isActivityFailure(value)) throw new ActivityFailedError(value[ACTIVITY_FAILURE]);
    return value as T;
}

/** Waits for one task. */
export function* one<T>(task: TypedTask<T>): Generator<Task, T, unknown> {
    return checked<T>(yield task);
}

/** Waits for every task (fan-in); nothing to wait for is an empty list, not a yield. */
export function* all<T>(context: OrchestrationContext, tasks: readonly TypedTask<T>[]): Generator<Task, T[], unknown> {
    if (tasks.length === 0) return [];
    const results = (yield context.df.Task.all([...tasks])) as unknown[];
    return results.map((result) => checked<T>(result));
}

/** Two kinds of tasks at once (e.g. a tier's copies and the next tier's listings), each kind's results apart. */
export function* allOf<A, B>(
    context: OrchestrationContext,
    first: readonly TypedTask<A>[],
    second: readonly TypedTask<B>[],
): Generator<Task, [A[], B[]], unknown> {
    const results = yield* all<A | B>(context, [...first, ...second]);
    return [results.slice(0, first.length) as A[], results.slice(first.length) as B[]];
}
