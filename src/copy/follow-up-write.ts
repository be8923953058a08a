/**
 * One follow-up write per row: a row with deferred lookups (or update-only columns) and a state to set gets both in
 * its deferred patch, where a plain update reaches the state. Dataverse takes statecode + statuscode in an update
 * beside other columns ("always set the desired statuscode", update-delete-entities-using-web-api; SetState is an
 * update, "Behavior of specialized update operations"). States a message reaches (opportunity won/lost, a resolved
 * case, a won quote, a fulfilled order), states that make the row read-only (a completed activity: its content is
 * copied between the deferred and the state phases, and content cannot be written to a closed row), paths of more than
 * one step (a reopen, an activated quote) and targets that enforce status transitions keep the state phase.
 */
import type { Row } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import type { StateChange } from './row-plan.js';
import { readOnlyKind, statePath } from './state-machines.js';
import { needsMessage } from './state-messages.js';

/** Whether the row's state change is one plain update the deferred patch can carry. */
export function stateRidesPatch(table: TablePlan, change: StateChange): boolean {
    const state = table.state;
    if (!state || state.transitions) return false;
    const logical = table.target.logicalName;
    if (needsMessage(logical, change.state) || readOnlyKind(logical, change.state) !== undefined) return false;
    if (change.from && readOnlyKind(logical, change.from.state) !== undefined) return false;
    const path = statePath(logical, change.from, change, state.created, (s) => needsMessage(logical, s));
    return 'steps' in path && path.steps.length === 1;
}

/** The deferred patch with the row's statecode and statuscode set (both: the pair is always sent together). */
export function withState(table: TablePlan, patch: Row, change: StateChange): Row {
    const state = table.state!;
    return { ...patch, [state.targetStateColumn]: change.state, [state.targetStatusColumn]: change.status };
}
