/**
 * One batch of a table's pages (PageFanOut sends it at most `pagesPerOrchestration`): one activity per page, all at
 * once, folded. A failure an activity returned as data (no retry mends it) goes back as data too, so the parent
 * fails with the same message as when it ran the pages itself.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { ActivityInput } from '../activities/index.js';
import { ACTIVITY_FAILURE, ActivityFailedError, type ActivityFailure } from '../run/activity-failure.js';
import { activity, all } from './call.js';
import type { PageBatchInput } from './contracts.js';
import { foldOutcomes, type PageFold } from './page-fold.js';

export const pageBatch: OrchestrationHandler = function* (context: OrchestrationContext) {
    const { activity: name, input, pages, mark = [] } = context.df.getInput<PageBatchInput>();
    try {
        const outcomes = yield* all(
            context,
            // The shared input with each page: the activity's own input (the parent built it from a typed PageWork).
            pages.map((page) => activity(context, name, { ...input, page } as unknown as ActivityInput<typeof name>)),
        );
        const fold: PageFold = foldOutcomes(pages, outcomes, mark);
        return fold;
    } catch (error) {
        if (!(error instanceof ActivityFailedError)) throw error;
        const failure: ActivityFailure = { [ACTIVITY_FAILURE]: error.failure };
        return failure;
    }
};
