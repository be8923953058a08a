/**
 * The tables a real org has that a CMT file may name without describing them (a lookup or many-to-many to `list`,
 * `uom`, `queue`, an activity, ...): their real primary id and name, ownership, object type code and entity
 * set, so that a table added for them looks like the real one. Any other name gets a minimal user-owned table
 * (`<name>id`, `name`), as a custom table would be. Full definitions (crm, system tables) come first.
 */
import type { OwnershipType, SimTable } from '../model.js';
import { APPOINTMENT_STATES, TASK_STATES } from './activity-states.js';
import { ACTIVE_INACTIVE, ACTIVITY_STATES, primaryIdColumn, standardColumns, str, type StateModel } from './columns.js';
import { crmSchema } from './crm-schema.js';
import { deriveEntitySetName } from './entity-set-name.js';
import { systemTables } from './system-tables.js';

interface StandardTable {
    id: string;
    name: string;
    ownership: OwnershipType;
    otc: number;
    /** States of the table; omitted for tables without statecode/statuscode. */
    state?: StateModel;
    activity?: boolean;
}

const user = (id: string, name: string, otc: number, state: StateModel | undefined = ACTIVE_INACTIVE): StandardTable =>
    state ? { id, name, ownership: 'UserOwned', otc, state } : { id, name, ownership: 'UserOwned', otc };
const org = (id: string, name: string, otc: number, state?: StateModel): StandardTable =>
    state
        ? { id, name, ownership: 'OrganizationOwned', otc, state }
        : { id, name, ownership: 'OrganizationOwned', otc };
const activity = (otc: number, state: StateModel = ACTIVITY_STATES): StandardTable => ({
    id: 'activityid',
    name: 'subject',
    ownership: 'UserOwned',
    otc,
    state,
    activity: true,
});

/** Standard tables by logical name (Dataverse / Dynamics 365 table reference). */
const STANDARD: Record<string, StandardTable> = {
    list: user('listid', 'listname', 4300),
    contract: user('contractid', 'title', 1010),
    competitor: org('competitorid', 'name', 123),
    uom: org('uomid', 'name', 1055),
    uomschedule: org('uomscheduleid', 'name', 1056, ACTIVE_INACTIVE),
    pricelevel: org('pricelevelid', 'name', 1022, ACTIVE_INACTIVE),
    product: org('productid', 'name', 1024, ACTIVE_INACTIVE),
    discounttype: org('discounttypeid', 'name', 1080, ACTIVE_INACTIVE),
    queue: user('queueid', 'name', 2020),
    subject: org('subjectid', 'title', 129),
    service: org('serviceid', 'name', 4001),
    site: org('siteid', 'name', 4009),
    territory: org('territoryid', 'name', 2013),
    calendar: org('calendarid', 'name', 4003),
    equipment: { id: 'equipmentid', name: 'name', ownership: 'BusinessOwned', otc: 4000 },
    incident: user('incidentid', 'title', 112),
    quote: user('quoteid', 'name', 1084),
    salesorder: user('salesorderid', 'name', 1088),
    invoice: user('invoiceid', 'name', 1090),
    campaign: user('campaignid', 'name', 4400),
    entitlement: user('entitlementid', 'name', 9700),
    sla: user('slaid', 'name', 9750),
    knowledgearticle: user('knowledgearticleid', 'title', 9953),
    knowledgebaserecord: org('knowledgebaserecordid', 'title', 9930),
    annotation: user('annotationid', 'subject', 5, undefined),
    connection: user('connectionid', 'name', 3234),
    goal: user('goalid', 'title', 9600),
    activitypointer: activity(4200),
    appointment: activity(4201, APPOINTMENT_STATES),
    email: activity(4202),
    fax: activity(4204),
    incidentresolution: activity(4206),
    letter: activity(4207),
    orderclose: activity(4209),
    phonecall: activity(4210),
    quoteclose: activity(4211),
    task: activity(4212, TASK_STATES),
    serviceappointment: activity(4214),
    campaignresponse: activity(4401),
    campaignactivity: activity(4402),
    recurringappointmentmaster: activity(4251, APPOINTMENT_STATES),
    socialactivity: activity(4216),
};

/** The tables the simulator models completely (crm and system tables) by name, built once: callers get copies. */
let fullDefinitions: Map<string, SimTable> | undefined;

function fullDefinition(logicalName: string): SimTable | undefined {
    if (!fullDefinitions) {
        fullDefinitions = new Map();
        for (const t of [...crmSchema().tables, ...systemTables()])
            if (!t.isIntersect && !fullDefinitions.has(t.logicalName)) fullDefinitions.set(t.logicalName, t);
    }
    return fullDefinitions.get(logicalName);
}

/** The full definition of a table the simulator models completely (crm and system tables), as a fresh copy. */
export function fullTable(logicalName: string): SimTable | undefined {
    const definition = fullDefinition(logicalName);
    return definition && structuredClone(definition);
}

/**
 * The table of a name the simulator knows: the full definition (crm, system tables), else the standard table's
 * real shape (above); undefined for any other name. A fresh copy.
 */
export function knownTable(logicalName: string): SimTable | undefined {
    const full = fullTable(logicalName);
    if (full) return full;
    const known = STANDARD[logicalName];
    return known && standardTable(logicalName, known);
}

/**
 * A table for a name a file mentions but does not describe: the full definition when the simulator has one, the
 * standard table's real shape when it is known, else a minimal user-owned table with the standard columns.
 */
export function minimalTable(logicalName: string): SimTable {
    return (
        knownTable(logicalName) ??
        standardTable(logicalName, {
            id: `${logicalName}id`,
            name: 'name',
            ownership: 'UserOwned',
            state: ACTIVE_INACTIVE,
        })
    );
}

/** A table of the given shape with the standard columns; `otc` and `activity` only for the tables listed above. */
function standardTable(logicalName: string, shape: Omit<StandardTable, 'otc'> & { otc?: number }): SimTable {
    const { id, name, ownership: ownershipType, state } = shape;
    const table: SimTable = {
        logicalName,
        entitySetName: deriveEntitySetName(logicalName),
        primaryIdAttribute: id,
        primaryNameAttribute: name,
        ownershipType,
        changeTracking: true,
        attributes: [
            primaryIdColumn(id),
            str(name, shape.activity ? 400 : 100, { isPrimaryName: true }),
            ...standardColumns(
                state ? { table: logicalName, ownershipType, state } : { table: logicalName, ownershipType },
            ),
        ],
    };
    if (shape.otc !== undefined) table.objectTypeCode = shape.otc;
    if (shape.activity) table.isActivity = true;
    return table;
}
