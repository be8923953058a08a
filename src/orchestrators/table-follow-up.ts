/**
 * One table's follow-up once every tier is written: its deferred lookups (the cycle-closing columns, with the row's
 * state where a plain update reaches it: copy/follow-up-write.ts), its binary content (files, images, note bodies),
 * then the states left (messages, read-only closes, reopens). In that order for the table, because a row
 * closed by a message (a won opportunity, a completed activity) can no longer be updated; tables follow up side by side, and beside the many-to-many relationships,
 * so no phase waits for another table's stragglers.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { emptyCounts, sumCounts } from '../run/outcomes.js';
import { activity, all } from './call.js';
import type { TableFollowUpInput, TableFollowUpResult } from './contracts.js';

export const tableFollowUp: OrchestrationHandler = function* (context: OrchestrationContext) {
    const {
        runId,
        table,
        kind,
        deferredPages,
        statePages,
        contentPages = [],
    } = context.df.getInput<TableFollowUpInput>();
    const deferred = yield* all(
        context,
        deferredPages.map((page) => activity(context, 'patchDeferredPage', { runId, table, page, kind })),
    );
    const cancelled = deferred.some((o) => o.cancelled === true);
    const done: NonNullable<TableFollowUpResult['done']> = { deferred: !cancelled, state: false };
    if (contentPages.length > 0) done.content = false;
    const result: TableFollowUpResult = {
        table,
        deferred: sumCounts(deferred.map((o) => o.counts)),
        state: emptyCounts(),
        cancelled,
        done,
    };
    if (cancelled) return result;
    if (contentPages.length > 0) {
        const content = yield* all(
            context,
            contentPages.map((page) => activity(context, 'copyContentPage', { runId, table, page, kind })),
        );
        result.content = sumCounts(content.map((o) => o.counts));
        result.cancelled = content.some((o) => o.cancelled === true);
        done.content = !result.cancelled;
        if (result.cancelled) return result;
    }
    const states = yield* all(
        context,
        statePages.map((page) => activity(context, 'setStatePage', { runId, table, page, kind })),
    );
    result.state = sumCounts(states.map((o) => o.counts));
    result.cancelled = states.some((o) => o.cancelled === true);
    done.state = !result.cancelled;
    return result;
};
