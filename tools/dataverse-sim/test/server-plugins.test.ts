/**
 * The environment's own logic: plug-in steps that set a column in the main operation of a create or update
 * (`plugins`, model.ts `SimPlugin`), so the row read back holds their value on every write path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator, SimPlugin } from '../src/index.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPluginsFile, startSimulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const PLUGINS: SimPlugin[] = [
    { table: 'account', column: 'accountnumber', set: { kind: 'uppercase' } },
    { table: 'account', column: 'fax', set: { kind: 'compose', from: ['name', 'telephone1'], separator: ' / ' } },
    { table: 'account', column: 'lastusedincampaign', on: ['update'], set: { kind: 'stamp' } },
];

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ plugins: PLUGINS }));
});
afterAll(async () => {
    await sim.close();
});

const SELECT = '$select=accountnumber,fax,lastusedincampaign,modifiedon';
const type = { '@odata.type': 'Microsoft.Dynamics.CRM.account' };

describe('plug-ins that rewrite what was written', () => {
    it('a create by POST stores the plug-ins values, not the ones written', async () => {
        const id = await client.create('accounts', {
            name: 'Alpha',
            telephone1: '555',
            accountnumber: 'ab-1',
            fax: 'x',
        });
        const row = (await client.get(`accounts(${id})?${SELECT}`)).json;
        expect(row.accountnumber).toBe('AB-1');
        expect(row.fax).toBe('Alpha / 555');
        // Registered on update only.
        expect(row.lastusedincampaign).toBeNull();
    });

    it('an update by PATCH: the uppercase and the stamp apply, the composed column follows its parts', async () => {
        const id = await client.create('accounts', { name: 'Beta', accountnumber: 'B-1' });
        sim.advanceClock(60_000);
        const r = await client.patch(`accounts(${id})`, { accountnumber: 'b-2', telephone1: '777', fax: 'mine' });
        expect(r.status).toBe(204);
        const row = (await client.get(`accounts(${id})?${SELECT}`)).json;
        expect(row.accountnumber).toBe('B-2');
        expect(row.fax).toBe('Beta / 777');
        expect(row.lastusedincampaign).toBe(row.modifiedon);
        // An update that touches none of the composed parts leaves the composed column as it is.
        await client.patch(`accounts(${id})`, { description: 'd' });
        expect((await client.get(`accounts(${id})?${SELECT}`)).json.fax).toBe('Beta / 777');
    });

    it('the bulk actions run them too (UpsertMultiple create and update, UpdateMultiple)', async () => {
        const id = '7a1d0c34-0000-4000-8000-000000000001';
        const create = await client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [{ ...type, accountid: id, name: 'Gamma', accountnumber: 'g-1' }],
        });
        expect(create.status).toBe(204);
        expect((await client.get(`accounts(${id})?${SELECT}`)).json.accountnumber).toBe('G-1');
        const upsert = await client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [{ ...type, accountid: id, accountnumber: 'g-2' }],
        });
        expect(upsert.status).toBe(204);
        expect((await client.get(`accounts(${id})?${SELECT}`)).json.accountnumber).toBe('G-2');
        const update = await client.post('accounts/Microsoft.Dynamics.CRM.UpdateMultiple', {
            Targets: [{ ...type, accountid: id, accountnumber: 'g-3', telephone1: '1' }],
        });
        expect(update.status).toBe(204);
        const row = (await client.get(`accounts(${id})?${SELECT}`)).json;
        expect(row.accountnumber).toBe('G-3');
        expect(row.fax).toBe('Gamma / 1');
    });

    it('a value the plug-in would not change is stored as written', async () => {
        const id = await client.create('accounts', { name: 'Delta', accountnumber: 'D-1' });
        expect((await client.get(`accounts(${id})?${SELECT}`)).json.accountnumber).toBe('D-1');
    });
});

describe('plug-in configuration', () => {
    it.each([
        [
            { table: 'nosuch', column: 'name', set: { kind: 'uppercase' } },
            "plugins[0]: no table 'nosuch' in the schema",
        ],
        [
            { table: 'account', column: 'nosuch', set: { kind: 'stamp' } },
            "plugins[0]: table 'account' has no column 'nosuch'",
        ],
        [
            { table: 'account', column: 'revenue', set: { kind: 'uppercase' } },
            "plugins[0]: 'uppercase' sets String or Memo columns; 'revenue' is Money",
        ],
        [
            { table: 'account', column: 'fax', set: { kind: 'compose', from: ['name', 'nope'] } },
            "plugins[0]: table 'account' has no column 'nope'",
        ],
    ] as Array<[SimPlugin, string]>)('refuses a plug-in the schema cannot run: %j', async (plugin, message) => {
        await expect(startSimulator({ schema: 'crm', plugins: [plugin] })).rejects.toThrow(message);
    });

    it('reads a plug-ins file (--plugins), naming the file and the path of a bad entry', () => {
        const dir = mkdtempSync(join(tmpdir(), 'sim-plugins-'));
        const good = join(dir, 'good.json');
        writeFileSync(good, JSON.stringify(PLUGINS));
        expect(loadPluginsFile(good)).toEqual(PLUGINS);
        const bad = join(dir, 'bad.json');
        writeFileSync(bad, JSON.stringify([{ table: 'account', column: 'name', set: { kind: 'lowercase' } }]));
        expect(() => loadPluginsFile(bad)).toThrow(`Invalid plug-ins file ${bad}:`);
        expect(() => loadPluginsFile(bad)).toThrow('0.set.kind');
    });
});
