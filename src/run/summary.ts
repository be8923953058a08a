/**
 * The run summary (`runs/{runId}/summary.json`): per table and phase, rows read, written, skipped and
 * failed (always adding up), the many-to-many relationships, deletes (or why they were refused), the
 * time taken, and where the logs are. The orchestrator adds up the activity outcomes; the finish
 * step writes this document and is its only writer.
 */
import type { PlanIssue } from '../plan/types.js';
import type { RunStatus } from '../runlog/types.js';
import type { TableMode } from './sync-state.js';
import { emptyCounts, addCounts, type PhaseCounts } from './outcomes.js';

export interface TableSummary {
    mode: TableMode;
    fallback?: string;
    pages: number;
    copy: PhaseCounts;
    deferred: PhaseCounts;
    state: PhaseCounts;
    delete: PhaseCounts;
    /** From the table's first page to its last, copy phase only. */
    ms: number;
    /** The copy phase of this table ran to its end. */
    completed: boolean;
}

export interface DeleteRefusal {
    table: string;
    wouldDelete: number;
    targetRows: number;
    maxShare: number;
}

export interface RunSummary {
    runId: string;
    spec: string;
    status: RunStatus;
    /** Why the run stopped early or failed (failure threshold, refused deletes, cancel, a crash). */
    reason?: string;
    trigger: string;
    source: string;
    target: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    tables: Record<string, TableSummary>;
    manyToMany: Record<string, PhaseCounts>;
    totals: { read: number; written: number; skipped: number; failed: number };
    refusedDeletes?: DeleteRefusal[];
    problems?: PlanIssue[];
    warnings?: number;
    log: { location: string; events: string; errors: string[] };
}

export function emptyTableSummary(mode: TableMode): TableSummary {
    return {
        mode,
        pages: 0,
        copy: emptyCounts(),
        deferred: emptyCounts(),
        state: emptyCounts(),
        delete: emptyCounts(),
        ms: 0,
        completed: false,
    };
}

/** Failed rows of every phase of every table and relationship. */
export function failedRows(tables: Record<string, TableSummary>, manyToMany: Record<string, PhaseCounts>): number {
    let failed = 0;
    for (const t of Object.values(tables))
        failed += t.copy.failed + t.deferred.failed + t.state.failed + t.delete.failed;
    for (const m of Object.values(manyToMany)) failed += m.failed;
    return failed;
}

/** Source rows read by the copy phase (the base of maxFailureRatio). */
export function copiedRows(tables: Record<string, TableSummary>): number {
    return Object.values(tables).reduce((n, t) => n + t.copy.read, 0);
}

export function totalsOf(
    tables: Record<string, TableSummary>,
    manyToMany: Record<string, PhaseCounts>,
): RunSummary['totals'] {
    let sum = emptyCounts();
    for (const t of Object.values(tables)) sum = addCounts(sum, t.copy);
    return { read: sum.read, written: sum.written, skipped: sum.skipped, failed: failedRows(tables, manyToMany) };
}
