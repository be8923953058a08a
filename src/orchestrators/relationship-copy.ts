/** One many-to-many relationship: list the source intersect table's pages, associate each page, all at once. */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { requestsOf, sumCounts, withRequests } from '../run/outcomes.js';
import { activity, all, one } from './call.js';
import type { RelationshipCopyInput, RelationshipCopyResult } from './contracts.js';

export const relationshipCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const { runId, relationship } = context.df.getInput<RelationshipCopyInput>();
    const listing = yield* one(activity(context, 'listRelationshipPages', { runId, relationship }));
    const pages = Array.from({ length: listing.pages }, (_, page) =>
        activity(context, 'associatePage', { runId, relationship, page }),
    );
    const outcomes = yield* all(context, pages);
    const result: RelationshipCopyResult = {
        relationship,
        counts: withRequests(sumCounts(outcomes.map((o) => o.counts)), requestsOf(listing)),
        cancelled: outcomes.some((o) => o.cancelled === true),
    };
    return result;
};
