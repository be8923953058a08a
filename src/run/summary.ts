/**
 * The run summary (`runs/{runId}/summary.json`): per table and phase, rows read, written, skipped and
 * failed (always adding up), the many-to-many relationships, deletes (or why they were refused), the
 * time taken, and where the logs are. The orchestrator adds up the activity outcomes; the finish
 * step writes this document and is its only writer.
 */
import { z } from 'zod';
import type { PlanIssue } from '../plan/types.js';
import { RUN_STATUSES, type RunStatus } from '../runlog/types.js';
import type { CancelRequest } from './cancel.js';
import { TABLE_MODES, type TableMode } from './sync-state.js';
import {
    emptyCounts,
    addCounts,
    addRequests,
    phaseCountsSchema,
    sideRequestsSchema,
    type PhaseCounts,
    type SideRequests,
} from './outcomes.js';

/**
 * The phases of one table that ran to their end in this run. A phase the table had no work in counts as done once
 * the run reached it; a phase the run stopped before (a threshold, a cancel, a crash), a cancelled one and refused
 * deletes do not. `findDeletes` and `delete` are there only for tables with deleteMissing, `manyToMany` only for
 * tables on a side of one of the run's many-to-many relationships.
 */
export const tablePhasesDoneSchema = z.object({
    copy: z.boolean(),
    deferred: z.boolean(),
    state: z.boolean(),
    /** Tables with content columns only: their content phase ran to its end. */
    content: z.boolean().optional(),
    findDeletes: z.boolean().optional(),
    delete: z.boolean().optional(),
    /** Every many-to-many relationship with this table on a side finished without failed rows. */
    manyToMany: z.boolean().optional(),
});

export const tableSummarySchema = z.object({
    mode: z.enum(TABLE_MODES),
    fallback: z.string().optional(),
    pages: z.number().int().min(0),
    copy: phaseCountsSchema,
    deferred: phaseCountsSchema,
    state: phaseCountsSchema,
    /** Tables with content columns: rows whose content was compared, bytes read and written. */
    content: phaseCountsSchema.optional(),
    delete: phaseCountsSchema,
    /** From the table's first page to its last, copy phase only. */
    ms: z.number(),
    /** The copy phase of this table ran to its end. */
    completed: z.boolean(),
    done: tablePhasesDoneSchema,
});

export const deleteRefusalSchema = z.object({
    table: z.string(),
    wouldDelete: z.number(),
    targetRows: z.number(),
    maxShare: z.number(),
});

const planIssueSchema = z.object({
    path: z.string().optional(),
    table: z.string().optional(),
    column: z.string().optional(),
    columns: z.array(z.string()).optional(),
    message: z.string(),
    routine: z.boolean().optional(),
}) satisfies z.ZodType<PlanIssue>;

/** The summary as the orchestrator hands it to the finish activity (which adds where the logs are). */
export const finishedRunSchema = z.object({
    runId: z.string(),
    spec: z.string(),
    status: z.enum(RUN_STATUSES),
    /** Why the run stopped early or failed (failure threshold, refused deletes, cancel, a crash). */
    reason: z.string().optional(),
    /** The orchestration failed (an activity failed past its retries): no incremental state is committed. */
    crashed: z.literal(true).optional(),
    trigger: z.string(),
    /** Who asked for the run, when a caller of the API did. */
    requestedBy: z.string().optional(),
    source: z.string(),
    target: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    durationMs: z.number(),
    tables: z.record(z.string(), tableSummarySchema),
    manyToMany: z.record(z.string(), phaseCountsSchema),
    /** Relationships with deleteMissing: target pairs the source no longer has, disassociated. */
    disassociated: z.record(z.string(), phaseCountsSchema).optional(),
    /** The source rows of the copy phase: read = written + skipped + failed. */
    totals: z.object({ read: z.number(), written: z.number(), skipped: z.number(), failed: z.number() }),
    /** Every phase summed over the tables (and relationships), each adding up the same way. */
    phases: z.object({
        copy: phaseCountsSchema,
        deferred: phaseCountsSchema,
        state: phaseCountsSchema,
        associate: phaseCountsSchema,
        delete: phaseCountsSchema,
        /** Absent in summaries written before relationships could be synced. */
        disassociate: phaseCountsSchema.optional(),
        /** Binary content (files, images, note bodies), bytes included; absent when no table had any. */
        content: phaseCountsSchema.optional(),
    }),
    /** Failed rows of every phase: the lines of the errors log, what maxFailedRows counts. */
    failedRows: z.number(),
    refusedDeletes: z.array(deleteRefusalSchema).optional(),
    /** Tables (and relationships) with deleteMissing whose delete phase did not run, and why (an incomplete view). */
    skippedDeletes: z.array(z.object({ table: z.string(), reason: z.string() })).optional(),
    problems: z.array(planIssueSchema).optional(),
    warnings: z.number().optional(),
    /**
     * Requests sent to each environment: the plan's and every phase's (each table's are in its phases' counts).
     * Absent in summaries written before requests were counted.
     */
    requests: sideRequestsSchema.optional(),
});

export type TableSummary = z.infer<typeof tableSummarySchema>;
export type TablePhasesDone = z.infer<typeof tablePhasesDoneSchema>;
export type DeleteRefusal = z.infer<typeof deleteRefusalSchema>;
export type FinishedRun = z.infer<typeof finishedRunSchema>;

export interface RunSummary extends FinishedRun {
    log: { location: string; events: string; errors: string[] };
    /** Columns this run found the target's own logic rewriting (run/platform-owned.ts), one line each. */
    platformOwned?: Array<{ table: string; column: string; sourceId: string; message: string }>;
    /** A cancelled run: who asked, why and when (the finish activity reads the request). */
    cancel?: CancelRequest;
}

/** A table's summary before any phase ran; with deleteMissing its delete phases are owed too, and so on. */
export function emptyTableSummary(
    mode: TableMode,
    owes: { deleteMissing?: boolean; manyToMany?: boolean; content?: boolean } = {},
): TableSummary {
    return {
        mode,
        pages: 0,
        copy: emptyCounts(),
        deferred: emptyCounts(),
        state: emptyCounts(),
        delete: emptyCounts(),
        ms: 0,
        completed: false,
        done: {
            copy: false,
            deferred: false,
            state: false,
            ...(owes.content ? { content: false } : {}),
            ...(owes.deleteMissing ? { findDeletes: false, delete: false } : {}),
            ...(owes.manyToMany ? { manyToMany: false } : {}),
        },
    };
}

/** Failed rows of one table, every phase. */
export function tableFailedRows(t: TableSummary): number {
    return t.copy.failed + t.deferred.failed + t.state.failed + (t.content?.failed ?? 0) + t.delete.failed;
}

/**
 * Whether the target holds everything this run read of the table: every phase it owes ran to its end, and no row
 * failed. Only then may its incremental state advance.
 */
export function tableSynced(t: TableSummary): boolean {
    return Object.values(t.done).every((done) => done === true) && tableFailedRows(t) === 0;
}

/** Why a table's incremental state does not advance (its first unfinished phase, or its failed rows). */
export function notSyncedReason(t: TableSummary): string {
    const phase = Object.entries(t.done).find(([, done]) => done !== true)?.[0];
    if (phase === 'manyToMany') return 'a many-to-many relationship of it did not finish or had failed rows';
    if (phase !== undefined) return `its ${phase === 'findDeletes' ? 'find-deletes' : phase} phase did not finish`;
    return `${tableFailedRows(t)} rows failed`;
}

/** Failed rows of every phase of every table and relationship. */
export function failedRows(
    tables: Record<string, TableSummary>,
    manyToMany: Record<string, PhaseCounts>,
    disassociated: Record<string, PhaseCounts> = {},
): number {
    let failed = 0;
    for (const d of Object.values(disassociated)) failed += d.failed;
    for (const t of Object.values(tables)) failed += tableFailedRows(t);
    for (const m of Object.values(manyToMany)) failed += m.failed;
    return failed;
}

/** Source rows read by the copy phase (the base of maxFailureRatio). */
export function copiedRows(tables: Record<string, TableSummary>): number {
    return Object.values(tables).reduce((n, t) => n + t.copy.read, 0);
}

/** Each phase summed over the tables and relationships. */
export function phaseTotals(
    tables: Record<string, TableSummary>,
    manyToMany: Record<string, PhaseCounts>,
    disassociated: Record<string, PhaseCounts> = {},
): FinishedRun['phases'] {
    const list = Object.values(tables);
    const sum = (pick: (t: TableSummary) => PhaseCounts) => list.map(pick).reduce(addCounts, emptyCounts());
    return {
        copy: sum((t) => t.copy),
        deferred: sum((t) => t.deferred),
        state: sum((t) => t.state),
        associate: Object.values(manyToMany).reduce(addCounts, emptyCounts()),
        delete: sum((t) => t.delete),
        disassociate: Object.values(disassociated).reduce(addCounts, emptyCounts()),
        ...(list.some((t) => t.content) ? { content: sum((t) => t.content ?? emptyCounts()) } : {}),
    };
}

/** Requests of one table, every phase (listings included). */
export function tableRequests(t: TableSummary): SideRequests | undefined {
    return [t.copy, t.deferred, t.state, t.content, t.delete].reduce<SideRequests | undefined>(
        (sum, counts) => addRequests(sum, counts?.requests),
        undefined,
    );
}

/** Requests of the whole run: the plan's and those of every phase. */
export function runRequests(
    planned: SideRequests | undefined,
    phases: FinishedRun['phases'],
): SideRequests | undefined {
    return Object.values(phases).reduce<SideRequests | undefined>(
        (sum, counts) => addRequests(sum, counts?.requests),
        planned,
    );
}

/** What the run orchestrator knows when it finishes, whatever stopped it. */
export interface RunEnding {
    runId: string;
    trigger: string;
    requestedBy?: string;
    startedAt: Date;
    finishedAt: Date;
    /** From the plan activity, when it got that far. */
    plan?: {
        spec: string;
        source: string;
        target: string;
        problems: PlanIssue[];
        warnings: number;
        skippedDeletes?: Array<{ table: string; reason: string }>;
        /** The plan activity's requests (metadata, counts, the preflight). */
        requests?: SideRequests;
    };
    tables: Record<string, TableSummary>;
    manyToMany: Record<string, PhaseCounts>;
    /** Relationships with deleteMissing whose pairs were disassociated. */
    disassociated?: Record<string, PhaseCounts>;
    /** Why it stopped early (cancel, threshold, refused deletes, crash), if it did. */
    stop?: { status: RunStatus; reason: string; crashed?: true };
    refusedDeletes?: DeleteRefusal[];
}

/** The summary of a run: a stop decides its status, otherwise failed rows do; the counts always add up. */
export function finishedRun(ending: RunEnding): FinishedRun {
    const { plan, stop } = ending;
    const disassociated = ending.disassociated ?? {};
    const failed = failedRows(ending.tables, ending.manyToMany, disassociated);
    const phases = phaseTotals(ending.tables, ending.manyToMany, disassociated);
    const requests = runRequests(plan?.requests, phases);
    const status: RunStatus = stop?.status ?? (failed > 0 ? 'failed' : 'succeeded');
    const reason = stop?.reason ?? (failed > 0 ? `${failed} rows failed; see the errors log` : undefined);
    return {
        runId: ending.runId,
        spec: plan?.spec ?? 'unknown',
        status,
        ...(reason !== undefined ? { reason } : {}),
        ...(stop?.crashed ? { crashed: true as const } : {}),
        trigger: ending.trigger,
        ...(ending.requestedBy !== undefined ? { requestedBy: ending.requestedBy } : {}),
        source: plan?.source ?? '',
        target: plan?.target ?? '',
        startedAt: ending.startedAt.toISOString(),
        finishedAt: ending.finishedAt.toISOString(),
        durationMs: ending.finishedAt.getTime() - ending.startedAt.getTime(),
        tables: ending.tables,
        manyToMany: ending.manyToMany,
        ...(Object.keys(disassociated).length > 0 ? { disassociated } : {}),
        totals: {
            read: phases.copy.read,
            written: phases.copy.written,
            skipped: phases.copy.skipped,
            failed: phases.copy.failed,
        },
        phases,
        failedRows: failed,
        ...(ending.refusedDeletes ? { refusedDeletes: ending.refusedDeletes } : {}),
        ...(plan?.skippedDeletes?.length ? { skippedDeletes: plan.skippedDeletes } : {}),
        ...(plan && plan.problems.length > 0 ? { problems: plan.problems } : {}),
        ...(plan ? { warnings: plan.warnings } : {}),
        ...(requests ? { requests } : {}),
    };
}
