/**
 * One table's copy phase: one copy-page activity per page, all at once (fan-out), then wait for all
 * (fan-in) and add up. Pages listed ahead by the run are copied at once; otherwise the table lists its
 * own pages in growing chunks and copies each chunk while walking the next, so a large first-tier
 * table does not wait for its whole key walk. A sub-orchestration per table keeps each history short.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { CopyPageOutcome } from '../activities/copy-page.js';
import type { ListPagesOutcome } from '../activities/list-pages.js';
import { addRequests, requestsOf, sumCounts, withRequests } from '../run/outcomes.js';
import { activity, all, allOf, one } from './call.js';
import type { TableCopyInput, TableCopyResult } from './contracts.js';

export const tableCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TableCopyInput>();
    const started = context.df.currentUtcDateTime.getTime();
    const { runId, table } = input;
    const copyTasks = (listing: ListPagesOutcome) =>
        Array.from({ length: listing.pages }, (_, i) =>
            activity(context, 'copyPage', {
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
    // The key walks' requests count in the copy phase, as its pages' do.
    let listingRequests = input.listing ? requestsOf(input.listing) : undefined;
    if (input.listing) {
        // Listed ahead (while the previous tier copied): every page at once.
        listing = input.listing;
        outcomes.push(...(yield* all(context, copyTasks(listing))));
        pages = listing.pages;
    } else {
        // Listed here, in growing chunks: each chunk's pages copy while the next chunk's keys are walked.
        listing = yield* one(activity(context, 'listPages', { runId, table, mode: input.mode, chunk: 0 }));
        listingRequests = requestsOf(listing);
        for (;;) {
            pages += listing.pages;
            const ahead = listing.more
                ? [
                      activity(context, 'listPages', {
                          runId,
                          table,
                          mode: listing.mode,
                          chunk: (listing.chunk ?? 0) + 1,
                          after: listing.next,
                          firstPage: listing.firstPage + listing.pages,
                      }),
                  ]
                : [];
            const [copied, next] = yield* allOf(context, copyTasks(listing), ahead);
            outcomes.push(...copied);
            if (!next[0]) break;
            listing = next[0];
            listingRequests = addRequests(listingRequests, requestsOf(listing));
        }
    }
    const result: TableCopyResult = {
        table,
        mode: listing.mode,
        ...(listing.fallback ? { fallback: listing.fallback } : {}),
        kind: listing.kind,
        pages,
        counts: withRequests(sumCounts(outcomes.map((o) => o.counts)), listingRequests),
        deferredPages: outcomes.filter((o) => o.deferredWork > 0).map((o) => o.page),
        statePages: outcomes.filter((o) => o.stateWork > 0).map((o) => o.page),
        contentPages: outcomes.filter((o) => (o.contentWork ?? 0) > 0).map((o) => o.page),
        deletedPages: listing.deletedPages,
        cancelled: outcomes.some((o) => o.cancelled === true),
        ms: context.df.currentUtcDateTime.getTime() - started,
    };
    return result;
};
