/**
 * Names of the orchestrations, shared by the orchestrators (which call them) and both hosts (which
 * register or play them), so the two hosts cannot drift. Activity names are the keys of the activity
 * contract (src/activities/contract.ts). Plain constants: importing this module loads nothing else.
 */
export const OrchestratorName = {
    /** The whole run: plan, tiers, deferred lookups, state, many-to-many, deletes, finish. */
    run: 'migrationRun',
    /** One table's copy phase: list pages, one activity per page, all at once. */
    tableCopy: 'tableCopy',
    /** One table's later phase (finding deletes, deleting): one activity per page with work. */
    tablePhase: 'tablePhase',
    /** One table's follow-up after the tiers: its deferred lookups, then its states, page by page. */
    tableFollowUp: 'tableFollowUp',
    /** One many-to-many relationship: list intersect pages, associate each. */
    relationshipCopy: 'relationshipCopy',
    /** A batch of a table's pages past its orchestration's budget: one activity per page, all at once, folded. */
    pageBatch: 'pageBatch',
} as const;

export type OrchestratorNameValue = (typeof OrchestratorName)[keyof typeof OrchestratorName];
