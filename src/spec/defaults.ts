/**
 * Every default of the migration spec, in one place. The zod schema applies them and the README
 * documents them from this table; change a default here and nowhere else.
 */
export const SPEC_DEFAULTS = {
    /** Rows per copy-page activity; also the key-walk boundary interval. Dataverse caps a page at 5000. */
    pageSize: 5000,
    /** Rows per UpsertMultiple / $batch request. Dataverse allows up to 1000 operations per batch. */
    writeBatchSize: 100,
    /** Upper bound of requests in flight per environment; the client adapts below it (x-ms-dop-hint, 429s). */
    maxConcurrency: 16,
    /** Incremental (change-tracking) refresh after the first full run. */
    incremental: false,
    /** What to do with a lookup whose target row cannot be found in the target environment. */
    onUnresolvedLookup: 'clear' as const,
    /** How a table's rows are matched in the target: by the preserved primary id. */
    match: 'id' as const,
    deleteMissing: false,
    /** A table loads into the target's existing table; `new` creates what the target lacks first. */
    load: 'existing' as const,
    /** deleteMissing refuses to delete more than this share of a target table's rows in one run. */
    maxDeleteShare: 0.1,
    /**
     * Seconds an environment may refuse connections or answer 503 before its requests fail (the run then fails, no row
     * counted failed); every request to it waits with backoff meanwhile.
     */
    outageBudgetSeconds: 600,
    /**
     * Minutes a `modifiedon` watermark refresh reads back before the newest `modifiedon` the previous run saw: a long
     * transaction commits rows stamped when it began, older than rows already visible. Re-read rows that did not
     * change cost no writes (compare-before-write).
     */
    watermarkLagMinutes: 15,
    /**
     * Page activities one orchestration's history holds at most: Azure replays a whole history on every episode, so a
     * table's pages past this go to sub-orchestrations of this many (src/orchestrators/page-fan-out.ts).
     */
    pagesPerOrchestration: 1000,
} as const;

/** Natural keys used to match reference (not copied) tables in the target, in order of preference. */
export const DEFAULT_REFERENCE_MATCH: Readonly<Record<string, readonly string[]>> = {
    // Entra object ids match only within one tenant; across tenants they never collide, so trying them first is safe.
    systemuser: ['azureactivedirectoryobjectid', 'domainname', 'internalemailaddress', 'fullname'],
    team: ['name'],
    businessunit: ['name'],
    // Security roles are solution components, never copied as rows; each business unit has its own copy of each
    // role under the same name, so a role matches by name within the business unit its own matches (plan/build.ts).
    role: ['name'],
    transactioncurrency: ['isocurrencycode'],
    organization: ['name'],
};
