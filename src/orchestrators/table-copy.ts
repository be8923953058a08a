/**
 * One table's copy phase: one copy-page activity per page, all at once (fan-out), then wait for all
 * (fan-in) and add up. Pages listed ahead by the run are copied at once; otherwise the table lists its
 * own pages in growing chunks and copies each chunk while walking the next, so a large first-tier
 * table does not wait for its whole key walk. A sub-orchestration per table keeps each history short, and
 * PageFanOut bounds it: pages past the table's budget go to page batches.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { ListPagesOutcome } from '../activities/list-pages.js';
import { addRequests, requestsOf, withRequests } from '../run/outcomes.js';
import { activity, allOf, one } from './call.js';
import type { TableCopyInput, TableCopyResult } from './contracts.js';
import { PageFanOut, type PageWork } from './page-fan-out.js';
import { marked, mergeFolds, type PageFold } from './page-fold.js';

/** The outcome fields of a copied page that later phases need the pages of. */
const COPY_MARKS = ['deferredWork', 'stateWork', 'contentWork'] as const;

export const tableCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TableCopyInput>();
    const started = context.df.currentUtcDateTime.getTime();
    const { runId, table } = input;
    const fanOut = new PageFanOut(context, input.pagesPerOrchestration);
    const copyWork = (listing: ListPagesOutcome): PageWork<'copyPage'> => ({
        activity: 'copyPage',
        input: { runId, table, kind: listing.kind, ...(listing.chunk !== undefined ? { chunk: listing.chunk } : {}) },
        pages: Array.from({ length: listing.pages }, (_, i) => listing.firstPage + i),
        mark: COPY_MARKS,
    });
    const folds: PageFold[] = [];
    let listing: ListPagesOutcome;
    let pages = 0;
    // The key walks' requests count in the copy phase, as its pages' do.
    let listingRequests = input.listing ? requestsOf(input.listing) : undefined;
    if (input.listing) {
        // Listed ahead (while the previous tier copied): every page at once.
        listing = input.listing;
        folds.push(yield* fanOut.run(copyWork(listing)));
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
            const copies = fanOut.schedule(copyWork(listing));
            const [copied, next] = yield* allOf(context, copies.tasks, ahead);
            folds.push(copies.fold(copied));
            if (!next[0]) break;
            listing = next[0];
            listingRequests = addRequests(listingRequests, requestsOf(listing));
        }
    }
    const copied = mergeFolds(folds, COPY_MARKS);
    const result: TableCopyResult = {
        table,
        mode: listing.mode,
        ...(listing.fallback ? { fallback: listing.fallback } : {}),
        kind: listing.kind,
        pages,
        counts: withRequests(copied.counts, listingRequests),
        deferredPages: marked(copied, 'deferredWork').pages,
        statePages: marked(copied, 'stateWork').pages,
        contentPages: marked(copied, 'contentWork').pages,
        deletedPages: listing.deletedPages,
        cancelled: copied.cancelled,
        ms: context.df.currentUtcDateTime.getTime() - started,
    };
    return result;
};
