/**
 * `plan --exact`: rows and pages counted by walking every primary key of every run table, as the run's listPages
 * does (one request per 5,000 rows: minutes on millions of rows). Opt-in; `plan` estimates from the service's counts.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { isDataverseError } from '../dataverse/errors.js';
import type { MigrationSpec } from '../spec/index.js';
import { pageBoundaries } from './pages.js';
import type { Plan, PlanEstimates, PlanIssue } from './types.js';

export interface KeyWalkProgress {
    /** A table's key walk advanced (rows seen so far; total unknown until done). */
    keys?(table: string, rows: number, done: boolean): void;
}

export async function countByKeys(
    spec: MigrationSpec,
    plan: Plan,
    client: DataverseClient,
    options: { progress?: KeyWalkProgress; signal?: AbortSignal } = {},
): Promise<{ estimates: PlanEstimates; problems: PlanIssue[] }> {
    const { progress, signal } = options;
    const estimates: PlanEstimates = {};
    const problems: PlanIssue[] = [];
    const tables = Object.values(plan.tables);
    const walks = tables.map(async (table) => {
        const counting = countingClient(client, (rows) => progress?.keys?.(table.name, rows, false));
        const boundaries = await pageBoundaries(
            counting,
            { entitySetName: table.source.entitySetName, primaryId: table.source.primaryId },
            plan.options.pageSize,
            table.filter,
            signal ? { signal } : {},
        );
        progress?.keys?.(table.name, boundaries.rowCount, true);
        estimates[table.name] = {
            rows: boundaries.rowCount,
            pages: boundaries.ranges.length,
            estimate: false,
            exact: true,
            basis: 'keys',
        };
    });
    const results = await Promise.allSettled(walks);
    for (const [i, result] of results.entries()) {
        const table = tables[i];
        if (result.status === 'fulfilled' || !table) continue;
        const error: unknown = result.reason;
        const message = error instanceof Error ? error.message : String(error);
        // A 400 on a filtered walk is the user's filter: point at it.
        const index = spec.tables.findIndex((t) => t.name === table.name);
        const badFilter = table.filter !== undefined && isDataverseError(error) && error.status === 400;
        problems.push({
            ...(index >= 0 ? { path: `tables[${index}]${badFilter ? '.filter' : ''}` } : {}),
            table: table.name,
            message: badFilter
                ? `the source rejected the filter '${table.filter}': ${error.serviceMessage}`
                : `cannot walk the keys of source table '${table.name}': ${message}`,
        });
    }
    return { estimates, problems };
}

/** Wraps a client so each page read during a key walk reports the running row count. */
function countingClient(client: DataverseClient, onRows: (rows: number) => void): DataverseClient {
    return {
        url: client.url,
        get: (path, options) => client.get(path, options),
        whoAmI: () => client.whoAmI(),
        async *queryPages(entitySetName, query, options) {
            let rows = 0;
            for await (const page of client.queryPages(entitySetName, query, options)) {
                rows += page.length;
                onRows(rows);
                yield page;
            }
        },
    };
}
