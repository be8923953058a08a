/**
 * The client against environments that go away: refused connections and 503s are waited out within the outage budget
 * (whatever maxTransientAttempts says), then end in one `outage` error that fails the call, never its rows; and token
 * requests to an identity provider that does not answer end in time.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ClientSecretCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, DataverseError, type Row, type WriteTable } from '../../src/dataverse/index.js';
import { duplicates, FAST_RETRY, validTokenFor } from './dataverse-helpers.js';

const ACCOUNT: WriteTable = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };

function newAccounts(n: number, tag: string): Row[] {
    return Array.from({ length: n }, (_, i) => ({ accountid: randomUUID(), name: `${tag} ${i}` }));
}

let sim: Simulator | undefined;
afterEach(async () => {
    await sim?.close();
    sim = undefined;
});

describe('an outage within the budget', () => {
    it('refused connections: the reads wait until the environment is back, and read every row once', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 200, seed: 4 });
        const environment = sim;
        // Two transient attempts only: waiting out the outage must not use them.
        const client = createDataverseClient({ url: sim.url, retry: { ...FAST_RETRY, maxTransientAttempts: 2 } });
        const ids: string[] = [];
        let page = 0;
        for await (const rows of client.queryPages('contacts', { select: ['contactid'] }, { pageSize: 20 })) {
            ids.push(...rows.map((row) => row.contactid as string));
            if (++page === 2) {
                await environment.beginOutage('refuse');
                setTimeout(() => void environment.endOutage(), 400);
            }
        }
        expect(duplicates(ids)).toEqual([]);
        expect(ids).toHaveLength(sim.dump('contact').length);
        const stats = client.stats();
        expect(stats.outageRetries).toBeGreaterThan(2);
        expect(stats.failed).toBe(0);
    });

    it('503 for every request: the writes wait out its Retry-After and go through, each row once', async () => {
        // Time compressed a hundredfold: Retry-After 5 simulated seconds is 0.05 s.
        sim = await startSimulator({ schema: 'crm', timeScale: 0.01 });
        const client = createDataverseClient({
            url: sim.url,
            writeBatchSize: 10,
            retry: { ...FAST_RETRY, maxTransientAttempts: 2 },
        });
        await client.whoAmI();
        await sim.beginOutage('unavailable', { retryAfterSeconds: 5, seconds: 0.5 });
        const accounts = newAccounts(40, 'unavailable');
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        expect(results.every((r) => r.ok)).toBe(true);
        const stored = new Set(sim.dump('account').map((row) => row.accountid as string));
        expect(accounts.every((row) => stored.has(row.accountid as string))).toBe(true);
        expect(sim.stats().gate.outage).toBeGreaterThan(2);
        expect(client.stats()).toMatchObject({ failed: 0, transientRetries: 0 });
    });
});

describe('an outage beyond the budget', () => {
    it('fails the call with one outage error, no row failed; every request shares the spent budget', async () => {
        sim = await startSimulator({ schema: 'crm' });
        const client = createDataverseClient({ url: sim.url, retry: { ...FAST_RETRY, outageBudgetMs: 300 } });
        await client.whoAmI(); // the environment has answered: a refusal now is an outage, not a wrong URL
        await sim.beginOutage('refuse');
        // The cut of the client's kept-alive connection may reach a write first, which then comes back ambiguous (it may
        // have been applied; run-lost-answers.test.ts settles those by reading): a read takes it and waits the budget out.
        await expect(client.whoAmI()).rejects.toMatchObject({ kind: 'outage' });
        const accounts = newAccounts(30, 'beyond');
        const error = await client.upsertMultiple(ACCOUNT, accounts).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataverseError);
        const outage = error as DataverseError;
        expect(outage).toMatchObject({ kind: 'outage', status: 0 });
        expect(outage.message).toMatch(
            new RegExp(
                `the environment ${sim.url} has been unavailable for 0\\.[3-9] s \\(last: ECONNREFUSED: .*\\), longer than the outage budget of 0\\.3 s`,
            ),
        );
        // Another request finds the budget spent and fails at once.
        await expect(client.whoAmI()).rejects.toMatchObject({ kind: 'outage', attempts: 1 });

        // The environment is back: the same write completes, as a resumed activity would.
        await sim.endOutage();
        const results = await client.upsertMultiple(ACCOUNT, accounts);
        expect(results.every((r) => r.ok)).toBe(true);
        const names = sim.dump('account').map((row) => row.name);
        expect(names.filter((name) => typeof name === 'string' && name.startsWith('beyond'))).toHaveLength(30);
    });
});

describe('token requests', () => {
    let authority: Server | undefined;
    const sockets = new Set<Socket>();
    afterEach(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => (authority ? authority.close(resolve) : resolve(undefined)));
        authority = undefined;
    });

    it('to an identity provider that never answers time out, are tried again, then fail as one auth error', async () => {
        sim = await startSimulator({ schema: 'crm' });
        // Accepts connections and never says a word: not even the TLS handshake completes.
        let connections = 0;
        authority = createServer((socket) => {
            connections++;
            sockets.add(socket);
        });
        const port = await new Promise<number>((resolve) => {
            authority!.listen(0, '127.0.0.1', () => resolve((authority!.address() as { port: number }).port));
        });
        const credential = new ClientSecretCredential(
            '00000000-0000-0000-0000-00000000cafe',
            '11111111-0000-0000-0000-000000000001',
            'not-a-real-secret',
            { authorityHost: `https://127.0.0.1:${port}`, disableInstanceDiscovery: true },
        );
        const client = createDataverseClient({
            url: sim.url,
            tokenCredential: credential,
            retry: { ...FAST_RETRY, tokenTimeoutMs: 300, tokenAttempts: 2 },
        });
        const error = await client.whoAmI().catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'auth', status: 0, attempts: 2 });
        expect((error as Error).message).toContain(
            '(after 2 attempts): the token endpoint did not answer within 300 ms',
        );
        expect(connections).toBeGreaterThanOrEqual(2);
        expect(sim.stats().requests).toBe(0); // nothing was sent without a token
    });

    it('are tried again after a transient failure of the identity provider, and not after a refusal', async () => {
        sim = await startSimulator({ schema: 'crm', auth: 'strict' });
        const valid = validTokenFor(sim.url);
        let calls = 0;
        const flaky = {
            getToken: async () => {
                calls++;
                if (calls === 1) throw Object.assign(new Error('Service Unavailable'), { statusCode: 503 });
                return valid.getToken();
            },
        };
        const client = createDataverseClient({ url: sim.url, tokenCredential: flaky, retry: FAST_RETRY });
        await client.whoAmI();
        expect(calls).toBe(2);

        let refusals = 0;
        const refusing = {
            getToken: () => {
                refusals++;
                return Promise.reject(
                    Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), { statusCode: 401 }),
                );
            },
        };
        const refused = createDataverseClient({ url: sim.url, tokenCredential: refusing, retry: FAST_RETRY });
        await expect(refused.whoAmI()).rejects.toMatchObject({ kind: 'auth', attempts: 1 });
        expect(refusals).toBe(1);
    });
});
