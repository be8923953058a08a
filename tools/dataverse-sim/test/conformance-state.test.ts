/**
 * Conformance of state changes in the crm schema, as a migration's state phase sends them in `$batch`
 * (continue-on-error): plain `PATCH` of statecode + statuscode (SetState is an update, "Behavior of specialized
 * update operations"), opportunity won/lost only through the unbound `WinOpportunity` / `LoseOpportunity` actions
 * (a plain update is refused with CannotUseOpportunitySetStateMessage, 0x80100005), reopening by update, and
 * lead qualification through the bound `QualifyLead` action (WinOpportunity, LoseOpportunity and QualifyLead
 * action references).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimRow, Simulator } from '../src/index.js';
import { sendBatch } from './batch-helpers.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 200 }));
});
afterAll(async () => {
    await sim.close();
});

const open = (table: string): SimRow[] => sim.dump(table).filter((r) => r.statecode === 0);
const row = (table: string, id: string): SimRow => sim.dump(table).find((r) => r[`${table}id`] === id)!;

function opportunityClose(opportunityId: string, extra: Record<string, unknown> = {}) {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.opportunityclose',
        subject: 'Closed by migration',
        'opportunityid@odata.bind': `/opportunities(${opportunityId})`,
        ...extra,
    };
}

describe('opportunity won / lost', () => {
    it.each([
        [1, 3, 'won'],
        [2, 4, 'lost'],
    ])('refuses a plain update to statecode %i the way the service does', async (state, status, label) => {
        const id = open('opportunity')[0]!.opportunityid as string;
        const r = await client.patch(
            `opportunities(${id})`,
            { statecode: state, statuscode: status },
            { 'If-Match': '*' },
        );
        expect(r.status).toBe(400);
        // CannotUseOpportunitySetStateMessage: "This message can not be used to set the state of opportunity to {0}. In
        // order to set state of opportunity to {1}, use the {1} message instead." (as a live org words it)
        expect(r.json.error).toEqual({
            code: '0x80100005',
            message: `This message can not be used to set the state of opportunity to ${label}. In order to set state of opportunity to ${label}, use the ${label} message instead.`,
        });
        expect(row('opportunity', id).statecode).toBe(0);
    });

    it('closes rows with WinOpportunity / LoseOpportunity in a continue-on-error $batch, next to plain updates', async () => {
        const [won, lost] = open('opportunity') as [SimRow, SimRow];
        const account = open('account')[0]!;
        const lead = open('lead')[0]!;
        const { reply, parts } = await sendBatch(
            client,
            [
                {
                    method: 'POST',
                    url: 'WinOpportunity',
                    body: {
                        Status: 3,
                        OpportunityClose: opportunityClose(won.opportunityid as string, {
                            actualrevenue: 12345.5,
                            actualend: '2024-05-06T00:00:00Z',
                        }),
                    },
                },
                {
                    method: 'POST',
                    url: 'LoseOpportunity',
                    body: { Status: 5, OpportunityClose: opportunityClose(lost.opportunityid as string) },
                },
                {
                    method: 'PATCH',
                    url: `accounts(${account.accountid as string})`,
                    body: { statecode: 1, statuscode: 2 },
                },
                // A lead is disqualified by a plain update (SetState); the documentation refuses no lead state.
                { method: 'PATCH', url: `leads(${lead.leadid as string})`, body: { statecode: 2, statuscode: 6 } },
            ],
            'odata.continue-on-error',
        );
        expect(reply.status).toBe(200);
        expect(parts.map((p) => p.status)).toEqual([204, 204, 204, 204]);
        expect(row('opportunity', won.opportunityid as string)).toMatchObject({
            statecode: 1,
            statuscode: 3,
            actualvalue: 12345.5,
            actualclosedate: '2024-05-06T00:00:00Z',
        });
        expect(row('opportunity', lost.opportunityid as string)).toMatchObject({ statecode: 2, statuscode: 5 });
        expect(row('account', account.accountid as string)).toMatchObject({ statecode: 1, statuscode: 2 });
        expect(row('lead', lead.leadid as string)).toMatchObject({ statecode: 2, statuscode: 6 });
        // Each message created its close activity, completed, pointing to its opportunity.
        const closes = sim.dump('opportunityclose');
        expect(
            closes.map((c) => [(c.opportunityid as { id: string }).id, c.statecode, c.statuscode, c.subject]),
        ).toEqual(
            expect.arrayContaining([
                [won.opportunityid, 1, 2, 'Closed by migration'],
                [lost.opportunityid, 1, 2, 'Closed by migration'],
            ]),
        );
    });

    it('refuses a status that is not one of the target state, and closing a closed opportunity', async () => {
        const id = open('opportunity')[0]!.opportunityid as string;
        const wrong = await client.post('WinOpportunity', { Status: 4, OpportunityClose: opportunityClose(id) });
        expect(wrong.status).toBe(400);
        expect(wrong.json.error.message).toMatch(/^4 is not a valid status code for state code OpportunityState\.Won/);
        expect(row('opportunity', id).statecode).toBe(0);
        expect(
            (await client.post('WinOpportunity', { Status: 3, OpportunityClose: opportunityClose(id) })).status,
        ).toBe(204);
        const again = await client.post('WinOpportunity', { Status: 3, OpportunityClose: opportunityClose(id) });
        expect(again.status).toBe(400);
        expect(again.json.error.message).toBe(`The opportunity with Id ${id} is already closed.`);
    });

    it('reopens a closed opportunity with a plain update to Open', async () => {
        const id = sim.dump('opportunity').find((r) => r.statecode === 1)!.opportunityid as string;
        const r = await client.patch(`opportunities(${id})`, { statecode: 0, statuscode: 1 }, { 'If-Match': '*' });
        expect(r.status).toBe(204);
        expect(row('opportunity', id)).toMatchObject({ statecode: 0, statuscode: 1 });
    });

    it('refuses a WinOpportunity without its parameters', async () => {
        const r = await client.post('WinOpportunity', { Status: 3 });
        expect(r.status).toBe(400);
        expect(r.json.error.message).toBe(
            "The parameter 'OpportunityClose' of the action 'WinOpportunity' is missing.",
        );
    });
});

describe('columns and state in one update', () => {
    // "always set the desired statuscode" with statecode, in the same update as other columns (SetState is an update,
    // "Behavior of specialized update operations"): a migration closes a row's cycle and sets its state in one write.
    it('takes a lookup and statecode + statuscode together in UpdateMultiple', async () => {
        const [account, parent] = open('account') as [SimRow, SimRow];
        const id = account.accountid as string;
        const r = await client.post('accounts/Microsoft.Dynamics.CRM.UpdateMultiple', {
            Targets: [
                {
                    '@odata.type': 'Microsoft.Dynamics.CRM.account',
                    accountid: id,
                    'parentaccountid@odata.bind': `/accounts(${parent.accountid as string})`,
                    statecode: 1,
                    statuscode: 2,
                },
            ],
        });
        expect(r.status).toBe(204);
        expect(row('account', id)).toMatchObject({ statecode: 1, statuscode: 2 });
        expect(row('account', id).parentaccountid).toMatchObject({ id: parent.accountid });
    });

    it('refuses the whole update when the status is not one of the state, and changes nothing', async () => {
        const [account, parent] = open('account') as [SimRow, SimRow];
        const id = account.accountid as string;
        const before = row('account', id).parentaccountid ?? null;
        const r = await client.patch(
            `accounts(${id})`,
            { 'parentaccountid@odata.bind': `/accounts(${parent.accountid as string})`, statecode: 1, statuscode: 1 },
            { 'If-Match': '*' },
        );
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('0x80048408');
        expect(r.json.error.message).toBe(
            `1 is not a valid status code for state code AccountState.Inactive on account with Id ${id}.`,
        );
        expect(row('account', id)).toMatchObject({ statecode: 0 });
        expect(row('account', id).parentaccountid ?? null).toEqual(before);
    });
});

describe('lead qualified', () => {
    it('qualifies a lead with QualifyLead, creating nothing, and answers the collection of created entities', async () => {
        const lead = open('lead')[0]!;
        const r = await client.post(`leads(${lead.leadid as string})/Microsoft.Dynamics.CRM.QualifyLead`, {
            CreateAccount: false,
            CreateContact: false,
            CreateOpportunity: false,
            Status: 3,
        });
        expect(r.status).toBe(200);
        expect(r.json).toEqual({
            '@odata.context': `${client.api}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`,
            value: [],
        });
        expect(row('lead', lead.leadid as string)).toMatchObject({ statecode: 1, statuscode: 3 });
    });

    it('creates the account, contact and opportunity it is asked for and links them to the lead', async () => {
        const lead = open('lead')[0]!;
        const r = await client.post(`leads(${lead.leadid as string})/Microsoft.Dynamics.CRM.QualifyLead`, {
            CreateAccount: true,
            CreateContact: true,
            CreateOpportunity: true,
            Status: 3,
        });
        expect(r.status).toBe(200);
        const created = r.json.value as Array<Record<string, string>>;
        expect(created.map((c) => c['@odata.type'])).toEqual([
            '#Microsoft.Dynamics.CRM.account',
            '#Microsoft.Dynamics.CRM.contact',
            '#Microsoft.Dynamics.CRM.opportunity',
        ]);
        const after = row('lead', lead.leadid as string);
        expect((after.parentaccountid as { id: string }).id).toBe(created[0]!.accountid);
        expect((after.qualifyingopportunityid as { id: string }).id).toBe(created[2]!.opportunityid);
        expect(row('opportunity', created[2]!.opportunityid!).originatingleadid).toEqual({
            id: lead.leadid,
            table: 'lead',
        });
    });

    it('refuses to qualify a lead that is not open', async () => {
        const closed = sim.dump('lead').find((r) => r.statecode !== 0)!;
        const r = await client.post(`leads(${closed.leadid as string})/Microsoft.Dynamics.CRM.QualifyLead`, {
            CreateAccount: false,
            CreateContact: false,
            CreateOpportunity: false,
            Status: 3,
        });
        expect(r.status).toBe(400);
    });
});

describe('rows the crm generator makes', () => {
    it('include won, lost, qualified, disqualified and inactive rows with consistent pairs', async () => {
        const fresh = await startTestSimulator({ rows: 2000 });
        try {
            const states = (table: string) =>
                new Set(fresh.sim.dump(table).map((r) => `${r.statecode as number}/${r.statuscode as number}`));
            expect([...states('opportunity')].map((s) => s.split('/')[0])).toEqual(
                expect.arrayContaining(['0', '1', '2']),
            );
            expect([...states('lead')].map((s) => s.split('/')[0])).toEqual(expect.arrayContaining(['0', '1', '2']));
            for (const t of ['account', 'contact']) expect(states(t)).toEqual(new Set(['0/1', '1/2']));
            // A closed opportunity carries what closing it sets: a close date, and an actual revenue when won.
            for (const o of fresh.sim.dump('opportunity').filter((r) => r.statecode !== 0)) {
                expect(o.actualclosedate).not.toBeNull();
                if (o.statecode === 1) expect(o.actualvalue).not.toBeNull();
            }
        } finally {
            await fresh.sim.close();
        }
    });
});
