/**
 * E-mails whose source status is Pending Send (6) or Sending (7) would be sent by the target's server-side sync if
 * copied with it (research W6; the email table reference lists both under Completed): the state phase never writes
 * them (copy/state-machines.ts `neverWritten`), so such an e-mail stays a Draft, as a create leaves it. The plan says
 * so up front; the run reports each e-mail and how many (set-state-page.ts).
 */
import type { PlanContext, RunTable } from './context.js';
import { tablePath } from './context.js';

/** The target tables whose sending statuses are never written. */
const SENDING_TABLES = new Set(['email']);

export function sendingStatusWarning(ctx: PlanContext, run: RunTable, copiesState: boolean): void {
    if (!copiesState || !SENDING_TABLES.has(run.target.logicalName)) return;
    ctx.warnings.push({
        path: tablePath(run),
        table: run.spec.name,
        message: `'${run.spec.name}': e-mails in Pending Send or Sending are copied as Draft, never with that status (the target's server-side sync would send them); the run names each and how many`,
    });
}
