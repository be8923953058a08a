/** The failed-rows CSV of a run (`runs/{runId}/errors/{table}.csv`): its columns, in one place. */
import { runPaths } from './layout.js';
import type { RunStore } from './types.js';

export const FAILED_ROW_HEADER = ['table', 'sourceId', 'phase', 'errorCode', 'message'] as const;

/** One row that ended failed (DESIGN principle 5): which row, in which phase, and what Dataverse said. */
export interface FailedRow {
    table: string;
    /** The source row's primary id (or the intersect row's two ids). */
    sourceId: string;
    /** `copy`, `deferred`, `state`, `manyToMany`, `delete`. */
    phase: string;
    /** Dataverse error code (e.g. `0x80040237`), or ours for rows refused before any request. */
    errorCode: string;
    message: string;
}

/** Appends failed rows of one table to the run's error CSV (creates it with BOM and header). */
export function appendFailedRows(
    store: RunStore,
    runId: string,
    table: string,
    rows: readonly FailedRow[],
): Promise<void> {
    const records = rows.map((row) => FAILED_ROW_HEADER.map((column) => row[column]));
    return store.appendCsv(runPaths(runId).errors(table), FAILED_ROW_HEADER, records);
}
