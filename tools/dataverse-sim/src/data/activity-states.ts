/**
 * The states and status reasons of the activities whose status reasons are not the generic Open / Completed /
 * Canceled ones, as the table reference lists them (StateCode and StatusCode options of task and appointment).
 * Microsoft's exports carry them (an open task "Not Started", 2, in the Education accelerator's sample data), and a
 * target refuses a status reason its state does not have.
 */
import type { StateModel } from './columns.js';

export const TASK_STATES: StateModel = {
    states: [
        { value: 0, label: 'Open', defaultStatus: 2 },
        { value: 1, label: 'Completed', defaultStatus: 5 },
        { value: 2, label: 'Canceled', defaultStatus: 6 },
    ],
    statuses: [
        { value: 2, label: 'Not Started', state: 0 },
        { value: 3, label: 'In Progress', state: 0 },
        { value: 4, label: 'Waiting on someone else', state: 0 },
        { value: 5, label: 'Completed', state: 1 },
        { value: 6, label: 'Canceled', state: 2 },
        { value: 7, label: 'Deferred', state: 0 },
    ],
};

/** appointment and recurringappointmentmaster. */
export const APPOINTMENT_STATES: StateModel = {
    states: [
        { value: 0, label: 'Open', defaultStatus: 1 },
        { value: 1, label: 'Completed', defaultStatus: 3 },
        { value: 2, label: 'Canceled', defaultStatus: 4 },
        { value: 3, label: 'Scheduled', defaultStatus: 5 },
    ],
    statuses: [
        { value: 1, label: 'Free', state: 0 },
        { value: 2, label: 'Tentative', state: 0 },
        { value: 3, label: 'Completed', state: 1 },
        { value: 4, label: 'Canceled', state: 2 },
        { value: 5, label: 'Busy', state: 3 },
        { value: 6, label: 'Out of Office', state: 3 },
    ],
};

/**
 * A completed or canceled activity is read-only until reopened (statecode 0 by update), as the activity forms show it.
 * [inferred, stricter: no page states that the Web API refuses an update of a closed activity's columns; the refusal is
 * the read-only one live orgs give for closed sales rows, writer.ts rejectReadOnly]. A copy that writes the columns or
 * parties of a closed activity must reopen it first, or write them before the state phase closes it.
 */
export const CLOSED_ACTIVITY: Record<number, 'reopen'> = { 1: 'reopen', 2: 'reopen' };
