/**
 * One table's copy phase: list its pages (unless the run listed them ahead), then one copy-page
 * activity per page, all at once (fan-out), then wait for all (fan-in) and add up. A sub-orchestration per table keeps each history short.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { CopyPageOutcome } from '../copy/copy-page.js';
import type { ListPagesOutcome } from '../copy/listing.js';
import { sumCounts } from '../copy/outcomes.js';
import type { TableCopyInput, TableCopyResult } from './contracts.js';
import { ActivityName } from './names.js';
import { activityRetry } from './retry.js';

export const tableCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TableCopyInput>();
    const started = context.df.currentUtcDateTime.getTime();
    const retry = activityRetry();
    const listing =
        input.listing ??
        ((yield context.df.callActivityWithRetry(ActivityName.listPages, retry, {
            runId: input.runId,
            table: input.table,
            mode: input.mode,
        })) as ListPagesOutcome);
    const tasks: Task[] = [];
    for (let page = 0; page < listing.pages; page++) {
        tasks.push(
            context.df.callActivityWithRetry(ActivityName.copyPage, retry, {
                runId: input.runId,
                table: input.table,
                page,
                kind: listing.kind,
            }),
        );
    }
    const outcomes = (tasks.length > 0 ? yield context.df.Task.all(tasks) : []) as CopyPageOutcome[];
    const result: TableCopyResult = {
        table: input.table,
        mode: listing.mode,
        ...(listing.fallback ? { fallback: listing.fallback } : {}),
        kind: listing.kind,
        pages: listing.pages,
        counts: sumCounts(outcomes.map((o) => o.counts)),
        deferredPages: outcomes.filter((o) => o.deferredWork > 0).map((o) => o.page),
        statePages: outcomes.filter((o) => o.stateWork > 0).map((o) => o.page),
        deletedPages: listing.deletedPages,
        cancelled: outcomes.some((o) => o.cancelled === true),
        ms: context.df.currentUtcDateTime.getTime() - started,
    };
    return result;
};
