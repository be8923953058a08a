/**
 * One table's follow-up once every tier is written: its deferred lookups (the cycle-closing columns),
 * then its states. In that order for the table, because a row closed by a message (a won opportunity)
 * can no longer be updated; tables follow up side by side, and beside the many-to-many relationships,
 * so no phase waits for another table's stragglers.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { emptyCounts, sumCounts } from '../run/outcomes.js';
import type { PhasePageOutcome } from '../activities/phase-page.js';
import type { TableFollowUpInput, TableFollowUpResult } from './contracts.js';
import { ActivityName } from './names.js';
import { activityRetry } from './retry.js';

export const tableFollowUp: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TableFollowUpInput>();
    const retry = activityRetry();
    const { runId, table, kind } = input;
    const pages = (activity: string, list: readonly number[]): Task[] =>
        list.map((page) => context.df.callActivityWithRetry(activity, retry, { runId, table, page, kind }));

    const deferredTasks = pages(ActivityName.patchDeferredPage, input.deferredPages);
    const deferred = (deferredTasks.length > 0 ? yield context.df.Task.all(deferredTasks) : []) as PhasePageOutcome[];
    const result: TableFollowUpResult = {
        table,
        deferred: sumCounts(deferred.map((o) => o.counts)),
        state: emptyCounts(),
        cancelled: deferred.some((o) => o.cancelled === true),
    };
    if (result.cancelled) return result;
    const stateTasks = pages(ActivityName.setStatePage, input.statePages);
    const states = (stateTasks.length > 0 ? yield context.df.Task.all(stateTasks) : []) as PhasePageOutcome[];
    result.state = sumCounts(states.map((o) => o.counts));
    result.cancelled = states.some((o) => o.cancelled === true);
    return result;
};
