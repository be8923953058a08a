/**
 * Quotes, orders and cases through whole runs against the simulator's state machines: a won or closed quote is
 * created as a Draft, activated, then won/closed by its message; cases are resolved by CloseIncident, orders fulfilled
 * or canceled by theirs. On a later run, a closed target row the source changed is reopened, updated and closed again
 * (quote: Draft, Active, WinQuote; case: reactivated, CloseIncident), and a closed order, which is not reopened, is
 * reported once per run as closed in the target and counted skipped, never failed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema } from 'dataverse-sim';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;
const ids: Record<string, string> = {};

const close = (parameter: string, lookup: string, set: string, id: string) => ({
    [parameter]: {
        '@odata.type': `Microsoft.Dynamics.CRM.${parameter.toLowerCase()}`,
        subject: 'Closed in the source',
        [`${lookup}@odata.bind`]: `/${set}(${id})`,
    },
});
const patch = (sim: Pair['source'], path: string, body: unknown) => api(sim, 'PATCH', path, body, { 'If-Match': '*' });

async function create(set: string, body: Record<string, unknown>): Promise<string> {
    const row = await api(pair.source, 'POST', set, body, { Prefer: 'return=representation' });
    return row[`${set === 'salesorders' ? 'salesorder' : set.slice(0, -1)}id`];
}

const row = (sim: Pair['source'], table: string, id: string): any =>
    (sim.dump(table) as any[]).find((r) => r[`${table}id`] === id);

async function warnings(runId: string): Promise<any[]> {
    const text = await readFile(join(pair.dir, 'log', 'runs', runId, 'events.jsonl'), 'utf8');
    return text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((e) => e.type === 'warning' && e.code !== undefined);
}

beforeAll(async () => {
    pair = await simulatorPair({ schema: 'crm', rows: 30, seed: 5 }, { schema: 'crm', rows: 30, seed: 5, empty: true });
    const account = (pair.source.dump('account') as any[])[0].accountid;
    const customer = { 'customerid_account@odata.bind': `/accounts(${account})` };
    for (const name of ['won', 'closed', 'active', 'draft'])
        ids[`quote-${name}`] = await create('quotes', { name: `Quote ${name}`, ...customer });
    for (const name of ['won', 'closed', 'active'])
        await patch(pair.source, `quotes(${ids[`quote-${name}`]})`, { statecode: 1, statuscode: 2 });
    await api(pair.source, 'POST', 'WinQuote', {
        Status: 4,
        ...close('QuoteClose', 'quoteid', 'quotes', ids['quote-won']!),
    });
    await api(pair.source, 'POST', 'CloseQuote', {
        Status: 6,
        ...close('QuoteClose', 'quoteid', 'quotes', ids['quote-closed']!),
    });
    for (const name of ['resolved', 'canceled', 'active'])
        ids[`case-${name}`] = await create('incidents', { title: `Case ${name}`, ...customer });
    await api(pair.source, 'POST', 'CloseIncident', {
        Status: 5,
        ...close('IncidentResolution', 'incidentid', 'incidents', ids['case-resolved']!),
    });
    await patch(pair.source, `incidents(${ids['case-canceled']})`, { statecode: 2, statuscode: 6 });
    for (const name of ['fulfilled', 'canceled', 'active'])
        ids[`order-${name}`] = await create('salesorders', { name: `Order ${name}`, ...customer });
    const orderClose = (id: string) => close('OrderClose', 'salesorderid', 'salesorders', id);
    await api(pair.source, 'POST', 'FulfillSalesOrder', { Status: 100001, ...orderClose(ids['order-fulfilled']!) });
    await api(pair.source, 'POST', 'CancelSalesOrder', { Status: 4, ...orderClose(ids['order-canceled']!) });
    specPath = await writeSpec(pair, {
        name: 'state-machines',
        tables: [{ name: 'account' }, { name: 'quote' }, { name: 'incident' }, { name: 'salesorder' }],
    });
});
afterAll(() => pair?.close());

describe('quotes, cases and orders', () => {
    it('copies every state through the messages, activating quotes before WinQuote / CloseQuote', async () => {
        const { code, summary } = await runJson(pair, specPath);
        expect(summary.reason ?? '').toBe('');
        expect(code).toBe(0);
        for (const table of ['quote', 'incident', 'salesorder'])
            expect(summary.tables[table].state).toMatchObject({ failed: 0 });
        const states = (table: string, prefix: string) =>
            Object.entries(ids)
                .filter(([k]) => k.startsWith(prefix))
                .map(([k, id]) => [k, row(pair.target, table, id)?.statecode, row(pair.target, table, id)?.statuscode]);
        expect(states('quote', 'quote-')).toEqual([
            ['quote-won', 2, 4],
            ['quote-closed', 3, 6],
            ['quote-active', 1, 2],
            ['quote-draft', 0, 1],
        ]);
        expect(states('incident', 'case-')).toEqual([
            ['case-resolved', 1, 5],
            ['case-canceled', 2, 6],
            ['case-active', 0, 1],
        ]);
        expect(states('salesorder', 'order-')).toEqual([
            ['order-fulfilled', 3, 100001],
            ['order-canceled', 2, 4],
            ['order-active', 0, 1],
        ]);
        expect(pair.target.dump('quoteclose')).toHaveLength(2);
        expect(pair.target.dump('incidentresolution')).toHaveLength(1);
        expect(pair.target.dump('orderclose')).toHaveLength(2);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });

    it('reopens, updates and closes again a closed quote and case the source changed; reports a closed order once a run', async () => {
        // The source edits its closed rows the way the platform lets it: reopen, change, close again.
        const won = ids['quote-won']!;
        await patch(pair.source, `quotes(${won})`, { statecode: 0, statuscode: 1 });
        await patch(pair.source, `quotes(${won})`, { description: 'Edited after it was won' });
        await patch(pair.source, `quotes(${won})`, { statecode: 1, statuscode: 2 });
        await api(pair.source, 'POST', 'WinQuote', { Status: 4, ...close('QuoteClose', 'quoteid', 'quotes', won) });
        const resolved = ids['case-resolved']!;
        await patch(pair.source, `incidents(${resolved})`, { statecode: 0, statuscode: 1 });
        await patch(pair.source, `incidents(${resolved})`, { description: 'Root cause found later' });
        await api(pair.source, 'POST', 'CloseIncident', {
            Status: 5,
            ...close('IncidentResolution', 'incidentid', 'incidents', resolved),
        });
        // An order closed in the target whose source changed: the target keeps it closed.
        const order = ids['order-active']!;
        await api(pair.target, 'POST', 'FulfillSalesOrder', {
            Status: 100001,
            ...close('OrderClose', 'salesorderid', 'salesorders', order),
        });
        await patch(pair.source, `salesorders(${order})`, { description: 'Changed in the source' });

        for (const attempt of [1, 2]) {
            const { code, summary } = await runJson(pair, specPath);
            expect(code).toBe(0);
            expect(summary.tables.salesorder.copy).toMatchObject({ failed: 0, written: 0 });
            expect(summary.tables.salesorder.copy.skipped).toBe(summary.tables.salesorder.copy.read);
            const reports = await warnings(summary.runId);
            expect(reports).toEqual([
                expect.objectContaining({
                    table: 'salesorder',
                    sourceId: order,
                    code: 'ClosedInTarget',
                    message: expect.stringMatching(/closed \(statecode 3\).*cannot be reopened/),
                }),
            ]);
            if (attempt === 1) {
                expect(summary.tables.quote.copy).toMatchObject({ updated: 1, failed: 0 });
                expect(summary.tables.quote.state).toMatchObject({ written: 1, failed: 0 });
                expect(summary.tables.incident.copy).toMatchObject({ updated: 1, failed: 0 });
                expect(summary.tables.incident.state).toMatchObject({ written: 1, failed: 0 });
            }
        }
        expect(row(pair.target, 'quote', won)).toMatchObject({
            description: 'Edited after it was won',
            statecode: 2,
            statuscode: 4,
        });
        expect(row(pair.target, 'incident', resolved)).toMatchObject({
            description: 'Root cause found later',
            statecode: 1,
            statuscode: 5,
        });
        const kept = row(pair.target, 'salesorder', order);
        expect([kept.statecode, kept.description ?? null]).toEqual([3, null]);
    });
});

describe('a target that enforces status transitions (EnforceStateTransitions)', () => {
    let enforced: Pair;
    let spec: string;
    const cases: Record<string, string> = {};

    // The target's cases: In Progress (1) -> On Hold (2) only; On Hold -> Problem Solved (5) or Canceled (6).
    function enforcingSchema() {
        const schema = crmSchema();
        const incident = schema.tables.find((t) => t.logicalName === 'incident')!;
        incident.enforceStateTransitions = true;
        const status = incident.attributes.find((a) => a.type === 'Status')!;
        const allowed: Record<number, number[]> = { 1: [2], 2: [5, 6], 5: [], 6: [], 1000: [] };
        status.options = status.options!.map((o) => (allowed[o.value] ? { ...o, transitions: allowed[o.value] } : o));
        return schema;
    }

    beforeAll(async () => {
        enforced = await simulatorPair(
            { schema: 'crm', rows: 30, seed: 5 },
            { schema: enforcingSchema(), rows: 30, seed: 5, empty: true },
        );
        const account = (enforced.source.dump('account') as any[])[0].accountid;
        for (const name of ['resolved', 'canceled', 'informed']) {
            const row = await api(
                enforced.source,
                'POST',
                'incidents',
                { title: name, 'customerid_account@odata.bind': `/accounts(${account})` },
                { Prefer: 'return=representation' },
            );
            cases[name] = row.incidentid;
        }
        const resolve = (id: string, status: number) =>
            api(enforced.source, 'POST', 'CloseIncident', {
                Status: status,
                ...close('IncidentResolution', 'incidentid', 'incidents', id),
            });
        await resolve(cases.resolved!, 5);
        await resolve(cases.informed!, 1000);
        await patch(enforced.source, `incidents(${cases.canceled})`, { statecode: 2, statuscode: 6 });
        spec = await writeSpec(enforced, { name: 'transitions', tables: [{ name: 'account' }, { name: 'incident' }] });
    });
    afterAll(() => enforced?.close());

    it('reaches each status through the allowed ones, and reports the one no chain reaches', async () => {
        const { code, summary } = await runJson(enforced, spec);
        expect(code).toBe(0);
        expect(summary.tables.incident.state).toMatchObject({ read: 3, written: 2, skipped: 1, failed: 0 });
        const status = (id: string) => row(enforced.target, 'incident', id)?.statuscode;
        expect([status(cases.resolved!), status(cases.canceled!), status(cases.informed!)]).toEqual([5, 6, 1]);
        const text = await readFile(join(enforced.dir, 'log', 'runs', summary.runId, 'events.jsonl'), 'utf8');
        const reports = text
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l))
            .filter((e) => e.code === 'NoStateTransition');
        expect(reports).toEqual([
            expect.objectContaining({
                table: 'incident',
                sourceId: cases.informed,
                message: expect.stringMatching(/does not allow status 1 to become 1000/),
            }),
        ]);
    });
});

describe('e-mails in a sending status', () => {
    let mail: Pair;

    beforeAll(async () => {
        // The source's mailbox does not send (mail waits in Pending Send); the target's sends what is set to it.
        const quiet = crmSchema();
        quiet.tables.find((t) => t.logicalName === 'email')!.sendsPendingEmail = false;
        mail = await simulatorPair(
            { schema: quiet, rows: 10, seed: 5 },
            { schema: 'crm', rows: 10, seed: 5, empty: true },
        );
    });
    afterAll(() => mail?.close());

    it('are never written as sending: left as drafts in the target, reported once per run', async () => {
        const made: Record<string, string> = {};
        for (const [name, status] of [
            ['pending', 6],
            ['sent', 3],
        ] as const) {
            const row = await api(
                mail.source,
                'POST',
                'emails',
                { subject: name },
                { Prefer: 'return=representation' },
            );
            made[name] = row.activityid;
            await patch(mail.source, `emails(${row.activityid})`, { statecode: 1, statuscode: status });
        }
        const spec = await writeSpec(mail, { name: 'mail', tables: [{ name: 'email' }] });
        const { code, summary } = await runJson(mail, spec);
        expect(code).toBe(0);
        expect(summary.tables.email.state).toMatchObject({ read: 2, written: 1, skipped: 1, failed: 0 });
        const target = (id: string) => (mail.target.dump('email') as any[]).find((r) => r.activityid === id);
        expect(target(made.pending!)).toMatchObject({ statecode: 0, statuscode: 1 });
        expect(target(made.pending!).senton ?? null).toBe(null);
        expect(target(made.sent!)).toMatchObject({ statecode: 1, statuscode: 3 });
        const text = await readFile(join(mail.dir, 'log', 'runs', summary.runId, 'events.jsonl'), 'utf8');
        const events = text
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l));
        const reports = events.filter((e) => e.code === 'StateNotWritten');
        // And one event naming how many.
        expect(events.filter((e) => e.code === 'StatesNotWritten')).toEqual([
            expect.objectContaining({ table: 'email', count: 1, message: expect.stringMatching(/^1 email row kept/) }),
        ]);
        expect(reports).toEqual([
            expect.objectContaining({
                table: 'email',
                sourceId: made.pending,
                message: expect.stringMatching(/^Pending Send: e-mails are never set to a sending status/),
            }),
        ]);
    });
});
