/**
 * Row and page estimates for `plan`, from the service's cheap counts instead of a walk of every key (which took an
 * hour on a 10-million-row table): one RetrieveTotalRecordCount request for the totals of every run table (a
 * snapshot up to 24 hours old), and one `$count` per filtered table (exact up to 5,000 rows, bounded by the table's
 * total above that). A count the service will not give leaves the table's rows unknown with a warning: the run lists
 * its exact pages anyway, so an estimate is never a reason to stop. Only a filter the service rejects is a problem,
 * because the run would fail on it too.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { isDataverseError } from '../dataverse/errors.js';
import {
    COUNT_LIMIT,
    countMatchingRows,
    retrieveTotalRecordCounts,
    type FilteredCount,
} from '../dataverse/record-counts.js';
import type { MigrationSpec } from '../spec/index.js';
import type { Plan, PlanEstimates, PlanIssue, TableEstimate } from './types.js';

export interface EstimateResult {
    estimates: PlanEstimates;
    warnings: PlanIssue[];
    problems: PlanIssue[];
}

/** What is known of one table's rows; `filtered` only for a table with a filter whose `$count` answered. */
export interface CountInputs {
    filter: boolean;
    /** The table's total from the snapshot, when the service gave it. */
    total?: number;
    filtered?: FilteredCount;
}

/** Pages the run will list for `rows` rows: at least one, as it lists an open-ended page even for an empty table. */
export function pagesFor(rows: number, pageSize: number): number {
    return Math.max(1, Math.ceil(rows / pageSize));
}

/** One table's estimate from its counts (pure). */
export function tableEstimate(inputs: CountInputs, pageSize: number): TableEstimate {
    const known = (rows: number, exact: boolean, basis: TableEstimate['basis']): TableEstimate => ({
        rows,
        pages: pagesFor(rows, pageSize),
        estimate: true,
        exact,
        basis,
    });
    if (!inputs.filter) {
        return inputs.total === undefined ? unknownEstimate() : known(inputs.total, false, 'snapshot');
    }
    const filtered = inputs.filtered;
    if (!filtered) return unknownEstimate();
    if (!filtered.limitExceeded) return known(filtered.count, true, 'count');
    // Past the limit the filter's share is unknown: the table's total bounds it, when the snapshot is above the limit
    // (a smaller total is a stale snapshot, no bound at all).
    const total = inputs.total;
    if (total === undefined || total <= COUNT_LIMIT) {
        return { rows: null, pages: null, estimate: true, exact: false, basis: 'count', moreThan: COUNT_LIMIT };
    }
    return { ...known(total, false, 'count'), moreThan: COUNT_LIMIT };
}

function unknownEstimate(): TableEstimate {
    return { rows: null, pages: null, estimate: true, exact: false, basis: 'unknown' };
}

export async function estimateRows(
    spec: MigrationSpec,
    plan: Plan,
    client: DataverseClient,
    options: { signal?: AbortSignal } = {},
): Promise<EstimateResult> {
    const signal = options.signal ? { signal: options.signal } : {};
    const tables = Object.values(plan.tables);
    const result: EstimateResult = { estimates: {}, warnings: [], problems: [] };
    if (tables.length === 0) return result;

    const [totals, ...counts] = await Promise.allSettled([
        retrieveTotalRecordCounts(
            client,
            tables.map((t) => t.source.logicalName),
            signal,
        ),
        ...tables.map((t) =>
            t.filter === undefined ? Promise.resolve(undefined) : countMatchingRows(client, t.source, t.filter, signal),
        ),
    ]);
    rethrowAbort(totals, options.signal);
    counts.forEach((c) => rethrowAbort(c, options.signal));

    if (totals.status === 'rejected') {
        result.warnings.push({
            message: `row estimates: the source did not answer RetrieveTotalRecordCount (${describe(totals.reason)}); rows and pages of tables without a filter are unknown, and the run lists the exact pages`,
        });
    }
    tables.forEach((table, i) => {
        const index = spec.tables.findIndex((t) => t.name === table.name);
        const at = index >= 0 ? `tables[${index}]` : undefined;
        const counted = counts[i];
        if (counted?.status === 'rejected') {
            const error: unknown = counted.reason;
            if (isDataverseError(error) && error.status === 400) {
                // The filter's fault: the run would fail on it too.
                result.problems.push({
                    ...(at ? { path: `${at}.filter` } : {}),
                    table: table.name,
                    message: `the source rejected the filter '${table.filter ?? ''}': ${error.serviceMessage}`,
                });
                return;
            }
            result.warnings.push({
                ...(at ? { path: at } : {}),
                table: table.name,
                message: `row estimate of '${table.name}': the source did not count its filtered rows (${describe(error)}); its rows and pages are unknown`,
            });
        }
        const total = totals.status === 'fulfilled' ? totals.value.get(table.source.logicalName) : undefined;
        const filtered = counted?.status === 'fulfilled' ? counted.value : undefined;
        result.estimates[table.name] = tableEstimate(
            {
                filter: table.filter !== undefined,
                ...(total !== undefined ? { total } : {}),
                ...(filtered ? { filtered } : {}),
            },
            plan.options.pageSize,
        );
    });
    return result;
}

/** A stopped plan (Ctrl-C, the caller's budget) stops here rather than passing as an unknown count. */
function rethrowAbort(settled: PromiseSettledResult<unknown>, signal: AbortSignal | undefined): void {
    if (settled.status !== 'rejected') return;
    const error: unknown = settled.reason;
    if (signal?.aborted || (isDataverseError(error) && error.kind === 'aborted')) throw error;
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
