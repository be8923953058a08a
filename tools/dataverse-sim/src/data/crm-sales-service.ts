/**
 * The crm schema's state-machine tables: quote, salesorder and incident (case), with the activities their closing
 * messages create (quoteclose, orderclose, incidentresolution). States and status values are the standard ones of the
 * Dataverse table references (quote: Draft/Active/Won/Closed; salesorder: Active/Submitted/Canceled/Fulfilled/Invoiced;
 * incident: Active/Resolved/Canceled). Which states only a message reaches, and which states make a row read-only,
 * follow the Web API action references (WinQuote, CloseQuote, FulfillSalesOrder, CancelSalesOrder, CloseIncident) and
 * what live orgs answer (see `readOnlyStates` in model.ts and the README).
 */
import type { SimTable } from '../model.js';
import {
    ACTIVITY_STATES,
    customer,
    dt,
    int,
    lookup,
    memo,
    money,
    opts,
    pick,
    primaryIdColumn,
    READ_ONLY,
    standardColumns,
    str,
    type StateModel,
} from './columns.js';

const QUOTE_STATE: StateModel = {
    states: [
        { value: 0, label: 'Draft', defaultStatus: 1 },
        { value: 1, label: 'Active', defaultStatus: 2 },
        { value: 2, label: 'Won', defaultStatus: 4 },
        { value: 3, label: 'Closed', defaultStatus: 5 },
    ],
    statuses: [
        { value: 1, label: 'In Progress', state: 0 },
        { value: 2, label: 'In Progress', state: 1 },
        { value: 3, label: 'Open', state: 1 },
        { value: 4, label: 'Won', state: 2 },
        { value: 5, label: 'Lost', state: 3 },
        { value: 6, label: 'Canceled', state: 3 },
        { value: 7, label: 'Revised', state: 3 },
    ],
};

const SALESORDER_STATE: StateModel = {
    states: [
        { value: 0, label: 'Active', defaultStatus: 1 },
        { value: 1, label: 'Submitted', defaultStatus: 3 },
        { value: 2, label: 'Canceled', defaultStatus: 4 },
        { value: 3, label: 'Fulfilled', defaultStatus: 100001 },
        { value: 4, label: 'Invoiced', defaultStatus: 100003 },
    ],
    statuses: [
        { value: 1, label: 'New', state: 0 },
        { value: 2, label: 'Pending', state: 0 },
        { value: 3, label: 'In Progress', state: 1 },
        { value: 4, label: 'No Money', state: 2 },
        { value: 100001, label: 'Complete', state: 3 },
        { value: 100002, label: 'Partial', state: 3 },
        { value: 100003, label: 'Invoiced', state: 4 },
    ],
};

const INCIDENT_STATE: StateModel = {
    states: [
        { value: 0, label: 'Active', defaultStatus: 1 },
        { value: 1, label: 'Resolved', defaultStatus: 5 },
        { value: 2, label: 'Canceled', defaultStatus: 6 },
    ],
    statuses: [
        { value: 1, label: 'In Progress', state: 0 },
        { value: 2, label: 'On Hold', state: 0 },
        { value: 3, label: 'Waiting for Details', state: 0 },
        { value: 4, label: 'Researching', state: 0 },
        { value: 5, label: 'Problem Solved', state: 1 },
        { value: 1000, label: 'Information Provided', state: 1 },
        { value: 6, label: 'Canceled', state: 2 },
        { value: 2000, label: 'Merged', state: 2 },
    ],
};

const currency = (relationship: string) => [
    lookup('transactioncurrencyid', 'transactioncurrency', relationship),
    { logicalName: 'exchangerate', type: 'Decimal' as const, precision: 10, ...READ_ONLY },
];

export function quote(): SimTable {
    return {
        logicalName: 'quote',
        schemaName: 'Quote',
        entitySetName: 'quotes',
        primaryIdAttribute: 'quoteid',
        primaryNameAttribute: 'name',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 1084,
        // Won and Closed only through WinQuote / CloseQuote, which take an Active quote (action references).
        dedicatedStateMessages: { 2: 'WinQuote', 3: 'CloseQuote' },
        // Only a Draft quote is editable; back to Draft by an update of statecode (then Active, then the message).
        readOnlyStates: { 1: 'reopen', 2: 'reopen', 3: 'reopen' },
        attributes: [
            primaryIdColumn('quoteid'),
            str('name', 300, { isPrimaryName: true, requiredLevel: 'ApplicationRequired' }),
            str('quotenumber', 100),
            int('revisionnumber', READ_ONLY),
            memo('description', 2000),
            dt('effectivefrom'),
            dt('effectiveto'),
            dt('closedon'),
            ...money('discountamount'),
            ...customer('customerid', { account: 'quote_customer_accounts', contact: 'quote_customer_contacts' }),
            lookup('opportunityid', 'opportunity', 'opportunity_quotes'),
            ...currency('transactioncurrency_quote'),
            ...standardColumns({ table: 'quote', ownershipType: 'UserOwned', state: QUOTE_STATE }),
        ],
    };
}

export function salesOrder(): SimTable {
    return {
        logicalName: 'salesorder',
        schemaName: 'SalesOrder',
        entitySetName: 'salesorders',
        primaryIdAttribute: 'salesorderid',
        primaryNameAttribute: 'name',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 1088,
        dedicatedStateMessages: { 2: 'CancelSalesOrder', 3: 'FulfillSalesOrder' },
        // Canceled, fulfilled and invoiced orders are read-only and stay closed.
        readOnlyStates: { 2: 'final', 3: 'final', 4: 'final' },
        attributes: [
            primaryIdColumn('salesorderid'),
            str('name', 300, { isPrimaryName: true, requiredLevel: 'ApplicationRequired' }),
            str('ordernumber', 100),
            memo('description', 2000),
            dt('datefulfilled'),
            dt('requestdeliveryby'),
            ...money('discountamount'),
            pick('prioritycode', opts([1, 'Default Value'])),
            ...customer('customerid', {
                account: 'order_customer_accounts',
                contact: 'order_customer_contacts',
            }),
            lookup('quoteid', 'quote', 'quote_orders'),
            lookup('opportunityid', 'opportunity', 'opportunity_sales_orders'),
            ...currency('transactioncurrency_salesorder'),
            ...standardColumns({ table: 'salesorder', ownershipType: 'UserOwned', state: SALESORDER_STATE }),
        ],
    };
}

export function incident(): SimTable {
    return {
        logicalName: 'incident',
        schemaName: 'Incident',
        entitySetName: 'incidents',
        primaryIdAttribute: 'incidentid',
        primaryNameAttribute: 'title',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 112,
        // Resolved only through CloseIncident; Canceled is a plain update.
        dedicatedStateMessages: { 1: 'CloseIncident' },
        // A resolved or canceled case is read-only until reactivated (statecode 0 by update).
        readOnlyStates: { 1: 'reopen', 2: 'reopen' },
        attributes: [
            primaryIdColumn('incidentid'),
            str('title', 200, { isPrimaryName: true, requiredLevel: 'ApplicationRequired' }),
            str('ticketnumber', 100),
            memo('description', 2000),
            pick('prioritycode', opts([1, 'High'], [2, 'Normal'], [3, 'Low'])),
            pick('caseorigincode', opts([1, 'Phone'], [2, 'Email'], [3, 'Web'])),
            ...customer('customerid', {
                account: 'incident_customer_accounts',
                contact: 'incident_customer_contacts',
            }),
            ...standardColumns({ table: 'incident', ownershipType: 'UserOwned', state: INCIDENT_STATE }),
        ],
    };
}

/** The activity a closing message creates, bound to the row it closes through `lookupName`. */
function closeActivity(
    logicalName: string,
    schemaName: string,
    objectTypeCode: number,
    lookupName: string,
    target: string,
    relationship: string,
): SimTable {
    return {
        logicalName,
        schemaName,
        entitySetName: `${logicalName}s`,
        primaryIdAttribute: 'activityid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode,
        isActivity: true,
        attributes: [
            primaryIdColumn('activityid'),
            str('subject', 200, { isPrimaryName: true }),
            memo('description', 2000),
            lookup(lookupName, target, relationship),
            dt('actualend'),
            ...standardColumns({ table: logicalName, ownershipType: 'UserOwned', state: ACTIVITY_STATES }),
        ],
    };
}

export const quoteClose = (): SimTable =>
    closeActivity('quoteclose', 'QuoteClose', 4211, 'quoteid', 'quote', 'Quote_QuoteClose');
export const orderClose = (): SimTable =>
    closeActivity('orderclose', 'OrderClose', 4209, 'salesorderid', 'salesorder', 'SalesOrder_OrderClose');
export const incidentResolution = (): SimTable =>
    closeActivity(
        'incidentresolution',
        'IncidentResolution',
        4206,
        'incidentid',
        'incident',
        'Incident_IncidentResolutions',
    );
