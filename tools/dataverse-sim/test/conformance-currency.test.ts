/**
 * The transaction currency of rows with money columns (src/server/currency.ts): a row written with money values and no
 * currency gets the organization's base currency (organization.basecurrencyid), and a row's exchangerate is its
 * currency's (transaction-currency-currency-entity.md: "All money properties in a record share the same transaction
 * currency"; "The exchange rate is the value of a transaction currency equal to one base currency").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimLookupValue, SimRow } from '../src/model.js';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let base: SimRow;
let euro: SimRow;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator());
    const baseId = (sim.dump('organization')[0]!.basecurrencyid as SimLookupValue).id;
    const currencies = sim.dump('transactioncurrency');
    base = currencies.find((c) => c.transactioncurrencyid === baseId)!;
    euro = currencies.find((c) => c.isocurrencycode === 'EUR')!;
});
afterAll(async () => {
    await sim.close();
});

async function readCurrency(id: string): Promise<{ currency: unknown; rate: unknown }> {
    const r = await client.get(`accounts(${id})?$select=_transactioncurrencyid_value,exchangerate`);
    expect(r.status, r.text).toBe(200);
    return { currency: r.json._transactioncurrencyid_value, rate: r.json.exchangerate };
}

describe('transaction currency', () => {
    it('serves currencies with their ISO code and exchange rate, and the base currency on the organization', async () => {
        const r = await client.get('transactioncurrencies?$select=isocurrencycode,currencyname,exchangerate');
        expect(r.status).toBe(200);
        const codes = (r.json.value as Array<{ isocurrencycode: string; exchangerate: number }>).map((c) => [
            c.isocurrencycode,
            c.exchangerate,
        ]);
        expect(codes).toContainEqual(['EUR', 0.92]);
        const org = await client.get('organizations?$select=_basecurrencyid_value');
        expect(org.json.value[0]._basecurrencyid_value).toBe(base.transactioncurrencyid);
        expect(base.exchangerate).toBe(1);
    });

    it('gives a row created with money values and no currency the base currency and its exchange rate', async () => {
        const id = await client.create('accounts', { name: 'No currency', revenue: 1000 });
        expect(await readCurrency(id)).toEqual({ currency: base.transactioncurrencyid, rate: 1 });
    });

    it('keeps the currency a row is created with, with that currency’s exchange rate (bulk writes alike)', async () => {
        const bind = `/transactioncurrencies(${euro.transactioncurrencyid as string})`;
        const id = await client.create('accounts', {
            name: 'In euro',
            revenue: 1000,
            'transactioncurrencyid@odata.bind': bind,
        });
        expect(await readCurrency(id)).toEqual({ currency: euro.transactioncurrencyid, rate: 0.92 });
        const bulkId = '5c1f0a3e-0000-4000-8000-00000000c001';
        const bulk = await client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [
                { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: bulkId, name: 'Bulk', creditlimit: 5 },
            ],
        });
        expect(bulk.status, bulk.text).toBe(204);
        expect(await readCurrency(bulkId)).toEqual({ currency: base.transactioncurrencyid, rate: 1 });
    });

    it('leaves a row without money values without a currency', async () => {
        const id = await client.create('accounts', { name: 'No money' });
        expect(await readCurrency(id)).toEqual({ currency: null, rate: null });
    });

    it('puts a row whose currency is cleared while it has money values in the base currency, amounts unchanged', async () => {
        const bind = `/transactioncurrencies(${euro.transactioncurrencyid as string})`;
        const id = await client.create('accounts', {
            name: 'Cleared',
            revenue: 250,
            'transactioncurrencyid@odata.bind': bind,
        });
        const cleared = await client.patch(`accounts(${id})`, { 'transactioncurrencyid@odata.bind': null });
        expect(cleared.status, cleared.text).toBe(204);
        expect(await readCurrency(id)).toEqual({ currency: base.transactioncurrencyid, rate: 1 });
        const r = await client.get(`accounts(${id})?$select=revenue`);
        expect(r.json.revenue).toBe(250);
    });

    it('gives a row its currency when money values are added later, and refuses exchangerate from a client', async () => {
        const id = await client.create('accounts', { name: 'Money later' });
        expect((await client.patch(`accounts(${id})`, { creditlimit: 10 })).status).toBe(204);
        expect(await readCurrency(id)).toEqual({ currency: base.transactioncurrencyid, rate: 1 });
        const refused = await client.patch(`accounts(${id})`, { exchangerate: 2 });
        expect(refused.status).toBe(400);
        expect(refused.json.error.message).toBe(
            "The 'exchangerate' attribute of the 'account' entity is not valid for update.",
        );
    });
});
