/**
 * A row with money values in a source currency the target lacks, once the plan has passed (the currency was used by no
 * copied row then, so the plan only warned): the copy never clears its currency, which the target (simulator:
 * src/server/currency.ts) would replace with its base currency under the same amounts. The row fails with
 * UnmatchedCurrency naming the ISO code (under onUnresolvedLookup 'clear', the default; 'fail' alike:
 * test/unit/copy-row-currency.test.ts); a row of that currency without money values is written with its currency
 * cleared, as before. The next run's plan refuses to start.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { UNMATCHED_CURRENCY_CODE } from '../../src/copy/row-plan.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { createFileRunStore, runPaths, type RunStore } from '../../src/runlog/index.js';
import type { MigrationSpec } from '../../src/spec/index.js';
import { startSimulator, type Simulator } from 'dataverse-sim';

let source: Simulator;
let target: Simulator;
let store: RunStore;
const connect = (spec: MigrationSpec) => createEnvironmentClients(spec, { env: process.env, userAgent: 'test' });
const signal = new AbortController().signal;

const GOLD = 'c0000000-0000-4000-8000-00000000000a';
const ACCOUNT = {
    dollars: 'a0000000-0000-4000-8000-000000000001',
    goldNoMoney: 'a0000000-0000-4000-8000-000000000002',
    gold: 'a0000000-0000-4000-8000-000000000003',
    movedToGold: 'a0000000-0000-4000-8000-000000000004',
};

async function send(sim: Simulator, method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${sim.url}/api/data/v9.2/${path}`, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

const inCurrency = (id: string) => ({ 'transactioncurrencyid@odata.bind': `/transactioncurrencies(${id})` });
const currencyOf = (sim: Simulator, id: string) =>
    (sim.dump('account').find((a) => a.accountid === id)?.transactioncurrencyid as { id: string } | null)?.id;
const euroOf = (sim: Simulator) =>
    sim.dump('transactioncurrency').find((c) => c.isocurrencycode === 'EUR')!.transactioncurrencyid as string;

/** A new source row with money in gold, and the euro row moved to gold (PATCH upserts: the same twice). */
async function moveToGold(): Promise<void> {
    await send(source, 'PATCH', `accounts(${ACCOUNT.gold})`, { name: 'Gold', revenue: 10, ...inCurrency(GOLD) });
    await send(source, 'PATCH', `accounts(${ACCOUNT.movedToGold})`, inCurrency(GOLD));
}

/** The plan activity of a run of the accounts (default onUnresolvedLookup 'clear'). */
async function planRun(runId: string, runStore = store) {
    const activities = createActivities({ store: runStore, connect });
    const spec = {
        name: 'currency',
        source: { url: source.url },
        target: { url: target.url },
        tables: [{ name: 'account' }],
    };
    const planned: any = await activities.planRun(
        { runId, spec, trigger: 'test', startedAt: '2026-12-07T12:00:00Z' },
        { signal },
    );
    return { activities, planned };
}

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 0, seed: 21 }),
        startSimulator({ schema: 'crm', rows: 0, seed: 21, empty: true }),
    ]);
    store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-currency-')));
    await send(source, 'POST', 'transactioncurrencies', {
        transactioncurrencyid: GOLD,
        isocurrencycode: 'XAU',
        currencyname: 'Gold',
        currencysymbol: 'XAU',
        exchangerate: 0.0005,
        currencyprecision: 2,
    });
    await send(source, 'POST', 'accounts', { accountid: ACCOUNT.dollars, name: 'Dollars', revenue: 100 });
    await send(source, 'POST', 'accounts', { accountid: ACCOUNT.goldNoMoney, name: 'No money', ...inCurrency(GOLD) });
    // A row the target already holds in euro, whose source moves to gold after the plan.
    const euro = { source: euroOf(source), target: euroOf(target) };
    await send(source, 'POST', 'accounts', {
        accountid: ACCOUNT.movedToGold,
        name: 'Moved',
        revenue: 5,
        ...inCurrency(euro.source),
    });
    await send(target, 'POST', 'accounts', {
        accountid: ACCOUNT.movedToGold,
        name: 'Moved',
        revenue: 5,
        ...inCurrency(euro.target),
    });
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

describe('a row with money values in a currency the target lacks, after the plan passed', () => {
    it('fails with UnmatchedCurrency naming the ISO code, never lands in the base currency', async () => {
        const runId = 'currency-20261207-120000-aaaa';
        const { activities, planned } = await planRun(runId);
        expect(planned.problems).toEqual([]);
        // Between plan and copy: a new row in gold, and the euro row moved to gold.
        await moveToGold();
        await activities.listPages({ runId, table: 'account', mode: 'full' }, { signal });
        const done: any = await activities.copyPage({ runId, table: 'account', page: 0, kind: 'copy' }, { signal });

        expect(done.counts).toMatchObject({ read: 4, failed: 2 });
        const errors = (await store.readText(runPaths(runId).errors('account')))!;
        for (const id of [ACCOUNT.gold, ACCOUNT.movedToGold]) {
            const line = errors.split('\n').find((l) => l.includes(id))!;
            expect(line).toContain(UNMATCHED_CURRENCY_CODE);
            expect(line).toContain(
                `transactioncurrencyid points to transactioncurrency 'XAU' (${GOLD}), which has no match in the target`,
            );
            expect(line).toContain('money values (revenue)');
        }
        // Nothing landed in another currency: the new row is not written, the moved row keeps its euro.
        expect(target.dump('account').some((a) => a.accountid === ACCOUNT.gold)).toBe(false);
        expect(currencyOf(target, ACCOUNT.movedToGold)).toBe(euroOf(target));
        // A row with money in a matched currency is written; a gold row without money values loses only its currency.
        expect(currencyOf(target, ACCOUNT.dollars)).toBeDefined();
        const noMoney = target.dump('account').find((a) => a.accountid === ACCOUNT.goldNoMoney);
        expect(noMoney?.name).toBe('No money');
        expect(noMoney?.transactioncurrencyid ?? null).toBeNull();
    });

    it('refuses the next run at its plan, now that copied rows with money use the currency', async () => {
        await moveToGold();
        // A store of its own: the first run still holds its lease on the target's accounts.
        const own = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-currency-')));
        const { planned } = await planRun('currency-20261207-120000-bbbb', own);
        expect(planned.problems).toEqual([
            {
                table: 'transactioncurrency',
                message: expect.stringContaining(
                    "source currency 'XAU' (Gold) has no match in the target by isocurrencycode, and copied rows with money values use it: account (2 rows).",
                ),
            },
        ]);
    });
});
