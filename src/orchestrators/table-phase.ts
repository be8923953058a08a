/**
 * One table's part of the delete phase: finding delete candidates (after listing the target's pages),
 * or deleting them. One activity per page with work, all at once (in page batches past the history budget).
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { requestsOf, withRequests } from '../run/outcomes.js';
import { activity, one } from './call.js';
import type { TablePhaseInput, TablePhaseResult } from './contracts.js';
import { PageFanOut } from './page-fan-out.js';
import { marked } from './page-fold.js';

export const tablePhase: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TablePhaseInput>();
    const { runId, table } = input;
    const fanOut = new PageFanOut(context, input.pagesPerOrchestration);

    if (input.phase === 'find-deletes') {
        const listing = yield* one(activity(context, 'listDeletePages', { runId, table }));
        const source = input.deleteSource ?? 'range';
        const count = source === 'delta' ? (input.deletedPages ?? 0) : listing.pages;
        const found = yield* fanOut.run({
            activity: 'findDeletes',
            input: { runId, table, source },
            pages: Array.from({ length: count }, (_, page) => page),
            mark: ['candidates'],
        });
        const candidates = marked(found, 'candidates');
        const result: TablePhaseResult = {
            table,
            phase: input.phase,
            // The target's listing and the pages' reads: requests only, no rows counted.
            counts: withRequests(found.counts, requestsOf(listing)),
            cancelled: found.cancelled,
            pagesWithWork: candidates.pages,
            wouldDelete: candidates.total,
            targetRows: listing.targetRows,
        };
        return result;
    }

    const deleted = yield* fanOut.run({ activity: 'deletePage', input: { runId, table }, pages: input.pages });
    const result: TablePhaseResult = {
        table,
        phase: input.phase,
        counts: deleted.counts,
        cancelled: deleted.cancelled,
    };
    return result;
};
