/**
 * One table's part of the delete phase: finding delete candidates (after listing the target's pages),
 * or deleting them. One activity per page with work, all at once.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { FindDeletesOutcome, ListDeletesOutcome } from '../activities/delete-page.js';
import { sumCounts } from '../run/outcomes.js';
import type { PhasePageOutcome } from '../activities/phase-page.js';
import type { TablePhaseInput, TablePhaseResult } from './contracts.js';
import { ActivityName } from './names.js';
import { activityRetry } from './retry.js';

export const tablePhase: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TablePhaseInput>();
    const retry = activityRetry();
    const { runId, table } = input;

    if (input.phase === 'find-deletes') {
        const listing = (yield context.df.callActivityWithRetry(ActivityName.listDeletePages, retry, {
            runId,
            table,
        })) as ListDeletesOutcome;
        const source = input.deleteSource ?? 'range';
        const count = source === 'delta' ? (input.deletedPages ?? 0) : listing.pages;
        const tasks: Task[] = [];
        for (let page = 0; page < count; page++)
            tasks.push(
                context.df.callActivityWithRetry(ActivityName.findDeletes, retry, { runId, table, page, source }),
            );
        const found = (tasks.length > 0 ? yield context.df.Task.all(tasks) : []) as FindDeletesOutcome[];
        const result: TablePhaseResult = {
            table,
            phase: input.phase,
            counts: sumCounts([]),
            cancelled: found.some((f) => f.cancelled === true),
            pagesWithWork: found.filter((f) => f.candidates > 0).map((f) => f.page),
            wouldDelete: found.reduce((n, f) => n + f.candidates, 0),
            targetRows: listing.targetRows,
        };
        return result;
    }

    const tasks = input.pages.map((page) =>
        context.df.callActivityWithRetry(ActivityName.deletePage, retry, { runId, table, page }),
    );
    const outcomes = (tasks.length > 0 ? yield context.df.Task.all(tasks) : []) as PhasePageOutcome[];
    const result: TablePhaseResult = {
        table,
        phase: input.phase,
        counts: sumCounts(outcomes.map((o) => o.counts)),
        cancelled: outcomes.some((o) => o.cancelled === true),
    };
    return result;
};
