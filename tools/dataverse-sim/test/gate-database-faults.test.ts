/**
 * SQL timeouts and deadlocks as fault classes: chances that grow with a write's rows and with the other writers of its
 * table, the service's status, code and message, a stream of their own, and nothing written when one fires (HTTP).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGate, parseFaultsConfig, type FaultsConfig, type Gate, type GateContext } from '../src/gate/index.js';
import { DEADLOCK_MESSAGE, SQL_TIMEOUT_MESSAGE, TRANSACTION_ABORTED_MESSAGE } from '../src/gate/database-faults.js';
import type { Simulator } from '../src/index.js';
import { sendBatch } from './batch-helpers.js';
import { ManualClock, admitted, request } from './gate-helpers.js';
import { startTestSimulator, type Client } from './server-helpers.js';

const written = { rowsRead: 0, rowsWritten: 1, status: 204 };

function gateWith(faults: FaultsConfig, clock = new ManualClock(), latencyMs = 0): Gate {
    return createGate({
        envUrl: 'http://127.0.0.1:1',
        auth: 'any',
        limits: 'none',
        faults,
        clock: clock.read,
        latencyMs,
    });
}

/** Share of `n` writes of `rows` rows (each alone on its table) that time out. */
function timeoutShare(gate: Gate, rows: number, n = 4000): number {
    let timeouts = 0;
    for (let i = 0; i < n; i++) {
        const ctx = admitted(gate.enter(request()));
        if (gate.write(ctx, { table: 'account', rows })) timeouts++;
        gate.leave(ctx, written);
    }
    return timeouts / n;
}

describe('SQL timeouts', () => {
    it('are likelier the more rows a write holds: 1 - (1 - ratePerRow)^rows', () => {
        const gate = gateWith({ seed: 1, sqlTimeout: { ratePerRow: 0.01 } });
        const expected = (rows: number) => 1 - 0.99 ** rows;
        for (const rows of [1, 10, 100]) expect(Math.abs(timeoutShare(gate, rows) - expected(rows))).toBeLessThan(0.03);
    });

    it('never hit writes below minRows, so halving a batch gets under the threshold', () => {
        const gate = gateWith({ seed: 1, sqlTimeout: { ratePerRow: 1, minRows: 26 } });
        expect(timeoutShare(gate, 100, 50)).toBe(1);
        expect(timeoutShare(gate, 26, 50)).toBe(1);
        expect(timeoutShare(gate, 25, 50)).toBe(0);
        expect(gate.stats().faults.sqlTimeout).toBe(100);
    });

    it("answer 500 with the service's SQL timeout code and message", () => {
        const gate = gateWith({ seed: 1, sqlTimeout: { ratePerRow: 1 } });
        const error = gate.write(admitted(gate.enter(request())), { table: 'account', rows: 1 });
        expect(error?.status).toBe(500);
        expect(error?.toBody()).toEqual({ error: { code: '0x80044151', message: SQL_TIMEOUT_MESSAGE } });
        expect(error?.headers['x-ms-dop-hint']).toBeDefined();
    });
});

describe('deadlocks', () => {
    /** A write of `table` that ran and holds it (its response not due yet); victims are sent again. */
    function holding(gate: Gate, table: string): GateContext {
        for (;;) {
            const ctx = admitted(gate.enter(request()));
            if (!gate.write(ctx, { table, rows: 1 })) return ctx;
            gate.leave(ctx, { ...written, rowsWritten: 0 });
        }
    }

    it('never hit a write alone on its table; the chance grows with each other writer of the same table', () => {
        const config: FaultsConfig = { seed: 4, deadlock: { ratePerConcurrentWriter: 0.2 } };
        const share = (others: number) => {
            const gate = gateWith(config);
            const holders = Array.from({ length: others }, () => holding(gate, 'contact'));
            holding(gate, 'account'); // another table does not count
            let deadlocks = 0;
            for (let i = 0; i < 4000; i++) {
                const ctx = admitted(gate.enter(request()));
                if (gate.write(ctx, { table: 'contact', rows: 1 })) deadlocks++;
                gate.leave(ctx, { ...written, rowsWritten: 0 });
            }
            holders.forEach((ctx) => gate.leave(ctx, written));
            return deadlocks / 4000;
        };
        expect(share(0)).toBe(0);
        expect(Math.abs(share(1) - 0.2)).toBeLessThan(0.03);
        expect(Math.abs(share(3) - (1 - 0.8 ** 3))).toBeLessThan(0.03);
    });

    it('a writer holds its table until its response is due, then lets go', () => {
        const clock = new ManualClock();
        const gate = gateWith({ seed: 4, deadlock: { ratePerConcurrentWriter: 1 } }, clock, 100);
        const first = holding(gate, 'contact');
        gate.leave(first, written); // its response waits the 100 ms latency
        const second = admitted(gate.enter(request()));
        expect(gate.write(second, { table: 'contact', rows: 1 })?.status).toBe(500);
        gate.leave(second, { ...written, rowsWritten: 0 });
        clock.advance(100);
        const third = admitted(gate.enter(request()));
        expect(gate.write(third, { table: 'contact', rows: 1 })).toBeUndefined();
        expect(gate.stats().faults.deadlock).toBe(1);
    });

    it("answer 500 as a 1205 victim or as a transaction already rolled back, with the service's codes", () => {
        const gate = gateWith({ seed: 2, deadlock: { ratePerConcurrentWriter: 1, transactionAbortedShare: 0.5 } });
        holding(gate, 'lead');
        const bodies = new Map<string, string>();
        for (let i = 0; i < 200; i++) {
            const error = gate.write(admitted(gate.enter(request())), { table: 'lead', rows: 1 });
            expect(error?.status).toBe(500);
            bodies.set(error!.code, error!.message);
        }
        expect(Object.fromEntries(bodies)).toEqual({
            '0x80044150': DEADLOCK_MESSAGE,
            '0x80040255': TRANSACTION_ABORTED_MESSAGE,
        });
        expect(DEADLOCK_MESSAGE).toContain('Sql Number: 1205');
    });
});

describe('database faults and the other faults', () => {
    it('draw from a stream of their own: the other faults replay exactly as without them', () => {
        const base: FaultsConfig = { seed: 9, serverError: { rate: 0.1 }, slow: { rate: 0.1, extraMs: 5 } };
        const outcomes = (config: FaultsConfig) => {
            const gate = gateWith(config);
            return Array.from({ length: 300 }, () => {
                const entered = gate.enter(request());
                if (!entered.ok) return `pre-${entered.error.status}`;
                gate.write(entered.ctx, { table: 'account', rows: 50 });
                const exit = gate.leave(entered.ctx, written);
                return exit.kind === 'respond' ? `respond ${exit.delayMs}` : exit.kind;
            });
        };
        expect(outcomes({ ...base, sqlTimeout: { ratePerRow: 0.05 } })).toEqual(outcomes(base));
    });

    it('at most one fault per request: none for a request that drew another fault, one per request', () => {
        const gate = gateWith({ seed: 9, slow: { rate: 1, extraMs: 5 }, sqlTimeout: { ratePerRow: 1 } });
        const ctx = admitted(gate.enter(request()));
        expect(gate.write(ctx, { table: 'account', rows: 10 })).toBeUndefined();
        const other = gateWith({ seed: 9, sqlTimeout: { ratePerRow: 1 } });
        const batch = admitted(other.enter(request()));
        expect(other.write(batch, { table: 'account', rows: 1 })).toBeDefined();
        expect(other.write(batch, { table: 'account', rows: 1 })).toBeUndefined();
    });

    it('are checked in the faults file', () => {
        expect(() =>
            parseFaultsConfig({
                seed: 1,
                sqlTimeout: { ratePerRow: 1.5, minRows: 0 },
                deadlock: { ratePerConcurrentWriter: -1, transactionAbortedShare: 2, extra: true },
            }),
        ).toThrow(
            /sqlTimeout\.ratePerRow[\s\S]*sqlTimeout\.minRows[\s\S]*deadlock\.ratePerConcurrentWriter[\s\S]*deadlock\.transactionAbortedShare[\s\S]*deadlock/,
        );
    });
});

describe('over HTTP', () => {
    let sim: Simulator | undefined;
    afterEach(async () => {
        await sim?.close();
        sim = undefined;
    });

    const accounts = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => ({ '@odata.type': 'Microsoft.Dynamics.CRM.account', name: `${tag} ${i}` }));

    it('a timed-out bulk write writes nothing; a smaller batch of the same rows goes through', async () => {
        let client: Client;
        ({ sim, client } = await startTestSimulator({
            faults: { seed: 1, sqlTimeout: { ratePerRow: 1, minRows: 26 } },
        }));
        const before = sim.dump('account').length;
        const big = await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
            Targets: accounts(40, 'big'),
        });
        expect(big.status).toBe(500);
        expect(big.json).toEqual({ error: { code: '0x80044151', message: SQL_TIMEOUT_MESSAGE } });
        expect(sim.dump('account')).toHaveLength(before);
        const small = await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
            Targets: accounts(20, 'small'),
        });
        expect(small.status).toBe(200);
        expect(sim.dump('account')).toHaveLength(before + 20);
        expect(sim.stats().faults.sqlTimeout).toBe(1);
    });

    it('concurrent writers of one table deadlock; the victims write nothing, the others commit', async () => {
        let client: Client;
        ({ sim, client } = await startTestSimulator({
            latencyMs: 40,
            faults: { seed: 5, deadlock: { ratePerConcurrentWriter: 0.3 } },
        }));
        const before = sim.dump('contact').length;
        const replies = await Promise.all(
            Array.from({ length: 24 }, (_, i) =>
                client.post('contacts/Microsoft.Dynamics.CRM.CreateMultiple', {
                    Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.contact', lastname: `Writer ${i}` }],
                }),
            ),
        );
        const victims = replies.filter((r) => r.status === 500);
        expect(victims.length).toBeGreaterThan(0);
        expect(victims.length).toBe(sim.stats().faults.deadlock);
        for (const victim of victims) expect(['0x80044150', '0x80040255']).toContain(victim.json.error.code);
        expect(replies.filter((r) => r.status === 200)).toHaveLength(24 - victims.length);
        expect(sim.dump('contact')).toHaveLength(before + 24 - victims.length);
    });

    it('a $batch part is a transaction of its own: one part rolls back, the others commit', async () => {
        let client: Client;
        ({ sim, client } = await startTestSimulator({ faults: { seed: 3, sqlTimeout: { ratePerRow: 0.5 } } }));
        const before = sim.dump('account').length;
        const { reply, parts } = await sendBatch(
            client,
            Array.from({ length: 6 }, (_, i) => ({ method: 'POST', url: 'accounts', body: { name: `Part ${i}` } })),
            'odata.continue-on-error',
        );
        expect(reply.status).toBe(200);
        const failed = parts.filter((p) => p.status === 500);
        expect(failed).toHaveLength(1); // at most one database fault per request
        expect(JSON.parse(failed[0]!.body)).toEqual({ error: { code: '0x80044151', message: SQL_TIMEOUT_MESSAGE } });
        expect(sim.dump('account')).toHaveLength(before + 5);
    });
});
