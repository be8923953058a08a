import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestJwt, startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, DataverseError } from '../../src/dataverse/index.js';
import { FakeIdentity, FAST_RETRY, validTokenFor } from './dataverse-helpers.js';

describe('authentication against a strict environment', () => {
    let sim: Simulator;
    beforeAll(async () => {
        sim = await startSimulator({ schema: 'crm', rows: 50, auth: 'strict' });
    });
    afterAll(() => sim.close());

    it('sends the credential token as a bearer token and caches it', async () => {
        const identity = validTokenFor(sim.url);
        const client = createDataverseClient({ url: sim.url, tokenCredential: identity });
        await client.whoAmI();
        await client.get('accounts?$select=name&$top=1');
        expect(identity.calls).toBe(1);
        expect(sim.stats().gate.requestsPerUser['11111111-2222-3333-4444-555555555555']).toBe(2);
    });

    it('gives one clear auth error for a rejected token, with no token in it', async () => {
        const badToken = makeTestJwt({ aud: 'https://other.crm.dynamics.com', oid: 'x' });
        const client = createDataverseClient({
            url: sim.url,
            tokenCredential: new FakeIdentity(() => badToken),
            retry: FAST_RETRY,
        });
        const error = await client.whoAmI().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataverseError);
        const e = error as DataverseError;
        expect(e).toMatchObject({ kind: 'auth', status: 401, method: 'GET', path: '/api/data/v9.2/WhoAmI' });
        expect(e.message).toContain('rejected the access token');
        expect(e.message).toContain(sim.url);
        expect(e.message).not.toContain(badToken);
        expect(JSON.stringify(e)).not.toContain(badToken);
        expect(String(e.stack)).not.toContain(badToken);
        expect(client.stats().failed).toBe(1);
    });

    it('reports an identity provider failure as one auth error', async () => {
        const failing = {
            getToken: () => Promise.reject(new Error('AADSTS700016: Application not found in the directory')),
        };
        const client = createDataverseClient({ url: sim.url, tokenCredential: failing });
        const requestsBefore = sim.stats().requests;
        const error = await client.whoAmI().catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'auth', status: 0 });
        expect((error as Error).message).toContain('AADSTS700016');
        expect((error as Error).message).toContain(`${sim.url}/.default`);
        // Nothing was sent without a token.
        expect(sim.stats().requests).toBe(requestsBefore);
    });

    it('fails without a credential', async () => {
        const client = createDataverseClient({ url: sim.url, credential: { type: 'none' } });
        await expect(client.whoAmI()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    });
});

describe('an unreachable environment', () => {
    it('gives one clear error at once', async () => {
        // A port that was free a moment ago and is closed now.
        const port = await new Promise<number>((resolve) => {
            const server = createServer().listen(0, '127.0.0.1', () => {
                const address = server.address();
                server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
            });
        });
        const url = `http://127.0.0.1:${port}`;
        const client = createDataverseClient({ url, retry: FAST_RETRY });
        const error = await client.whoAmI().catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'unreachable', status: 0, attempts: 1 });
        expect((error as Error).message).toContain(`cannot reach ${url}`);
        expect((error as Error).message).toContain('ECONNREFUSED');
    });
});
