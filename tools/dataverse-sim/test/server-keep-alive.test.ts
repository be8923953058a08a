/**
 * The listener's keep-alive (server/keep-alive.ts): by default Node's server limit with its `Keep-Alive: timeout=5`
 * hint; with `keepAliveTimeoutMs` a request that reaches a connection idle that long is cut unanswered, the crossing of
 * a server close and a client's reuse played every time, while a connection reused sooner is answered.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { startTestSimulator } from './server-helpers.js';

interface Answer {
    status: number;
    keepAlive: string | undefined;
    reused: boolean;
}

/** One GET of WhoAmI through `agent`; rejects with the socket's error when no answer comes. */
function whoAmI(sim: Simulator, agent: Agent): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const req = request(`${sim.url}/api/data/v9.2/WhoAmI`, { agent }, (res) => {
            res.resume();
            res.on('end', () =>
                resolve({
                    status: res.statusCode ?? 0,
                    keepAlive: res.headers['keep-alive'] as string | undefined,
                    reused: req.reusedSocket,
                }),
            );
        });
        req.on('error', reject);
        req.end();
    });
}

let plain: Simulator;
let short: Simulator;

beforeAll(async () => {
    [{ sim: plain }, { sim: short }] = await Promise.all([
        startTestSimulator(),
        startTestSimulator({ keepAliveTimeoutMs: 150 }),
    ]);
});
afterAll(() => Promise.all([plain?.close(), short?.close()]));

describe('keep-alive', () => {
    it("keeps Node's server default, with its 5-second hint", async () => {
        const agent = new Agent({ keepAlive: true });
        expect(await whoAmI(plain, agent)).toMatchObject({ status: 200, keepAlive: 'timeout=5' });
        agent.destroy();
    });

    it('answers a request on a connection reused within the limit, and cuts one past it unanswered', async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        expect(await whoAmI(short, agent)).toMatchObject({ status: 200, reused: false, keepAlive: undefined });
        expect(await whoAmI(short, agent)).toMatchObject({ status: 200, reused: true });
        const requests = short.stats().requests;
        await sleep(300); // idle past the 150 ms limit; the client still holds the connection
        await expect(whoAmI(short, agent)).rejects.toMatchObject({ code: 'ECONNRESET' });
        expect(short.stats()).toMatchObject({ keepAliveCuts: 1, requests }); // cut before any work
        // A new connection is answered.
        expect(await whoAmI(short, agent)).toMatchObject({ status: 200, reused: false });
        agent.destroy();
    });
});
