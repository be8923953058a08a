/**
 * How a row reaches a state in Dataverse. Most tables take `statecode` + `statuscode` in one update
 * ("always set the desired statuscode", update-delete-entities-using-web-api). Some states are only
 * reachable through a dedicated message (PPDS `specs/migration.md`, "State Machine Entity Handling";
 * the Web API action references of each message): opportunity won/lost, lead qualified, incident
 * resolved, quote won/closed, sales order fulfilled/cancelled. Those messages create the closing
 * activity (opportunityclose, incidentresolution, quoteclose, orderclose) themselves.
 */
import type { BatchRequest } from '../dataverse/client-types.js';

export interface StateTarget {
    /** Target logical name and entity set of the row's table. */
    table: string;
    entitySet: string;
    /** Path of the row relative to the API root (`opportunities(<id>)` or by alternate key). */
    path: string;
    stateColumn: string;
    statusColumn: string;
}

/** Columns of the closed row that the closing activity sets, to carry over the source's values. */
type CloseValues = Record<string, unknown>;

type MessageBuilder = (target: StateTarget, status: number, values: CloseValues) => BatchRequest;

const SUBJECT = 'Closed by dataverse-migrate (state copied from the source environment)';

/** An unbound close action taking the closing activity as a parameter bound to the row. */
function closeAction(action: string, parameter: string, activityTable: string, lookup: string): MessageBuilder {
    return (target, status, values) => ({
        method: 'POST',
        path: action,
        body: {
            [parameter]: {
                '@odata.type': `Microsoft.Dynamics.CRM.${activityTable}`,
                subject: SUBJECT,
                ...values,
                [`${lookup}@odata.bind`]: `/${target.path}`,
            },
            Status: status,
        },
    });
}

const qualifyLead: MessageBuilder = (target, status) => ({
    method: 'POST',
    path: `${target.path}/Microsoft.Dynamics.CRM.QualifyLead`,
    body: { CreateAccount: false, CreateContact: false, CreateOpportunity: false, Status: status },
});

/** Target table -> statecode -> the message that reaches it. Every other state takes a plain update. */
const MESSAGES: Record<string, Record<number, MessageBuilder>> = {
    opportunity: {
        1: closeAction('WinOpportunity', 'OpportunityClose', 'opportunityclose', 'opportunityid'),
        2: closeAction('LoseOpportunity', 'OpportunityClose', 'opportunityclose', 'opportunityid'),
    },
    lead: { 1: qualifyLead },
    incident: { 1: closeAction('CloseIncident', 'IncidentResolution', 'incidentresolution', 'incidentid') },
    quote: {
        2: closeAction('WinQuote', 'QuoteClose', 'quoteclose', 'quoteid'),
        3: closeAction('CloseQuote', 'QuoteClose', 'quoteclose', 'quoteid'),
    },
    salesorder: {
        3: closeAction('FulfillSalesOrder', 'OrderClose', 'orderclose', 'salesorderid'),
        2: closeAction('CancelSalesOrder', 'OrderClose', 'orderclose', 'salesorderid'),
    },
};

/**
 * Closing activity field <- column of the row: the messages write these columns from the activity
 * (an opportunity's actualvalue and actualclosedate come from OpportunityClose.actualrevenue and
 * actualend), so the source row's values travel in the activity.
 */
const CLOSE_FIELDS: Record<string, Record<string, string>> = {
    opportunity: { actualrevenue: 'actualvalue', actualend: 'actualclosedate' },
};

/** The closing activity's fields for a row whose target columns hold `row` (only the columns it has). */
export function closeValues(table: string, state: number, row: ReadonlyMap<string, unknown>): CloseValues {
    const values: CloseValues = {};
    if (!needsMessage(table, state)) return values;
    for (const [field, column] of Object.entries(CLOSE_FIELDS[table] ?? {})) {
        const value = row.get(column);
        if (value !== undefined && value !== null) values[field] = value;
    }
    return values;
}

/** Whether a state is reached only through a dedicated message (so leaving it needs a reopen first). */
export function needsMessage(table: string, state: number): boolean {
    return MESSAGES[table]?.[state] !== undefined;
}

/** The request that moves a row to `state`/`status`. */
export function stateRequest(
    target: StateTarget,
    state: number,
    status: number,
    values: CloseValues = {},
): BatchRequest {
    const message = MESSAGES[target.table]?.[state];
    if (message) return message(target, status, values);
    return {
        method: 'PATCH',
        path: target.path,
        headers: { 'If-Match': '*' },
        body: { [target.stateColumn]: state, [target.statusColumn]: status },
    };
}
