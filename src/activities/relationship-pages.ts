/**
 * What the many-to-many activities share: the relationship's plan entry and its intersect page list,
 * which listRelationshipPages writes and associatePage reads.
 */
import type { ManyToManyPlan } from '../plan/types.js';
import type { RunContext, StoredPages } from '../run/run-context.js';
import { RunDocumentError } from '../run/activity-failure.js';

export interface IntersectPages extends StoredPages {
    entitySet: string;
    primaryId: string;
}

export function relationshipOf(ctx: RunContext, name: string): ManyToManyPlan {
    const relationship = ctx.plan.manyToMany.find((m) => m.name === name);
    if (!relationship) throw new RunDocumentError(`run ${ctx.runId}: relationship '${name}' is not in the plan`);
    return relationship;
}
