/**
 * Outages of a whole environment: connections refused on the same port, or 503 with Retry-After for every request;
 * either way the environment comes back with its data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { startTestSimulator, type Client } from './server-helpers.js';

let sim: Simulator | undefined;
let client: Client;
afterEach(async () => {
    await sim?.close();
    sim = undefined;
});

/** The error code of a fetch that got no answer (undici puts it on the cause). */
async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
    const error = await promise.then(
        () => undefined,
        (e: unknown) => e as { cause?: { code?: string } },
    );
    return error?.cause?.code;
}

describe('an outage', () => {
    it("'refuse' closes the port and cuts open requests; the environment comes back on it with its data", async () => {
        ({ sim, client } = await startTestSimulator({ latencyMs: 300 }));
        const id = await client.create('accounts', { name: 'Before' });
        const cut = client.get(`accounts(${id})`);
        await new Promise((resolve) => setTimeout(resolve, 50)); // the request is in flight
        await sim.beginOutage('refuse');
        expect(await refusal(cut)).toBeDefined();
        expect(await refusal(client.get('WhoAmI'))).toBe('ECONNREFUSED');

        await sim.endOutage();
        const back = await client.get(`accounts(${id})`);
        expect(back.status).toBe(200);
        expect(back.json.name).toBe('Before');
        expect(new URL(sim.url).port).toBe(String(sim.port));
    });

    it("'unavailable' answers every request 503 with Retry-After before auth, limits or work", async () => {
        ({ sim, client } = await startTestSimulator({ auth: 'strict' }));
        await sim.beginOutage('unavailable', { retryAfterSeconds: 7 });
        const reply = await client.post('accounts', { name: 'During' });
        expect(reply.status).toBe(503);
        expect(reply.headers.get('Retry-After')).toBe('7');
        expect(reply.json.error.code).toBe('0x80040216');
        expect(sim.stats().gate).toMatchObject({ outage: 1, unauthorized: 0, admitted: 0 });
        await sim.endOutage();
        expect((await client.get('WhoAmI')).status).toBe(401); // strict auth again: the service is back
    });

    it('ends by itself after its length, and is driven over HTTP by POST /_sim/outage', async () => {
        ({ sim, client } = await startTestSimulator());
        const begin = await fetch(`${sim.url}/_sim/outage`, {
            method: 'POST',
            body: JSON.stringify({ mode: 'refuse', seconds: 0.3 }),
        });
        expect(begin.status).toBe(202);
        expect(await refusal(client.get('WhoAmI'))).toBe('ECONNREFUSED');
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect((await client.get('WhoAmI')).status).toBe(200);

        await fetch(`${sim.url}/_sim/outage`, { method: 'POST', body: JSON.stringify({ mode: 'unavailable' }) });
        expect((await client.get('WhoAmI')).status).toBe(503);
        const end = await fetch(`${sim.url}/_sim/outage`, { method: 'POST', body: JSON.stringify({ end: true }) });
        expect(end.status).toBe(204);
        expect((await client.get('WhoAmI')).status).toBe(200);
        const bad = await fetch(`${sim.url}/_sim/outage`, { method: 'POST', body: JSON.stringify({ mode: 'gone' }) });
        expect(bad.status).toBe(400);
    });
});
