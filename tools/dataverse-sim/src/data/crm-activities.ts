/**
 * The crm schema's activities with party lists: appointment, phonecall and task beside email (crm-email.ts), each with
 * `activityid`, `regardingobjectid` (a polymorphic lookup to the records an activity can be regarding) and its state
 * model from the table reference. Party list columns (PartyList, no property value) are written as the
 * `<activity>_activity_parties` collection with the activity and read back with `$expand` (server/activity-parties.ts);
 * their participation type masks are the ActivityParty table's ("activityparty entity", ParticipationTypeMask:
 * Sender 1, ToRecipient 2, CCRecipient 3, BccRecipient 4, RequiredAttendee 5, OptionalAttendee 6, Organizer 7).
 */
import type { SimAttribute, SimTable } from '../model.js';
import { APPOINTMENT_STATES, CLOSED_ACTIVITY, TASK_STATES } from './activity-states.js';
import { ACTIVITY_STATES, bool, dt, int, memo, primaryIdColumn, standardColumns, str } from './columns.js';

/** Tables an activity can be regarding in the crm schema, with the real relationship name prefix (Account_Emails). */
const REGARDING: ReadonlyArray<[string, string]> = [
    ['account', 'Account'],
    ['contact', 'Contact'],
    ['lead', 'Lead'],
    ['opportunity', 'Opportunity'],
    ['incident', 'Incident'],
];

/** `regardingobjectid` of an activity; `collection` is the relationship's suffix (Emails, Appointments, ...). */
export function regarding(collection: string): SimAttribute {
    return {
        logicalName: 'regardingobjectid',
        type: 'Lookup',
        targets: REGARDING.map(([t]) => t),
        relationshipNames: Object.fromEntries(REGARDING.map(([t, prefix]) => [t, `${prefix}_${collection}`])),
    };
}

/** A party list column; its targets are set when the schema is completed (schema-complete.ts, addActivityParties). */
export function partyList(logicalName: string): SimAttribute {
    return { logicalName, type: 'PartyList', targets: [] };
}

export function appointment(): SimTable {
    return {
        logicalName: 'appointment',
        schemaName: 'Appointment',
        entitySetName: 'appointments',
        primaryIdAttribute: 'activityid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 4201,
        isActivity: true,
        readOnlyStates: CLOSED_ACTIVITY,
        attributes: [
            primaryIdColumn('activityid'),
            str('subject', 200, { isPrimaryName: true }),
            memo('description', 1048576),
            str('location', 200),
            dt('scheduledstart'),
            dt('scheduledend'),
            bool('isalldayevent'),
            regarding('Appointments'),
            partyList('requiredattendees'),
            partyList('optionalattendees'),
            partyList('organizer'),
            ...standardColumns({ table: 'appointment', ownershipType: 'UserOwned', state: APPOINTMENT_STATES }),
        ],
    };
}

export function phoneCall(): SimTable {
    return {
        logicalName: 'phonecall',
        schemaName: 'PhoneCall',
        entitySetName: 'phonecalls',
        primaryIdAttribute: 'activityid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 4210,
        isActivity: true,
        readOnlyStates: CLOSED_ACTIVITY,
        attributes: [
            primaryIdColumn('activityid'),
            str('subject', 200, { isPrimaryName: true }),
            memo('description', 2000),
            str('phonenumber', 200),
            bool('directioncode'),
            int('actualdurationminutes'),
            regarding('Phonecalls'),
            partyList('from'),
            partyList('to'),
            ...standardColumns({ table: 'phonecall', ownershipType: 'UserOwned', state: ACTIVITY_STATES }),
        ],
    };
}

export function task(): SimTable {
    return {
        logicalName: 'task',
        schemaName: 'Task',
        entitySetName: 'tasks',
        primaryIdAttribute: 'activityid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 4212,
        isActivity: true,
        readOnlyStates: CLOSED_ACTIVITY,
        attributes: [
            primaryIdColumn('activityid'),
            str('subject', 200, { isPrimaryName: true }),
            memo('description', 2000),
            dt('scheduledend'),
            int('percentcomplete'),
            regarding('Tasks'),
            ...standardColumns({ table: 'task', ownershipType: 'UserOwned', state: TASK_STATES }),
        ],
    };
}
