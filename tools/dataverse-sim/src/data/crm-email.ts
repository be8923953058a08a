/**
 * The crm schema's `email` activity (minimal: subject, description, direction, sent on, regarding, and the from / to /
 * cc / bcc party lists, see crm-activities.ts), with the
 * e-mail states of the email table reference: Open (Draft 1, Failed 8), Completed (Completed 2, Sent 3, Received 4,
 * Pending Send 6, Sending 7), Canceled (Canceled 5). Server-side sync sends an e-mail set to Pending Send from the
 * environment's mailboxes (see `sendsPendingEmail` in model.ts).
 */
import type { SimTable } from '../model.js';
import { partyList, regarding } from './crm-activities.js';
import { CLOSED_ACTIVITY } from './activity-states.js';
import { bool, dt, memo, primaryIdColumn, READ_ONLY, standardColumns, str, type StateModel } from './columns.js';

const EMAIL_STATE: StateModel = {
    states: [
        { value: 0, label: 'Open', defaultStatus: 1 },
        { value: 1, label: 'Completed', defaultStatus: 3 },
        { value: 2, label: 'Canceled', defaultStatus: 5 },
    ],
    statuses: [
        { value: 1, label: 'Draft', state: 0 },
        { value: 8, label: 'Failed', state: 0 },
        { value: 2, label: 'Completed', state: 1 },
        { value: 3, label: 'Sent', state: 1 },
        { value: 4, label: 'Received', state: 1 },
        { value: 6, label: 'Pending Send', state: 1 },
        { value: 7, label: 'Sending', state: 1 },
        { value: 5, label: 'Canceled', state: 2 },
    ],
};

export function email(): SimTable {
    return {
        logicalName: 'email',
        schemaName: 'Email',
        entitySetName: 'emails',
        primaryIdAttribute: 'activityid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 4202,
        isActivity: true,
        readOnlyStates: CLOSED_ACTIVITY,
        sendsPendingEmail: true,
        attributes: [
            primaryIdColumn('activityid'),
            str('subject', 800, { isPrimaryName: true }),
            memo('description', 1048576),
            bool('directioncode'),
            dt('senton', READ_ONLY),
            regarding('Emails'),
            partyList('from'),
            partyList('to'),
            partyList('cc'),
            partyList('bcc'),
            ...standardColumns({ table: 'email', ownershipType: 'UserOwned', state: EMAIL_STATE }),
        ],
    };
}
