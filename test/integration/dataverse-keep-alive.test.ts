/**
 * The client's pooled connections against a server's keep-alive limit (the simulator's `keepAliveTimeoutMs` cuts a
 * request that reaches a connection idle past it, as a server close crossing the request does: server-keep-alive
 * test). A client that keeps idle sockets longer than the server meets the cut: a read is retried, a write comes back
 * ambiguous, to be settled by reading. The client closes idle sockets first (transport.ts IDLE_SOCKET_MS, under Node's
 * 5-second server default that the simulator advertises), so it never sends on one the server is closing; a slow
 * answer on a busy socket is not cut by that limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from 'dataverse-sim';
import { createDataverseClient } from '../../src/dataverse/index.js';
import { IDLE_SOCKET_MS } from '../../src/dataverse/transport.js';
import { FAST_RETRY } from './dataverse-helpers.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

const SERVER_IDLE_MS = 200;
const account = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };
const id = (n: number) => `c${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;

let racing: Sim;
let slow: Sim;

beforeAll(async () => {
    [racing, slow] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 0, seed: 1, keepAliveTimeoutMs: SERVER_IDLE_MS }),
        startSimulator({ schema: 'crm', rows: 0, seed: 1, latencyMs: 300 }),
    ]);
});
afterAll(() => Promise.all([racing?.close(), slow?.close()]));

/** A read, a pause past the server's limit, then a read and a write on the pooled connections. */
async function idleThenReuse(idleSocketMs: number, n: number) {
    racing.resetStats();
    const client = createDataverseClient({ url: racing.url, retry: FAST_RETRY, idleSocketMs, maxConcurrency: 1 });
    await client.whoAmI();
    await sleep(SERVER_IDLE_MS * 2);
    await client.whoAmI();
    await sleep(SERVER_IDLE_MS * 2);
    const write = await client.upsertMultiple(account, [{ accountid: id(n), name: `row ${n}` }], {});
    return { stats: client.stats(), write, cuts: racing.stats().keepAliveCuts };
}

describe('keep-alive', () => {
    it('meets the cut when its idle sockets outlive the server: a read retried, a write left ambiguous', async () => {
        const { stats, write, cuts } = await idleThenReuse(SERVER_IDLE_MS * 50, 1);
        expect(cuts).toBe(2);
        expect(stats.transientRetries).toBe(1);
        expect(write).toEqual([expect.objectContaining({ ok: false, ambiguous: true })]);
        expect(racing.dump('account').some((a) => a.accountid === id(1))).toBe(false); // the cut write was not applied
    });

    it('closes idle sockets before the server does, so nothing is cut, retried or left ambiguous', async () => {
        const { stats, write, cuts } = await idleThenReuse(SERVER_IDLE_MS / 4, 2);
        expect(cuts).toBe(0);
        expect(stats.transientRetries).toBe(0);
        expect(write).toEqual([expect.objectContaining({ ok: true })]);
    });

    it("closes idle sockets under the simulator's advertised keep-alive by default, and waits out a slow answer", async () => {
        const hint = (await fetch(`${slow.url}/api/data/v9.2/WhoAmI`)).headers.get('keep-alive');
        expect(hint).toBe('timeout=5');
        expect(IDLE_SOCKET_MS).toBeLessThan(5_000);
        const client = createDataverseClient({ url: slow.url, retry: FAST_RETRY, idleSocketMs: 50 });
        await client.whoAmI(); // 300 ms on a busy socket, six times the idle limit
        expect(client.stats()).toMatchObject({ succeeded: 1, transientRetries: 0 });
    });
});
