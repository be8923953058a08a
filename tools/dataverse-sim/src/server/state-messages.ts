/**
 * The dedicated messages that change the state of crm rows a plain update may not close (Web API action reference):
 * unbound `WinOpportunity` / `LoseOpportunity` ({ Status, OpportunityClose }: they create the opportunityclose
 * activity and close the opportunity, 204), likewise `WinQuote` / `CloseQuote` (QuoteClose), `CloseIncident`
 * (IncidentResolution), `FulfillSalesOrder` / `CancelSalesOrder` (OrderClose) and bound `leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`
 * ({ CreateAccount, CreateContact, CreateOpportunity, Status, OpportunityCurrencyId?, OpportunityCustomerId? }:
 * qualifies the lead, creates the records asked for, 200 with the collection of created entities).
 */
import { ErrorCodes, SimError, unknownSegment } from '../errors.js';
import type { SimRow, SimTable } from '../model.js';
import { isLookupValue } from '../model.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, jsonResponse } from './http-types.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { Store } from './store.js';
import type { WriteContext, Writer } from './writer.js';

/**
 * The unbound closing actions: each takes `Status` and the closing activity (bound to the row through its lookup),
 * creates the activity completed and moves the row to `state`, from one of the states in `from` only
 * (WinOpportunity, LoseOpportunity, WinQuote, CloseQuote, CloseIncident, FulfillSalesOrder, CancelSalesOrder action
 * references: a quote is won or closed once activated, an order fulfilled or canceled while active or submitted, a
 * case resolved while active).
 */
const CLOSERS = {
    WinOpportunity: closer('opportunity', 'OpportunityClose', 'opportunityid', 'Won', ['Open']),
    LoseOpportunity: closer('opportunity', 'OpportunityClose', 'opportunityid', 'Lost', ['Open']),
    WinQuote: closer('quote', 'QuoteClose', 'quoteid', 'Won', ['Active']),
    CloseQuote: closer('quote', 'QuoteClose', 'quoteid', 'Closed', ['Active']),
    CloseIncident: closer('incident', 'IncidentResolution', 'incidentid', 'Resolved', ['Active']),
    FulfillSalesOrder: closer('salesorder', 'OrderClose', 'salesorderid', 'Fulfilled', ['Active', 'Submitted']),
    CancelSalesOrder: closer('salesorder', 'OrderClose', 'salesorderid', 'Canceled', ['Active', 'Submitted']),
} as const;

interface Closer {
    table: string;
    /** The action parameter holding the activity, whose entity type is its lowercase name. */
    parameter: string;
    lookup: string;
    state: string;
    from: readonly string[];
}

function closer(table: string, parameter: string, lookup: string, state: string, from: string[]): Closer {
    return { table, parameter, lookup, state, from };
}

export const UNBOUND_STATE_ACTIONS = Object.keys(CLOSERS) as Array<keyof typeof CLOSERS>;
export type UnboundStateAction = keyof typeof CLOSERS;

interface ActionContext extends WriteContext {
    base: string;
}

export class StateMessages {
    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly writer: Writer,
        private readonly now: () => Date,
    ) {}

    /** `POST WinOpportunity`, `POST CloseIncident`, ...: one of the unbound closing actions. */
    closeRow(action: UnboundStateAction, body: Record<string, unknown>, ctx: ActionContext): SimResponse {
        const spec: Closer = CLOSERS[action];
        const target = this.table(spec.table, action);
        const close = this.table(spec.parameter.toLowerCase(), action);
        const targetState = stateValue(target.table, spec.state);
        const allowed = spec.from.map((label) => stateValue(target.table, label));
        const status = intParameter(body, 'Status', action);
        const activity = body[spec.parameter];
        if (activity === null || typeof activity !== 'object' || Array.isArray(activity))
            throw missingParameter(spec.parameter, action);
        const closeBody = activity as Record<string, unknown>;
        if (typeof closeBody[`${spec.lookup}@odata.bind`] !== 'string') {
            throw new SimError(
                400,
                ErrorCodes.InvalidArgument,
                `The ${spec.parameter} of ${action} must refer to its ${spec.table} with '${spec.lookup}@odata.bind'.`,
            );
        }
        this.store.transaction(() => {
            const closeRow = this.writer.create(close, closeBody, ctx);
            const ref = closeRow[spec.lookup];
            const id = isLookupValue(ref) ? ref.id : '';
            const existing = this.store.get(spec.table, id)!;
            const current = existing.statecode;
            if (typeof current !== 'number' || !allowed.includes(current)) throw notClosable(spec.table, id);
            const changes: Record<string, unknown> = { statecode: targetState };
            if (status !== -1) changes.statuscode = status;
            if (spec.table === 'opportunity') this.opportunityActuals(action, closeRow, existing, changes);
            this.writer.update(target, id, onlyKnown(target, changes), ctx, { viaMessage: true });
            const closeId = closeRow[close.table.primaryIdAttribute] as string;
            this.writer.update(close, closeId, { statecode: stateValue(close.table, 'Completed') }, ctx, {
                viaMessage: true,
            });
        });
        return emptyResponse(204);
    }

    /**
     * actualclosedate / actualvalue follow the close activity (actualvalue "defaults to the Est. Revenue value when
     * an opportunity is won", opportunity reference).
     */
    private opportunityActuals(
        action: UnboundStateAction,
        closeRow: SimRow,
        existing: SimRow,
        changes: Record<string, unknown>,
    ): void {
        const actualEnd = closeRow.actualend;
        changes.actualclosedate =
            typeof actualEnd === 'string' ? actualEnd : `${this.now().toISOString().slice(0, 10)}T00:00:00Z`;
        const revenue = closeRow.actualrevenue;
        if (typeof revenue === 'number') changes.actualvalue = revenue;
        else if (action === 'WinOpportunity' && existing.actualvalue == null && existing.estimatedvalue != null)
            changes.actualvalue = existing.estimatedvalue;
    }

    /** `POST leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`. */
    qualifyLead(leadId: string, body: Record<string, unknown>, ctx: ActionContext): SimResponse {
        const action = 'QualifyLead';
        const lead = this.table('lead', action);
        const flags = {
            account: boolParameter(body, 'CreateAccount', action),
            contact: boolParameter(body, 'CreateContact', action),
            opportunity: boolParameter(body, 'CreateOpportunity', action),
        };
        const status = intParameter(body, 'Status', action);
        const row = this.store.get('lead', leadId)!;
        if (row.statecode !== openState(lead.table)) throw alreadyClosed('lead', leadId);
        const created: Array<{ table: string; id: string }> = [];
        this.store.transaction(() => {
            const leadChanges: Record<string, unknown> = {};
            const make = (table: string, fields: Record<string, unknown>): string => {
                const info = this.table(table, action);
                const id = this.writer.create(info, onlyKnown(info, fields), ctx)[
                    info.table.primaryIdAttribute
                ] as string;
                created.push({ table, id });
                return id;
            };
            const name = text(row.companyname) ?? text(row.fullname) ?? text(row.subject) ?? 'Qualified lead';
            let accountId: string | undefined;
            let contactId: string | undefined;
            if (flags.account) {
                accountId = make('account', { name });
                leadChanges['parentaccountid@odata.bind'] = `/accounts(${accountId})`;
            }
            if (flags.contact) {
                const contact: Record<string, unknown> = {
                    firstname: row.firstname ?? null,
                    lastname: row.lastname ?? name,
                };
                if (accountId) contact['parentcustomerid_account@odata.bind'] = `/accounts(${accountId})`;
                contactId = make('contact', contact);
                leadChanges['parentcontactid@odata.bind'] = `/contacts(${contactId})`;
            }
            if (flags.opportunity) {
                const opportunity: Record<string, unknown> = {
                    name: text(row.subject) ?? name,
                    'originatingleadid@odata.bind': `/leads(${leadId})`,
                };
                const customer =
                    entityParameter(body.OpportunityCustomerId) ??
                    (accountId ? { table: 'account', id: accountId } : undefined) ??
                    (contactId ? { table: 'contact', id: contactId } : undefined);
                if (customer)
                    opportunity[`customerid_${customer.table}@odata.bind`] =
                        `/${this.setOf(customer.table)}(${customer.id})`;
                const currency = entityParameter(body.OpportunityCurrencyId);
                if (currency)
                    opportunity['transactioncurrencyid@odata.bind'] = `/transactioncurrencies(${currency.id})`;
                const opportunityId = make('opportunity', opportunity);
                leadChanges['qualifyingopportunityid@odata.bind'] = `/opportunities(${opportunityId})`;
            }
            leadChanges.statecode = stateValue(lead.table, 'Qualified');
            if (status !== -1) leadChanges.statuscode = status;
            this.writer.update(lead, leadId, onlyKnown(lead, leadChanges), ctx, { viaMessage: true });
        });
        return jsonResponse(200, {
            '@odata.context': `${ctx.base}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`,
            value: created.map((c) => ({
                '@odata.type': `#Microsoft.Dynamics.CRM.${c.table}`,
                [this.schema.table(c.table)!.table.primaryIdAttribute]: c.id,
            })),
        });
    }

    private table(name: string, action: string): TableInfo {
        const info = this.schema.table(name);
        if (!info) throw unknownSegment(action);
        return info;
    }

    private setOf(table: string): string {
        return this.schema.table(table)?.table.entitySetName ?? `${table}s`;
    }
}

/** Whether a request path names one of the unbound state actions (with or without the namespace). */
export function unboundStateAction(req: SimRequest, rest: string): UnboundStateAction | undefined {
    if (req.method !== 'POST') return undefined;
    const name = rest.replace(/^Microsoft\.Dynamics\.CRM\./, '');
    return (UNBOUND_STATE_ACTIONS as readonly string[]).includes(name) ? (name as UnboundStateAction) : undefined;
}

/** A body without the columns or navigation properties the table lacks (schemas read from files may lack some). */
function onlyKnown(info: TableInfo, body: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
        const name = key.endsWith('@odata.bind') ? key.slice(0, -'@odata.bind'.length) : key;
        if (info.attributes.has(name) || info.navigation.has(name)) out[key] = value;
    }
    return out;
}

function stateValue(table: SimTable, label: string): number {
    const state = table.attributes.find((a) => a.type === 'State');
    const option = state?.options?.find((o) => o.label.toLowerCase() === label.toLowerCase());
    if (!option) {
        throw new SimError(500, ErrorCodes.UnexpectedError, `The ${table.logicalName} table has no '${label}' state.`);
    }
    return option.value;
}

function openState(table: SimTable): number {
    return table.attributes.find((a) => a.type === 'State')?.options?.[0]?.value ?? 0;
}

/** [inferred] The wording of closing a row twice is not documented; the code is the generic invalid argument. */
function alreadyClosed(table: string, id: string): SimError {
    return new SimError(400, ErrorCodes.InvalidArgument, `The ${table} with Id ${id} is already closed.`);
}

/**
 * A closing action on a row not in a state it closes from. A case: the documented IncidentIsAlreadyClosedOrCancelled
 * (0x80044411, "Already Closed or Canceled"). A quote that is not active (a draft, or one already won or closed) and
 * an order already closed: the documented InvalidState (0x80040233) [inferred: no page names the code these actions
 * answer]. An opportunity keeps the simulator's earlier answer.
 */
function notClosable(table: string, id: string): SimError {
    if (table === 'incident')
        return new SimError(400, ErrorCodes.IncidentIsAlreadyClosedOrCancelled, 'Already Closed or Canceled');
    if (table === 'opportunity') return alreadyClosed(table, id);
    return new SimError(400, ErrorCodes.InvalidState, 'The object is not in a valid state to perform this operation.');
}

function missingParameter(name: string, action: string): SimError {
    return new SimError(400, ErrorCodes.ODataParse, `The parameter '${name}' of the action '${action}' is missing.`);
}

function intParameter(body: Record<string, unknown>, name: string, action: string): number {
    const v = body[name];
    if (typeof v !== 'number' || !Number.isInteger(v)) throw missingParameter(name, action);
    return v;
}

function boolParameter(body: Record<string, unknown>, name: string, action: string): boolean {
    const v = body[name];
    if (typeof v !== 'boolean') throw missingParameter(name, action);
    return v;
}

/** An entity-typed action parameter: `{ "@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": "<id>" }`. */
function entityParameter(value: unknown): { table: string; id: string } | undefined {
    if (value === null || typeof value !== 'object') return undefined;
    const v = value as Record<string, unknown>;
    const type =
        typeof v['@odata.type'] === 'string' ? v['@odata.type'].replace(/^#?Microsoft\.Dynamics\.CRM\./, '') : '';
    const id = v[`${type}id`];
    return type && typeof id === 'string' ? { table: type, id: id.toLowerCase() } : undefined;
}

function text(v: unknown): string | undefined {
    return typeof v === 'string' && v !== '' ? v : undefined;
}
