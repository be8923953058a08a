/**
 * One table's copy phase: one copy-page activity per page, all at once (fan-out), then wait for all
 * (fan-in) and add up. Pages listed ahead by the run are copied at once; otherwise the table lists its
 * own pages in growing chunks and copies each chunk while walking the next, so a large first-tier
 * table does not wait for its whole key walk. A sub-orchestration per table keeps each history short.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { CopyPageOutcome } from '../activities/copy-page.js';
import type { ListPagesOutcome } from '../activities/list-pages.js';
import { sumCounts } from '../run/outcomes.js';
import type { TableCopyInput, TableCopyResult } from './contracts.js';
import { ActivityName } from './names.js';
import { activityRetry } from './retry.js';

export const tableCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TableCopyInput>();
    const started = context.df.currentUtcDateTime.getTime();
    const retry = activityRetry();
    const { runId, table } = input;
    const copyTasks = (listing: ListPagesOutcome): Task[] =>
        Array.from({ length: listing.pages }, (_, i) =>
            context.df.callActivityWithRetry(ActivityName.copyPage, retry, {
                runId,
                table,
                page: listing.firstPage + i,
                kind: listing.kind,
                ...(listing.chunk !== undefined ? { chunk: listing.chunk } : {}),
            }),
        );
    const outcomes: CopyPageOutcome[] = [];
    let listing: ListPagesOutcome;
    let pages = 0;
    if (input.listing) {
        // Listed ahead (while the previous tier copied): every page at once.
        listing = input.listing;
        const tasks = copyTasks(listing);
        if (tasks.length > 0) outcomes.push(...((yield context.df.Task.all(tasks)) as CopyPageOutcome[]));
        pages = listing.pages;
    } else {
        // Listed here, in growing chunks: each chunk's pages copy while the next chunk's keys are walked.
        listing = (yield context.df.callActivityWithRetry(ActivityName.listPages, retry, {
            runId,
            table,
            mode: input.mode,
            chunk: 0,
        })) as ListPagesOutcome;
        for (;;) {
            pages += listing.pages;
            const tasks = copyTasks(listing);
            const ahead = listing.more
                ? [
                      context.df.callActivityWithRetry(ActivityName.listPages, retry, {
                          runId,
                          table,
                          mode: listing.mode,
                          chunk: (listing.chunk ?? 0) + 1,
                          after: listing.next,
                          firstPage: listing.firstPage + listing.pages,
                      }),
                  ]
                : [];
            const all = [...tasks, ...ahead];
            const done = (all.length > 0 ? yield context.df.Task.all(all) : []) as unknown[];
            outcomes.push(...(done.slice(0, tasks.length) as CopyPageOutcome[]));
            if (ahead.length === 0) break;
            listing = done[tasks.length] as ListPagesOutcome;
        }
    }
    const result: TableCopyResult = {
        table,
        mode: listing.mode,
        ...(listing.fallback ? { fallback: listing.fallback } : {}),
        kind: listing.kind,
        pages,
        counts: sumCounts(outcomes.map((o) => o.counts)),
        deferredPages: outcomes.filter((o) => o.deferredWork > 0).map((o) => o.page),
        statePages: outcomes.filter((o) => o.stateWork > 0).map((o) => o.page),
        deletedPages: listing.deletedPages,
        cancelled: outcomes.some((o) => o.cancelled === true),
        ms: context.df.currentUtcDateTime.getTime() - started,
    };
    return result;
};
