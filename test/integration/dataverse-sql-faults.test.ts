/**
 * The client against the simulator's database faults: a SQL timeout halves the bulk chunk until the rows go through
 * (down to single rows, which then fail with the service's message), a deadlock is retried and lowers the
 * parallelism; what the service rolled back is never half written.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type LimitsConfig, type SimRow, type Simulator } from 'dataverse-sim';
import { createDataverseClient, type Row, type WriteTable } from '../../src/dataverse/index.js';
import { FAST_RETRY } from './dataverse-helpers.js';

const ACCOUNT: WriteTable = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };

const SQL_TIMEOUT_MESSAGE =
    'Sql error: SQL timeout expired. CRM ErrorCode: -2147204783 Sql ErrorCode: -2146232060 Sql Number: -2';

function newAccounts(n: number, tag: string): Row[] {
    return Array.from({ length: n }, (_, i) => ({
        accountid: randomUUID(),
        name: `${tag} ${i}`,
        numberofemployees: i,
    }));
}

function stored(sim: Simulator, rows: Row[]): SimRow[] {
    const byId = new Map(sim.dump('account').map((row) => [row.accountid as string, row]));
    return rows.flatMap((row): SimRow[] => {
        const found = byId.get(row.accountid as string);
        return found ? [found] : [];
    });
}

let sim: Simulator | undefined;
afterEach(async () => {
    await sim?.close();
    sim = undefined;
});

describe('SQL timeouts', () => {
    it('halve the chunk until it goes through; every row is written once, as sent', async () => {
        // Writes of more than 25 rows always time out, smaller ones never.
        sim = await startSimulator({ schema: 'crm', faults: { seed: 1, sqlTimeout: { ratePerRow: 1, minRows: 26 } } });
        const client = createDataverseClient({ url: sim.url, writeBatchSize: 100, retry: FAST_RETRY });
        const accounts = newAccounts(250, 'split');
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        expect(results.every((r) => r.ok)).toBe(true);
        expect(results.map((r) => r.index)).toEqual(accounts.map((_, i) => i));
        expect(stored(sim, accounts).map((row) => [row.name, row.numberofemployees])).toEqual(
            accounts.map((row) => [row.name, row.numberofemployees]),
        );
        // Chunks 100, 100, 50: 100 -> 50 + 50 -> 25 x 4 each, 50 -> 25 x 2; seven timeouts, ten writes of 25 rows.
        expect(sim.stats().faults.sqlTimeout).toBe(7);
        expect(sim.stats().statuses).toMatchObject({ '500': 7, '204': 10 });
        expect(client.stats()).toMatchObject({ transientRetries: 0, failed: 7 });
        // The next write of the table starts at the size that went through: no timeout, four writes of 25 rows.
        const more = newAccounts(100, 'learned');
        expect((await client.upsertMultiple(ACCOUNT, more)).every((r) => r.ok)).toBe(true);
        expect(sim.stats().faults.sqlTimeout).toBe(7);
        expect(sim.stats().statuses).toMatchObject({ '500': 7, '204': 14 });
    });

    it("down to one row: a row that still times out fails alone with the service's message, nothing written", async () => {
        sim = await startSimulator({ schema: 'crm', faults: { seed: 1, sqlTimeout: { ratePerRow: 1 } } });
        const client = createDataverseClient({
            url: sim.url,
            writeBatchSize: 4,
            retry: { ...FAST_RETRY, maxTransientAttempts: 3 },
        });
        const accounts = newAccounts(4, 'single');
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        for (const [i, result] of results.entries()) {
            expect(result).toMatchObject({ index: i, ok: false, status: 500, code: '0x80044151' });
            expect(result.message).toBe(`${SQL_TIMEOUT_MESSAGE} (gave up after 3 attempts)`);
        }
        expect(stored(sim, accounts)).toEqual([]);
        // 4 rows, 2 + 2, then each row alone three times.
        expect(sim.stats().faults.sqlTimeout).toBe(1 + 2 + 4 * 3);
    });
});

describe('deadlocks', () => {
    it('are retried with jitter while the limiter lowers the parallelism; every row is written', async () => {
        sim = await startSimulator({
            schema: 'crm',
            latencyMs: 30, // writers overlap while their answers are on the way
            faults: { seed: 5, deadlock: { ratePerConcurrentWriter: 0.05 } },
        });
        const client = createDataverseClient({
            url: sim.url,
            maxConcurrency: 16,
            writeBatchSize: 5,
            retry: FAST_RETRY,
        });
        const accounts = newAccounts(300, 'deadlock');
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        expect(results.every((r) => r.ok)).toBe(true);
        expect(stored(sim, accounts)).toHaveLength(300);
        const deadlocks = sim.stats().faults.deadlock;
        expect(deadlocks).toBeGreaterThan(0);
        const stats = client.stats();
        expect(stats.deadlockRetries).toBe(deadlocks);
        expect(stats.failed).toBe(0);
        expect(stats.concurrency.contentions).toBe(deadlocks);
        expect(stats.concurrency.decreases).toBeGreaterThan(0);
    });

    it("that outlast their retries fail the chunk's rows with the service's message", async () => {
        // A write holds its table for 2 s of server time per row: while it does, every other writer of it deadlocks.
        const slowWrites: LimitsConfig = {
            windowSeconds: 300,
            maxRequestsPerWindow: 100_000,
            maxExecutionMsPerWindow: 1e9,
            maxConcurrentRequests: 52,
            dopHint: 8,
            keepSendingPenaltySeconds: 0,
            serverTime: { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 2000 },
        };
        sim = await startSimulator({
            schema: 'crm',
            limits: slowWrites,
            faults: { seed: 2, deadlock: { ratePerConcurrentWriter: 1 } },
        });
        const holder = fetch(`${sim.url}/api/data/v9.2/accounts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: 'Holder' }),
        });
        while (sim.stats().tables.account!.rowsWritten === 0) await new Promise((resolve) => setTimeout(resolve, 5));

        const client = createDataverseClient({ url: sim.url, retry: { ...FAST_RETRY, maxTransientAttempts: 3 } });
        const accounts = newAccounts(3, 'victim');
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        for (const result of results) {
            expect(result).toMatchObject({ ok: false, status: 500 });
            expect(['0x80044150', '0x80040255']).toContain(result.code);
            expect(result.message).toMatch(
                /(Sql Number: 1205|swallowed SQL deadlock exception\.) \(gave up after 3 attempts\)$/,
            );
        }
        expect(stored(sim, accounts)).toEqual([]);
        expect(client.stats()).toMatchObject({ deadlockRetries: 2, concurrency: { contentions: 2 } });
        expect((await holder).status).toBe(204);
    });
});
