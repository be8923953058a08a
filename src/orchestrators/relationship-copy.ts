/** One many-to-many relationship: list the source intersect table's pages, associate each page, all at once. */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { AssociatePageOutcome, ListRelationshipOutcome } from '../activities/associate-page.js';
import { sumCounts } from '../run/outcomes.js';
import type { RelationshipCopyInput, RelationshipCopyResult } from './contracts.js';
import { ActivityName } from './names.js';
import { activityRetry } from './retry.js';

export const relationshipCopy: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<RelationshipCopyInput>();
    const retry = activityRetry();
    const listing = (yield context.df.callActivityWithRetry(ActivityName.listRelationshipPages, retry, {
        runId: input.runId,
        relationship: input.relationship,
    })) as ListRelationshipOutcome;
    const tasks: Task[] = [];
    for (let page = 0; page < listing.pages; page++)
        tasks.push(
            context.df.callActivityWithRetry(ActivityName.associatePage, retry, {
                runId: input.runId,
                relationship: input.relationship,
                page,
            }),
        );
    const outcomes = (tasks.length > 0 ? yield context.df.Task.all(tasks) : []) as AssociatePageOutcome[];
    const result: RelationshipCopyResult = {
        relationship: input.relationship,
        counts: sumCounts(outcomes.map((o) => o.counts)),
        cancelled: outcomes.some((o) => o.cancelled === true),
    };
    return result;
};
