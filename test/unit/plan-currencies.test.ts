/**
 * Source currencies without a match in the target (src/plan/currencies.ts), through preparePlan against a source
 * simulator with currencies its empty counterpart lacks: a currency that copied rows with money values use (within
 * each table's filter) is a problem naming its ISO code, name, tables and row counts; one that no such row uses is a
 * warning; a fallback in references.transactioncurrency maps it; once the target has the currency, nothing is said.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { preparePlan } from '../../src/plan/prepare.js';
import type { PlanIssue } from '../../src/plan/types.js';
import { validateSpec, type MigrationSpec } from '../../src/spec/index.js';
import { startSimulator, type Simulator } from 'dataverse-sim';

let source: Simulator;
let target: Simulator;
let clients: { source: DataverseWriteClient; target: DataverseWriteClient };
/** The plan of the default spec, before the target has any of the source's extra currencies. */
let defaultPlan: ReturnType<typeof preparePlan>;

const CURRENCY = {
    gold: 'c0000000-0000-4000-8000-00000000000a',
    yen: 'c0000000-0000-4000-8000-00000000000b',
    franc: 'c0000000-0000-4000-8000-00000000000c',
};

async function send(sim: Simulator, method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${sim.url}/api/data/v9.2/${path}`, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

const currency = (id: string, iso: string, name: string) => ({
    transactioncurrencyid: id,
    isocurrencycode: iso,
    currencyname: name,
    currencysymbol: iso,
    exchangerate: 2,
    currencyprecision: 2,
});

const inCurrency = (id: string) => ({ 'transactioncurrencyid@odata.bind': `/transactioncurrencies(${id})` });

function spec(references: Record<string, unknown> = {}): MigrationSpec {
    const validated = validateSpec({
        name: 'currencies',
        source: { url: source.url },
        target: { url: target.url },
        tables: [{ name: 'account' }, { name: 'opportunity', filter: 'closeprobability ge 50' }],
        references,
    });
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    return validated.spec;
}

const aboutCurrencies = (issues: PlanIssue[]) => issues.filter((i) => i.table === 'transactioncurrency');

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 0, seed: 11 }),
        startSimulator({ schema: 'crm', rows: 0, seed: 11, empty: true }),
    ]);
    clients = {
        source: createDataverseClient({ url: source.url, credential: { type: 'none' } }),
        target: createDataverseClient({ url: target.url, credential: { type: 'none' } }),
    };
    await send(source, 'POST', 'transactioncurrencies', currency(CURRENCY.gold, 'XAU', 'Gold'));
    await send(source, 'POST', 'transactioncurrencies', currency(CURRENCY.yen, 'JPY', 'Yen'));
    await send(source, 'POST', 'transactioncurrencies', currency(CURRENCY.franc, 'CHF', 'Swiss Franc'));
    // Gold: two accounts with money values, an opportunity inside the filter and one outside it.
    await send(source, 'POST', 'accounts', { name: 'Gold one', revenue: 10, ...inCurrency(CURRENCY.gold) });
    await send(source, 'POST', 'accounts', { name: 'Gold two', creditlimit: 5, ...inCurrency(CURRENCY.gold) });
    await send(source, 'POST', 'opportunities', {
        name: 'Gold deal',
        closeprobability: 80,
        estimatedvalue: 100,
        ...inCurrency(CURRENCY.gold),
    });
    await send(source, 'POST', 'opportunities', {
        name: 'Unlikely gold deal',
        closeprobability: 10,
        estimatedvalue: 100,
        ...inCurrency(CURRENCY.gold),
    });
    // Yen: an account without money values; Franc: only an opportunity outside the filter.
    await send(source, 'POST', 'accounts', { name: 'Yen, no money', ...inCurrency(CURRENCY.yen) });
    await send(source, 'POST', 'opportunities', {
        name: 'Unlikely franc deal',
        closeprobability: 5,
        estimatedvalue: 7,
        ...inCurrency(CURRENCY.franc),
    });
    // Rows in a matched currency (the base currency, given by the platform) are never counted.
    await send(source, 'POST', 'accounts', { name: 'Dollars', revenue: 1 });
    defaultPlan = preparePlan(spec(), clients);
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

describe('source currencies without a match in the target', () => {
    it('is a problem for a currency copied rows with money use, naming it, the tables and the rows', async () => {
        const { plan } = await defaultPlan;
        expect(aboutCurrencies(plan.problems)).toEqual([
            {
                table: 'transactioncurrency',
                message:
                    "source currency 'XAU' (Gold) has no match in the target by isocurrencycode, and copied rows with " +
                    'money values use it: account (2 rows), opportunity (1 row). Without their currency the target ' +
                    'would keep the same amounts in its base currency. Create the currency in the target, or map it: ' +
                    'references.transactioncurrency.fallback names the isocurrencycode of a target currency to use instead',
            },
        ]);
        expect(plan.problems).toHaveLength(1);
    });

    it('only warns of a currency no copied row with money uses (no money values, or outside the filter)', async () => {
        const { plan } = await preparePlan(spec(), clients);
        expect(aboutCurrencies(plan.warnings).map((w) => w.message)).toEqual([
            "source currency 'JPY' (Yen) has no match in the target by isocurrencycode; no copied row with money values uses it (within each table's filter)",
            "source currency 'CHF' (Swiss Franc) has no match in the target by isocurrencycode; no copied row with money values uses it (within each table's filter)",
        ]);
    });

    it('is no problem when references.transactioncurrency maps unmatched currencies to a fallback', async () => {
        const { plan } = await preparePlan(
            spec({ transactioncurrency: { matchOn: ['isocurrencycode'], fallback: 'USD' } }),
            clients,
        );
        expect(plan.problems).toEqual([]);
        expect(plan.warnings.map((w) => w.message)).toContain(
            `transactioncurrency 'XAU' (${CURRENCY.gold}) has no match by isocurrencycode in the target: using fallback 'USD'`,
        );
    });

    it('only warns when the source will not count the rows (the copy still fails them one by one)', async () => {
        const validated = validateSpec({
            ...spec(),
            tables: [{ name: 'account', filter: 'new_nosuchcolumn eq 1' }],
        });
        if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
        const { plan } = await preparePlan(validated.spec, clients);
        expect(aboutCurrencies(plan.problems)).toEqual([]);
        expect(aboutCurrencies(plan.warnings).map((w) => w.message)).toEqual([
            expect.stringMatching(
                /^cannot count the copied rows in source currencies that have no match in the target \(rows with money values in them will fail\): .*new_nosuchcolumn/,
            ),
        ]);
    });

    it('says nothing once the target has the currency', async () => {
        await send(
            target,
            'POST',
            'transactioncurrencies',
            currency('c0000000-0000-4000-8000-0000000000ff', 'XAU', 'Gold'),
        );
        const { plan } = await preparePlan(spec(), clients);
        expect(plan.problems).toEqual([]);
        expect(
            aboutCurrencies(plan.warnings)
                .map((w) => w.message)
                .join('\n'),
        ).not.toContain('XAU');
    });
});
