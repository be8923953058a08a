/**
 * Conformance of service protection limits over HTTP (research §3.4, §4, §9 note 9): one 429 test per limit
 * (requests, execution time, concurrency) with the documented code, message, body shape and Retry-After, and the
 * `x-ms-dop-hint` / debug headers. Each limit runs in its own simulator with a compressed time scale, so the whole
 * file takes a couple of seconds; budgets are per user, the user being the bearer token string (auth `any`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LimitsConfig, Simulator } from '../src/index.js';
import { DATAVERSE_LIMITS } from '../src/index.js';
import { throttleMessage } from '../src/gate/throttle-errors.js';
import type { Client, Reply } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const JSON_TYPE = 'application/json; odata.metadata=minimal';
const NO_WORK = { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 0 };

/** The documented texts (research §4, verbatim, note the two spaces before "milliseconds"). */
const requestsMessage = (n: number, s: number): string =>
    `Number of requests exceeded the limit of ${n} over time window of ${s} seconds.`;
const EXECUTION_MESSAGE =
    'Combined execution time of incoming requests exceeded limit of 1,200,000  milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.';
const CONCURRENCY_MESSAGE = 'Number of concurrent requests exceeded the limit of 52.';

function as(user: string): Record<string, string> {
    return { Authorization: `Bearer ${user}` };
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** A 429 as research §4/§7 describe it; returns Retry-After in (real) seconds. */
function expect429(r: Reply, code: string, message: string): number {
    expect(r.status).toBe(429);
    expect(r.headers.get('Content-Type')).toBe(JSON_TYPE);
    expect(r.headers.get('OData-Version')).toBe('4.0');
    expect(r.json).toEqual({ error: { code, message } });
    const retryAfter = r.headers.get('Retry-After');
    expect(retryAfter).toMatch(/^\d+(\.\d+)?$/);
    return Number(retryAfter);
}

/** Waits (polling) until `cond` holds; the tests use it to order concurrent work, never to measure time. */
async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 2000 && !cond(); i++) await sleep(2);
    expect(cond()).toBe(true);
}

async function start(limits: LimitsConfig, timeScale: number): Promise<{ sim: Simulator; client: Client }> {
    return startTestSimulator({ rows: 0, limits, timeScale });
}

describe('verbatim texts with the documented limits (research §4)', () => {
    it('builds the three messages and codes from the dataverse preset exactly as documented', () => {
        // research §4 table: codes 0x80072322 / 0x80072321 / 0x80072326 and the verbatim messages
        expect(throttleMessage('requests', DATAVERSE_LIMITS)).toEqual({
            code: '0x80072322',
            message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
        });
        expect(throttleMessage('executionTime', DATAVERSE_LIMITS)).toEqual({
            code: '0x80072321',
            message: EXECUTION_MESSAGE,
        });
        expect(throttleMessage('concurrency', DATAVERSE_LIMITS)).toEqual({
            code: '0x80072326',
            message: CONCURRENCY_MESSAGE,
        });
    });
});

describe('number of requests (research §4)', () => {
    // 5 requests per 60 simulated seconds; 0.01 real s per simulated s: the window is 0.6 real seconds.
    const limits: LimitsConfig = {
        ...DATAVERSE_LIMITS,
        windowSeconds: 60,
        maxRequestsPerWindow: 5,
        dopHint: 12,
        serverTime: NO_WORK,
    };
    let sim: Simulator;
    let client: Client;
    beforeAll(async () => {
        ({ sim, client } = await start(limits, 0.01));
    });
    afterAll(async () => {
        await sim.close();
    });

    it('serves the limit, rejects the next request with 429 0x80072322 and Retry-After, then serves again', async () => {
        // research §4: trips only after the limit is exceeded; 429 + Retry-After in seconds; per user
        const first = await client.get('WhoAmI', as('req'));
        expect(first.status).toBe(200);
        // research §3.4 and §4: x-ms-dop-hint on responses; the debug header counts down
        expect(first.headers.get('x-ms-dop-hint')).toBe('12');
        expect(first.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('4');
        for (let i = 2; i <= 5; i++) expect((await client.get('WhoAmI', as('req'))).status).toBe(200);

        const rejected = await client.get('WhoAmI', as('req'));
        const retryAfter = expect429(rejected, '0x80072322', requestsMessage(5, 60));
        expect(rejected.headers.get('x-ms-dop-hint')).toBe('12');
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(0.6); // at most one window (60 simulated s = 0.6 real s)

        // Another user has a budget of its own.
        expect((await client.get('WhoAmI', as('someone else'))).status).toBe(200);

        // research §4: "on 429, wait Retry-After seconds, then retry"
        await sleep(retryAfter * 1000 + 20);
        expect((await client.get('WhoAmI', as('req'))).status).toBe(200);
    });
});

describe('execution time (research §4)', () => {
    // The documented budget (1,200,000 ms per 300 s) with each written row costing 300,000 simulated ms; at 0.002
    // real s per simulated s the window is 0.6 real seconds and each create answers after 0.6 real seconds.
    const limits: LimitsConfig = {
        ...DATAVERSE_LIMITS,
        serverTime: { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 300_000 },
    };
    let sim: Simulator;
    let client: Client;
    beforeAll(async () => {
        ({ sim, client } = await start(limits, 0.002));
    });
    afterAll(async () => {
        await sim.close();
    });

    it('serves the request that exceeds the budget, then rejects with 429 0x80072321 and Retry-After', async () => {
        // research §4: five concurrent creates (1,500,000 ms) exceed 1,200,000 ms; the next request is rejected
        const creates = Array.from({ length: 5 }, (_v, i) =>
            client.post('accounts', { name: `expensive ${i}` }, as('exec')),
        );
        await until(() => sim.gate.stats().totalExecutionMs >= 1_500_000);
        const rejected = await client.get('WhoAmI', as('exec'));
        const retryAfter = expect429(rejected, '0x80072321', EXECUTION_MESSAGE);
        expect(rejected.headers.get('x-ms-dop-hint')).toBe('48');
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(0.6);
        expect((await Promise.all(creates)).map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
        expect((await client.get('WhoAmI', as('other'))).status).toBe(200);

        await sleep(retryAfter * 1000 + 20);
        expect((await client.get('WhoAmI', as('exec'))).status).toBe(200);
    });
});

describe('concurrent requests (research §4)', () => {
    // The documented limit of 52; every request holds its slot for 400 ms of server time (time scale 1).
    const limits: LimitsConfig = { ...DATAVERSE_LIMITS, serverTime: { ...NO_WORK, fixedMsPerRequest: 400 } };
    let sim: Simulator;
    let client: Client;
    beforeAll(async () => {
        ({ sim, client } = await start(limits, 1));
    });
    afterAll(async () => {
        await sim.close();
    });

    it('rejects the 53rd concurrent request at once with 429 0x80072326 and Retry-After: 1', async () => {
        // research §4: "Exceeding the concurrency limit errors immediately"
        const base = sim.gate.stats().admitted;
        const running = Array.from({ length: 52 }, () => client.get('WhoAmI', as('conc')));
        await until(() => sim.gate.stats().admitted - base >= 52);
        const rejected = await client.get('WhoAmI', as('conc'));
        // Whole seconds, as the service sends them, when time is not compressed.
        expect(expect429(rejected, '0x80072326', CONCURRENCY_MESSAGE)).toBe(1);
        expect(rejected.headers.get('Retry-After')).toBe('1');
        expect(rejected.headers.get('x-ms-dop-hint')).toBe('48');
        const statuses = (await Promise.all(running)).map((r) => r.status);
        expect(statuses).toEqual(Array.from({ length: 52 }, () => 200));
        expect(sim.gate.stats().throttled.concurrency).toBe(1);
    });
});
