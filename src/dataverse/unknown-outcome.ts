/**
 * Which failures leave the outcome of a write unknown: the request went out, and no answer says whether the service
 * applied it (a 500, 502 or 504, which the service also sends after a write committed; a connection reset or hang-up;
 * a timeout). A write that must not be applied twice (a create carrying create-only columns, a state message, an
 * association) is never sent again after one of these: the caller reads the target and decides again. 429, 401 and
 * 503 say the service did not take the request, so sending it again is safe; so does the service's own 500 for a SQL
 * timeout or a deadlock (sql-errors.ts), which says it rolled the write back.
 */
import { isRolledBackWrite } from './sql-errors.js';

/** Statuses that may come after the work was done (a `$batch` part's too). */
const UNKNOWN_OUTCOME_STATUSES = new Set([500, 502, 504]);

export function isUnknownOutcomeStatus(status: number): boolean {
    return UNKNOWN_OUTCOME_STATUSES.has(status);
}

/** A DataverseError (or a retry decision's error) after which the service may or may not have applied the write. */
export function isUnknownOutcome(error: { kind: string; status: number }): boolean {
    if (error.kind === 'timeout') return true;
    if (error.kind !== 'transient' || isRolledBackWrite(error)) return false;
    // Status 0: the connection broke after the request was sent (reset, hang-up).
    return error.status === 0 || isUnknownOutcomeStatus(error.status);
}
