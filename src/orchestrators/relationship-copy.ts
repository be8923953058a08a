/**
 * One many-to-many relationship: list the source intersect table's pages, associate each page, all at once (in page
 * batches past the history budget).
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { requestsOf, withRequests } from '../run/outcomes.js';
import { activity, one } from './call.js';
import type { RelationshipCopyInput, RelationshipCopyResult } from './contracts.js';
import { PageFanOut } from './page-fan-out.js';

export const relationshipCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const { runId, relationship, pagesPerOrchestration } = context.df.getInput<RelationshipCopyInput>();
    const listing = yield* one(activity(context, 'listRelationshipPages', { runId, relationship }));
    const associated = yield* new PageFanOut(context, pagesPerOrchestration).run({
        activity: 'associatePage',
        input: { runId, relationship },
        pages: Array.from({ length: listing.pages }, (_, page) => page),
    });
    const result: RelationshipCopyResult = {
        relationship,
        counts: withRequests(associated.counts, requestsOf(listing)),
        cancelled: associated.cancelled,
    };
    return result;
};
