/**
 * One table's part of the delete phase: finding delete candidates (after listing the target's pages),
 * or deleting them. One activity per page with work, all at once.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { emptyCounts, sumCounts } from '../run/outcomes.js';
import { activity, all, one } from './call.js';
import type { TablePhaseInput, TablePhaseResult } from './contracts.js';

export const tablePhase: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<TablePhaseInput>();
    const { runId, table } = input;

    if (input.phase === 'find-deletes') {
        const listing = yield* one(activity(context, 'listDeletePages', { runId, table }));
        const source = input.deleteSource ?? 'range';
        const count = source === 'delta' ? (input.deletedPages ?? 0) : listing.pages;
        const found = yield* all(
            context,
            Array.from({ length: count }, (_, page) =>
                activity(context, 'findDeletes', { runId, table, page, source }),
            ),
        );
        const result: TablePhaseResult = {
            table,
            phase: input.phase,
            counts: emptyCounts(),
            cancelled: found.some((f) => f.cancelled === true),
            pagesWithWork: found.filter((f) => f.candidates > 0).map((f) => f.page),
            wouldDelete: found.reduce((n, f) => n + f.candidates, 0),
            targetRows: listing.targetRows,
        };
        return result;
    }

    const outcomes = yield* all(
        context,
        input.pages.map((page) => activity(context, 'deletePage', { runId, table, page })),
    );
    const result: TablePhaseResult = {
        table,
        phase: input.phase,
        counts: sumCounts(outcomes.map((o) => o.counts)),
        cancelled: outcomes.some((o) => o.cancelled === true),
    };
    return result;
};
