/**
 * Rows the copy must change whose target row is in a read-only state (a won opportunity, an active or closed quote, a
 * resolved case, a closed order): the service refuses their update ("The entity cannot be updated because it is
 * read-only."), so without this a refresh would fail them on every run. Where the table reopens (state-machines.ts),
 * the row is reopened by an update of statecode to the state a create leaves, then written as decided, and the state
 * phase closes it again with the source's state and close values. Where it does not (orders), or where the run does not
 * copy the state (a reopened row would stay open), the row is left as it is and reported once per run.
 */
import type { DataverseWriteClient, Row, UpsertMultipleOptions } from '../dataverse/client-types.js';
import { addressPath } from './row-plan.js';
import type { TablePlan } from '../plan/types.js';
import type { PlannedRow } from './page-writes.js';
import { stateRequest } from './state-messages.js';
import { CLOSED_IN_TARGET, closedReason, readOnlyKind } from './state-machines.js';

export interface ClosedRows {
    /** Reopened: to write as decided, then closed again by the state phase (their decision carries the state). */
    reopened: PlannedRow[];
    /** Left as they are, with the report's code and reason (skipped, not failed). */
    left: Array<{ row: PlannedRow; code: string; message: string }>;
    /** The reopen was refused: the row fails with the service's answer. */
    failed: Array<{ row: PlannedRow; status?: number; code?: string; message: string }>;
}

/** Whether the decision writes the existing row (changed columns, or deferred lookups patched later). */
const writesExisting = (row: PlannedRow) =>
    row.decision.action === 'update' || (row.decision.action === 'none' && row.decision.deferred !== undefined);

function closedState(table: TablePlan, target: Row | undefined): { state: number; status: number } | undefined {
    const columns = table.state;
    if (!columns || !target) return undefined;
    const state = target[columns.targetStateColumn];
    const status = target[columns.targetStatusColumn];
    if (typeof state !== 'number' || typeof status !== 'number') return undefined;
    return readOnlyKind(table.target.logicalName, state) ? { state, status } : undefined;
}

/** The rows among `rows` that write a closed target row (`targetOf` gives the target row read for each). */
export function closedTargets(
    table: TablePlan,
    rows: readonly PlannedRow[],
    targetOf: (row: PlannedRow) => Row | undefined,
): PlannedRow[] {
    return rows.filter((row) => writesExisting(row) && closedState(table, targetOf(row)) !== undefined);
}

/** Reopens what can be reopened (one `$batch`), and says which rows are left and which failed. */
export async function openClosedRows(
    table: TablePlan,
    rows: readonly PlannedRow[],
    targetOf: (row: PlannedRow) => Row | undefined,
    client: DataverseWriteClient,
    options: UpsertMultipleOptions,
): Promise<ClosedRows> {
    const outcome: ClosedRows = { reopened: [], left: [], failed: [] };
    const open = table.state?.created;
    const toOpen: PlannedRow[] = [];
    for (const row of rows) {
        const current = closedState(table, targetOf(row))!;
        if (readOnlyKind(table.target.logicalName, current.state) === 'final') {
            outcome.left.push({
                row,
                code: CLOSED_IN_TARGET,
                message: closedReason(table.target.logicalName, current.state),
            });
        } else if (!open || !row.expected.state) {
            outcome.left.push({
                row,
                code: CLOSED_IN_TARGET,
                message: `the target ${table.target.logicalName} is closed (statecode ${current.state}) and this run does not copy its state, so it is not reopened`,
            });
        } else toOpen.push(row);
    }
    if (toOpen.length === 0) return outcome;
    const state = table.state!;
    const answers = await client.batchWrites(
        toOpen.map((row) =>
            stateRequest(
                {
                    table: table.target.logicalName,
                    entitySet: table.target.entitySetName,
                    path: addressPath(table, row.expected.address),
                    stateColumn: state.targetStateColumn,
                    statusColumn: state.targetStatusColumn,
                },
                open!.state,
                open!.status,
            ),
        ),
        options,
    );
    toOpen.forEach((row, i) => {
        const answer = answers[i];
        if (answer?.ok) {
            const want = row.expected.state!;
            const reopened = want.state === open!.state && want.status === open!.status;
            row.decision = reopened ? withoutState(row.decision) : { ...row.decision, state: { ...want, from: open! } };
            outcome.reopened.push(row);
        } else {
            outcome.failed.push({
                row,
                ...(answer?.status !== undefined ? { status: answer.status } : {}),
                ...(answer?.code !== undefined ? { code: answer.code } : {}),
                message: `reopening the closed target row failed: ${answer?.message ?? 'no answer'}`,
            });
        }
    });
    return outcome;
}

function withoutState(decision: PlannedRow['decision']): PlannedRow['decision'] {
    const { state: _state, ...rest } = decision;
    return rest;
}
