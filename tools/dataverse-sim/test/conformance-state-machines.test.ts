/**
 * Conformance of the crm state machines of quote, salesorder and incident, and of read-only closed rows: WinQuote /
 * CloseQuote take an Active quote (a Draft quote is activated first by an update), CloseIncident an active case,
 * FulfillSalesOrder / CancelSalesOrder an active or submitted order (action references); a row in a read-only state
 * refuses updates of its columns with -2147220946 "The entity cannot be updated because it is read-only." (a live
 * org's answer), a resolved case with "This case has already been resolved. Close and reopen the case record to see
 * the updates."; quotes, cases and opportunities go back to an editable state by an update of statecode, closed
 * orders do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimRow, Simulator } from '../src/index.js';
import { crmSchema } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let accountId: string;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 40 }));
    accountId = sim.dump('account')[0]!.accountid as string;
});
afterAll(async () => {
    await sim.close();
});

const row = (table: string, id: string): SimRow => sim.dump(table).find((r) => r[`${table}id`] === id)!;
const patch = (path: string, body: unknown) => client.patch(path, body, { 'If-Match': '*' });
const READ_ONLY = { code: '0x8004022e', message: 'The entity cannot be updated because it is read-only.' };
const INVALID_STATE = { code: '0x80040233', message: 'The object is not in a valid state to perform this operation.' };

function closing(parameter: string, lookup: string, set: string, id: string) {
    return {
        [parameter]: {
            '@odata.type': `Microsoft.Dynamics.CRM.${parameter.toLowerCase()}`,
            subject: 'Closed by migration',
            [`${lookup}@odata.bind`]: `/${set}(${id})`,
        },
    };
}
const quoteClose = (id: string) => closing('QuoteClose', 'quoteid', 'quotes', id);

async function newQuote(): Promise<string> {
    return client.create('quotes', { name: 'Q', 'customerid_account@odata.bind': `/accounts(${accountId})` });
}

describe('quote', () => {
    it('refuses WinQuote on a Draft quote; activated by an update, it is won and read-only', async () => {
        const id = await newQuote();
        expect(row('quote', id)).toMatchObject({ statecode: 0, statuscode: 1 });
        const draft = await client.post('WinQuote', { Status: 4, ...quoteClose(id) });
        expect(draft.status).toBe(400);
        expect(draft.json.error).toEqual(INVALID_STATE);
        expect(row('quote', id).statecode).toBe(0);
        expect(sim.dump('quoteclose')).toHaveLength(0);

        expect((await patch(`quotes(${id})`, { statecode: 1, statuscode: 2 })).status).toBe(204);
        const active = await patch(`quotes(${id})`, { description: 'changed while active' });
        expect(active.status).toBe(400);
        expect(active.json.error).toEqual(READ_ONLY);

        expect((await client.post('WinQuote', { Status: 4, ...quoteClose(id) })).status).toBe(204);
        expect(row('quote', id)).toMatchObject({ statecode: 2, statuscode: 4 });
        expect(sim.dump('quoteclose').map((c) => [(c.quoteid as { id: string }).id, c.statecode])).toEqual([[id, 1]]);
        const won = await patch(`quotes(${id})`, { name: 'renamed' });
        expect(won.json.error).toEqual(READ_ONLY);
        const twice = await client.post('CloseQuote', { Status: 5, ...quoteClose(id) });
        expect(twice.json.error).toEqual(INVALID_STATE);
    });

    it('refuses Won or Closed by a plain update, and goes back to Draft by one', async () => {
        const id = await newQuote();
        const r = await patch(`quotes(${id})`, { statecode: 3, statuscode: 5 });
        expect(r.status).toBe(400);
        expect(r.json.error).toEqual({
            code: '0x80100005',
            message:
                'This message can not be used to set the state of quote to closed. In order to set state of quote to closed, use the closed message instead.',
        });
        await patch(`quotes(${id})`, { statecode: 1, statuscode: 2 });
        expect((await client.post('CloseQuote', { Status: 6, ...quoteClose(id) })).status).toBe(204);
        expect(row('quote', id)).toMatchObject({ statecode: 3, statuscode: 6 });
        // Reopen (to Draft), change, activate, close again: the way a closed quote is edited.
        expect((await patch(`quotes(${id})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
        expect((await patch(`quotes(${id})`, { name: 'edited' })).status).toBe(204);
        expect((await patch(`quotes(${id})`, { statecode: 1, statuscode: 2 })).status).toBe(204);
        expect((await client.post('CloseQuote', { Status: 6, ...quoteClose(id) })).status).toBe(204);
        expect(row('quote', id)).toMatchObject({ name: 'edited', statecode: 3, statuscode: 6 });
    });
});

describe('incident', () => {
    const resolution = (id: string) => closing('IncidentResolution', 'incidentid', 'incidents', id);

    it('resolves only through CloseIncident, once; a resolved case is read-only until reactivated', async () => {
        const id = await client.create('incidents', {
            title: 'Broken',
            'customerid_account@odata.bind': `/accounts(${accountId})`,
        });
        const plain = await patch(`incidents(${id})`, { statecode: 1, statuscode: 5 });
        expect(plain.json.error.code).toBe('0x80100005');
        expect((await client.post('CloseIncident', { Status: 5, ...resolution(id) })).status).toBe(204);
        expect(row('incident', id)).toMatchObject({ statecode: 1, statuscode: 5 });
        const again = await client.post('CloseIncident', { Status: 5, ...resolution(id) });
        expect(again.status).toBe(400);
        expect(again.json.error).toEqual({ code: '0x80044411', message: 'Already Closed or Canceled' });
        const update = await patch(`incidents(${id})`, { title: 'Still broken' });
        expect(update.status).toBe(400);
        expect(update.json.error).toEqual({
            code: '0x8004022e',
            message: 'This case has already been resolved. Close and reopen the case record to see the updates.',
        });
        expect((await patch(`incidents(${id})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
        expect((await patch(`incidents(${id})`, { title: 'Still broken' })).status).toBe(204);
        // Canceled is a plain update, and read-only too.
        expect((await patch(`incidents(${id})`, { statecode: 2, statuscode: 6 })).status).toBe(204);
        expect((await patch(`incidents(${id})`, { title: 'x' })).json.error).toEqual(READ_ONLY);
    });
});

describe('salesorder', () => {
    const orderClose = (id: string) => closing('OrderClose', 'salesorderid', 'salesorders', id);

    it('fulfills and cancels through their messages; a closed order stays closed and read-only', async () => {
        const order = () =>
            client.create('salesorders', { name: 'O', 'customerid_account@odata.bind': `/accounts(${accountId})` });
        const fulfilled = await order();
        const canceled = await order();
        expect((await client.post('FulfillSalesOrder', { Status: 100001, ...orderClose(fulfilled) })).status).toBe(204);
        // A submitted order can still be canceled.
        expect((await patch(`salesorders(${canceled})`, { statecode: 1, statuscode: 3 })).status).toBe(204);
        expect((await client.post('CancelSalesOrder', { Status: 4, ...orderClose(canceled) })).status).toBe(204);
        expect(row('salesorder', fulfilled)).toMatchObject({ statecode: 3, statuscode: 100001 });
        expect(row('salesorder', canceled)).toMatchObject({ statecode: 2, statuscode: 4 });
        expect(sim.dump('orderclose')).toHaveLength(2);

        expect((await patch(`salesorders(${fulfilled})`, { name: 'x' })).json.error).toEqual(READ_ONLY);
        expect((await patch(`salesorders(${fulfilled})`, { statecode: 0, statuscode: 1 })).json.error).toEqual(
            INVALID_STATE,
        );
        expect((await client.post('CancelSalesOrder', { Status: 4, ...orderClose(fulfilled) })).json.error).toEqual(
            INVALID_STATE,
        );
    });
});

describe('opportunity', () => {
    it('refuses updates of a won opportunity, in bulk too, until it is reopened', async () => {
        const id = sim.dump('opportunity').find((r) => r.statecode === 1)!.opportunityid as string;
        expect((await patch(`opportunities(${id})`, { name: 'renamed' })).json.error).toEqual(READ_ONLY);
        const bulk = await client.post('opportunities/Microsoft.Dynamics.CRM.UpdateMultiple', {
            Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.opportunity', opportunityid: id, name: 'renamed' }],
        });
        expect(bulk.status).toBe(400);
        expect(bulk.json.error.code).toBe('0x8004022e');
        expect((await patch(`opportunities(${id})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
        expect((await patch(`opportunities(${id})`, { name: 'renamed' })).status).toBe(204);
    });
});

describe('status transitions (EnforceStateTransitions)', () => {
    it('describes the allowed transitions and refuses a status change outside them, closing messages included', async () => {
        const schema = crmSchema();
        const incidentTable = schema.tables.find((t) => t.logicalName === 'incident')!;
        incidentTable.enforceStateTransitions = true;
        const status = incidentTable.attributes.find((a) => a.type === 'Status')!;
        // In Progress -> On Hold only; On Hold -> Problem Solved or Canceled.
        status.options = status.options!.map((o) =>
            o.value === 1 ? { ...o, transitions: [2] } : o.value === 2 ? { ...o, transitions: [5, 6] } : o,
        );
        const other = await startTestSimulator({ rows: 10, schema });
        try {
            const meta = await other.client.get(
                "EntityDefinitions(LogicalName='incident')?$select=LogicalName,EnforceStateTransitions",
            );
            expect(meta.json.EnforceStateTransitions).toBe(true);
            const options = await other.client.get(
                "EntityDefinitions(LogicalName='incident')/Attributes/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet",
            );
            const inProgress = options.json.value[0].OptionSet.Options.find((o: { Value: number }) => o.Value === 1);
            expect(inProgress.TransitionData).toBe(
                '<allowedtransitions xmlns="http://schemas.microsoft.com/crm/2009/WebServices"><allowedtransition sourcestatusid="1" tostatusid="2" /></allowedtransitions>',
            );
            const account = other.sim.dump('account')[0]!.accountid as string;
            const id = await other.client.create('incidents', {
                title: 'T',
                'customerid_account@odata.bind': `/accounts(${account})`,
            });
            const at = (c: Client) => (path: string, body: unknown) => c.patch(path, body, { 'If-Match': '*' });
            const refused = await at(other.client)(`incidents(${id})`, { statecode: 2, statuscode: 6 });
            expect(refused.status).toBe(400);
            expect(refused.json.error).toEqual({
                code: '0x8004f00e',
                message: `The incident (Id=${id}) entity or component has attempted to transition from an invalid state: 1.`,
            });
            const resolve = () =>
                other.client.post('CloseIncident', {
                    Status: 5,
                    ...closing('IncidentResolution', 'incidentid', 'incidents', id),
                });
            expect((await resolve()).json.error.code).toBe('0x8004f00e');
            expect((await at(other.client)(`incidents(${id})`, { statecode: 0, statuscode: 2 })).status).toBe(204);
            expect((await resolve()).status).toBe(204);
            expect(other.sim.dump('incident').find((r) => r.incidentid === id)).toMatchObject({ statuscode: 5 });
        } finally {
            await other.sim.close();
        }
    });
});

describe('email', () => {
    it('sends an e-mail set to Pending Send (server-side sync): the row reads Sent, with its sent-on time', async () => {
        const id = await client.create('emails', { subject: 'Quarterly offer' });
        expect(sim.dump('email').find((r) => r.activityid === id)).toMatchObject({ statecode: 0, statuscode: 1 });
        expect((await patch(`emails(${id})`, { statecode: 1, statuscode: 6 })).status).toBe(204);
        const sent = sim.dump('email').find((r) => r.activityid === id)!;
        expect(sent).toMatchObject({ statecode: 1, statuscode: 3 });
        expect(sent.senton).toMatch(/^\d{4}-\d\d-\d\dT/);
    });
});
