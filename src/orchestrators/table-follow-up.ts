/**
 * One table's follow-up once every tier is written: its deferred lookups (the cycle-closing columns, with the row's
 * state where a plain update reaches it: copy/follow-up-write.ts), its binary content (files, images, note bodies),
 * then the states left (messages, read-only closes, reopens). In that order for the table, because a row
 * closed by a message (a won opportunity, a completed activity) can no longer be updated; tables follow up side by side, and beside the many-to-many relationships,
 * so no phase waits for another table's stragglers.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { emptyCounts } from '../run/outcomes.js';
import type { TableFollowUpInput, TableFollowUpResult } from './contracts.js';
import { PageFanOut } from './page-fan-out.js';

export const tableFollowUp: OrchestrationHandler = function* (context: OrchestrationContext) {
    const {
        runId,
        table,
        kind,
        deferredPages,
        statePages,
        contentPages = [],
        pagesPerOrchestration,
    } = context.df.getInput<TableFollowUpInput>();
    const fanOut = new PageFanOut(context, pagesPerOrchestration);
    const deferred = yield* fanOut.run({
        activity: 'patchDeferredPage',
        input: { runId, table, kind },
        pages: deferredPages,
    });
    const cancelled = deferred.cancelled;
    const done: NonNullable<TableFollowUpResult['done']> = { deferred: !cancelled, state: false };
    if (contentPages.length > 0) done.content = false;
    const result: TableFollowUpResult = {
        table,
        deferred: deferred.counts,
        state: emptyCounts(),
        cancelled,
        done,
    };
    if (cancelled) return result;
    if (contentPages.length > 0) {
        const content = yield* fanOut.run({
            activity: 'copyContentPage',
            input: { runId, table, kind },
            pages: contentPages,
        });
        result.content = content.counts;
        result.cancelled = content.cancelled;
        done.content = !result.cancelled;
        if (result.cancelled) return result;
    }
    const states = yield* fanOut.run({ activity: 'setStatePage', input: { runId, table, kind }, pages: statePages });
    result.state = states.counts;
    result.cancelled = states.cancelled;
    done.state = !result.cancelled;
    return result;
};
