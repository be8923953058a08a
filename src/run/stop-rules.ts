/**
 * When a run stops early, and what it says: a cancel request, failed rows past the spec's thresholds,
 * deletes past the safety share, a crash. Pure functions of the counts so far: the run orchestrator
 * applies them at tier and phase boundaries (they are deterministic, so replay decides the same).
 */
import type { RunStatus } from '../runlog/types.js';
import type { PhaseCounts } from './outcomes.js';
import { addRequests, type SideRequests } from './outcomes.js';
import { copiedRows, failedRows, tableRequests, type DeleteRefusal, type TableSummary } from './summary.js';

export interface Stop {
    status: RunStatus;
    reason: string;
    /** The orchestration failed rather than stopping at a boundary: nothing it did counts as finished. */
    crashed?: true;
}

/** The thresholds of a run's spec (options.maxFailedRows, options.maxFailureRatio). */
export interface FailureLimits {
    maxFailedRows?: number;
    maxFailureRatio?: number;
    /** Failed rows a continued run had already reported when it stopped: only failures beyond them count. */
    acknowledgedFailedRows?: number;
    /** Requests the run may send to each environment (options.maxRequests). */
    maxRequests?: number;
}

/** A share as a percentage with one decimal: 0.1234 -> "12.3%". */
export function percent(share: number): string {
    return `${Math.round(share * 1000) / 10}%`;
}

export const CANCELLED: Stop = { status: 'cancelled', reason: 'cancelled on request: stopped at a page boundary' };

/** Stops after a tier or phase when a cancel came in or the failed rows passed a threshold of the spec. */
export function stopAfterPhase(
    cancelled: boolean,
    limits: FailureLimits,
    tables: Record<string, TableSummary>,
    manyToMany: Record<string, PhaseCounts>,
    disassociated: Record<string, PhaseCounts> = {},
): Stop | undefined {
    if (cancelled) return CANCELLED;
    const overCap = requestCapStop(limits.maxRequests, tables, manyToMany, disassociated);
    if (overCap) return overCap;
    const failed = Math.max(0, failedRows(tables, manyToMany, disassociated) - (limits.acknowledgedFailedRows ?? 0));
    if (limits.maxFailedRows !== undefined && failed > limits.maxFailedRows)
        return {
            status: 'failed',
            reason: `stopped: ${failed} failed rows, more than maxFailedRows ${limits.maxFailedRows}`,
        };
    const read = copiedRows(tables);
    if (limits.maxFailureRatio !== undefined && read > 0 && failed / read > limits.maxFailureRatio)
        return {
            status: 'failed',
            reason: `stopped: ${failed} of ${read} rows failed (${percent(failed / read)}), more than maxFailureRatio ${percent(limits.maxFailureRatio)}`,
        };
    return undefined;
}

/**
 * Past options.maxRequests: the tables' and relationships' requests so far (the plan's few are not counted), per
 * environment. Checked at a boundary, where every page before it finished, so a resume or a later run goes on from
 * there (every write is an idempotent upsert).
 */
function requestCapStop(
    cap: number | undefined,
    tables: Record<string, TableSummary>,
    manyToMany: Record<string, PhaseCounts>,
    disassociated: Record<string, PhaseCounts>,
): Stop | undefined {
    if (cap === undefined) return undefined;
    let sent: SideRequests | undefined;
    for (const t of Object.values(tables)) sent = addRequests(sent, tableRequests(t));
    for (const c of [...Object.values(manyToMany), ...Object.values(disassociated)])
        sent = addRequests(sent, c.requests);
    for (const side of ['source', 'target'] as const) {
        const n = (sent?.[side]?.reads ?? 0) + (sent?.[side]?.writes ?? 0);
        if (n > cap)
            return {
                status: 'failed',
                reason: `stopped: ${n} requests sent to the ${side}, more than options.maxRequests ${cap}; every page before this boundary finished (raise the cap and run again)`,
            };
    }
    return undefined;
}

/** Delete candidates of one table (or the pairs of one relationship), as finding them reported. */
export interface DeleteCandidates {
    table: string;
    wouldDelete: number;
    targetRows: number;
}

/** The tables whose deletes would pass the safety share (a table with no candidates never does). */
export function deleteRefusals(found: readonly DeleteCandidates[], maxShare: number): DeleteRefusal[] {
    return found
        .filter((f) => f.wouldDelete > 0 && f.wouldDelete > maxShare * f.targetRows)
        .map((f) => ({ table: f.table, wouldDelete: f.wouldDelete, targetRows: f.targetRows, maxShare }));
}

/** The stop for refused deletes: every table named, nothing deleted, and what to change to allow it. */
export function refusedDeletesStop(refusals: readonly DeleteRefusal[], maxShare: number): Stop {
    const detail = refusals
        .map(
            (r) =>
                `${r.table} would lose ${r.wouldDelete} of ${r.targetRows} rows (${percent(r.wouldDelete / Math.max(1, r.targetRows))})`,
        )
        .join('; ');
    return {
        status: 'failed',
        reason: `refused to delete: ${detail}, more than maxDeleteShare ${percent(maxShare)}; nothing was deleted (raise options.maxDeleteShare to allow it)`,
    };
}

/** A run that crashed (an activity failed after its retries, or a bug): the first line of the error only. */
export function crashStop(error: unknown): Stop {
    const message = error instanceof Error ? error.message : String(error);
    const first = message.split('\n', 1)[0]!.trim();
    return { status: 'failed', reason: `the run failed: ${first}`, crashed: true };
}
