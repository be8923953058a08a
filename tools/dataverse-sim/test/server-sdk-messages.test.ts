/**
 * The message catalogue answers the documented availability query ("Use bulk operation messages", Availability with
 * standard tables, Web API) as the bulk actions behave: one sdkmessagefilter for a table that takes the message, an
 * empty value for one that does not, whose bulk action the service refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema } from '../src/index.js';
import type { Simulator } from '../src/index.js';
import { startTestSimulator, type Client } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    const schema = crmSchema();
    schema.tables.find((t) => t.logicalName === 'contact')!.bulkOperations = false;
    ({ sim, client } = await startTestSimulator({ schema }));
});
afterAll(async () => {
    await sim.close();
});

/** The documented request, with the message and table as parameter aliases. */
const availability = (message: string, table: string) =>
    client.get(
        `sdkmessagefilters?$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq @table&@message='${message}'&@table='${table}'`,
    );

describe('sdkmessagefilters: which tables take which message', () => {
    it('answers the documented query with one filter id for a table that takes the message', async () => {
        const r = await availability('CreateMultiple', 'account');
        expect(r.status).toBe(200);
        expect(r.json['@odata.context']).toBe(`${client.api}$metadata#sdkmessagefilters(sdkmessagefilterid)`);
        expect(r.json.value).toHaveLength(1);
        expect(Object.keys(r.json.value[0]).sort()).toEqual(['@odata.etag', 'sdkmessagefilterid']);
        expect(r.json.value[0].sdkmessagefilterid).toMatch(/^[0-9a-f-]{36}$/);
        expect((await availability('UpsertMultiple', 'account')).json.value).toHaveLength(1);
    });

    it('answers an empty value for a table without the message, whose bulk action is refused', async () => {
        for (const message of ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple'])
            expect((await availability(message, 'contact')).json.value, message).toEqual([]);
        expect((await availability('Create', 'contact')).json.value).toHaveLength(1);
        // DeleteMultiple is for elastic tables only.
        expect((await availability('DeleteMultiple', 'account')).json.value).toEqual([]);
        const refused = await client.post('contacts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.contact', lastname: 'x' }],
        });
        expect(refused.status).toBe(400);
        expect(refused.json.error.message).toMatch(/does not support entities of type 'contact'/);
    });

    it('lists the filters with their columns and the messages by name', async () => {
        const filters = await client.get(`sdkmessagefilters?$filter=primaryobjecttypecode eq 'account'`);
        expect(filters.json.value[0]).toMatchObject({
            primaryobjecttypecode: 'account',
            secondaryobjecttypecode: 'none',
            iscustomprocessingstepallowed: true,
        });
        const messages = await client.get(`sdkmessages?$select=sdkmessageid,name&$filter=name eq 'UpsertMultiple'`);
        expect(messages.json.value).toHaveLength(1);
        const ids = new Set(filters.json.value.map((f: { _sdkmessageid_value: string }) => f._sdkmessageid_value));
        expect(ids.has(messages.json.value[0].sdkmessageid)).toBe(true);
        const wrong = await client.get(`sdkmessagefilters?$filter=nosuchcolumn eq 1`);
        expect(wrong.status).toBe(400);
        expect(wrong.json.error.message).toBe(
            "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.sdkmessagefilter'.",
        );
    });
});
