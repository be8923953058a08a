/**
 * The requests a run is expected to send to each environment, per table, from its estimated rows and pages (a first
 * run into an empty target; a refresh that finds little changed sends fewer writes). One request is one HTTP request,
 * as the run counts them (src/dataverse/request-tally.ts): a bulk chunk or a `$batch` is one. Per table:
 * - source: the key walk (one read a page) and the page reads (one a page); content columns: one read a page that
 *   tells which rows hold content (src/copy/content-presence.ts);
 * - target: one read a page (the rows already there), one write per chunk of `writeBatchSize` rows; a table with
 *   deferred lookups reads and writes again per page and chunk; a table with state columns reads once a page and
 *   writes once a page (its inactive rows, one `$batch`); content columns: one read a page, as on the source.
 *   The transfers themselves (an Initialize, a block or more, a commit per piece of content) are left out: which rows
 *   hold content is known only once the pages are read, and most rows of most tables hold none.
 * The plan's own reads (metadata, counts, the preflight) are a fixed share per table. Measured against a run on the
 * simulator (test/integration/run-requests.test.ts) it stays within a factor of 2 of what the run sent.
 */
import type { Plan, PlanEstimates } from './types.js';

export interface RequestEstimate {
    source: number;
    target: number;
}

/** Per table, and in all (the plan's reads included); tables whose rows are unknown are left out and named. */
export interface RequestEstimates {
    tables: Record<string, RequestEstimate>;
    total: RequestEstimate;
    unknown: string[];
}

/**
 * The requests before and beside the pages, per environment: metadata, privileges, roles, counts, reference matching
 * (users, teams, currencies), bulk probes; the run plans again as it starts. Measured on the simulator with two crm
 * tables: about 86 a side beyond the tables' own, so about 60 fixed and 12 per table.
 */
const PLAN_PER_TABLE = 12;
const PLAN_FIXED = 60;

export function estimateRequests(plan: Plan, estimates: PlanEstimates): RequestEstimates {
    const { writeBatchSize } = plan.options;
    const names = Object.keys(plan.tables);
    const planned = PLAN_FIXED + PLAN_PER_TABLE * names.length;
    const result: RequestEstimates = { tables: {}, total: { source: planned, target: planned }, unknown: [] };
    for (const name of names) {
        const table = plan.tables[name]!;
        const estimate = estimates[name];
        if (!estimate || estimate.rows === null || estimate.pages === null) {
            result.unknown.push(name);
            continue;
        }
        const { rows, pages } = estimate;
        const chunks = Math.max(pages, Math.ceil(rows / writeBatchSize));
        const content = table.content?.length ?? 0;
        let source = 2 * pages;
        let target = pages + chunks;
        if (table.deferred.length > 0) target += pages + chunks;
        if (table.state) target += 2 * pages;
        if (content > 0) {
            source += pages;
            target += pages;
        }
        result.tables[name] = { source, target };
        result.total.source += source;
        result.total.target += target;
    }
    return result;
}
