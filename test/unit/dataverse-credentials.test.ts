import {
    ClientAssertionCredential,
    ClientCertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
} from '@azure/identity';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
    createTokenCredential,
    CredentialConfigError,
    identityKey,
    managedIdentityAssertion,
    scopeFor,
    TOKEN_EXCHANGE_SCOPE,
} from '../../src/dataverse/credentials.js';
import { DataverseError } from '../../src/dataverse/errors.js';
import { AccessTokenCache } from '../../src/dataverse/token-cache.js';

const SECRET = 'Qx8~abc.DEF_ghi-1234567890';
const JWT = 'eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.c2ln';

describe('createTokenCredential', () => {
    it('reads a client secret from the named setting', () => {
        const credential = createTokenCredential(
            { type: 'clientSecret', tenantId: 't', clientId: 'c', secretSetting: 'DV_SECRET' },
            { DV_SECRET: SECRET },
        );
        expect(credential).toBeInstanceOf(ClientSecretCredential);
    });

    it('names a missing setting and never prints a value', () => {
        let message = '';
        try {
            createTokenCredential(
                { type: 'clientSecret', tenantId: 't', clientId: 'c', secretSetting: 'DV_SECRET' },
                {
                    OTHER: SECRET,
                },
            );
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).toContain('DV_SECRET');
        expect(message).not.toContain(SECRET);
    });

    it('builds certificate, managed identity and no credential', () => {
        expect(
            createTokenCredential(
                { type: 'clientCertificate', tenantId: 't', clientId: 'c', certificatePathSetting: 'CERT_PATH' },
                { CERT_PATH: '/nonexistent/cert.pem' },
            ),
        ).toBeInstanceOf(ClientCertificateCredential);
        expect(() =>
            createTokenCredential(
                { type: 'clientCertificate', tenantId: 't', clientId: 'c', certificatePathSetting: 'CERT_PATH' },
                {},
            ),
        ).toThrow(/CERT_PATH/);
        expect(createTokenCredential({ type: 'managedIdentity', clientId: 'abc' }, {})).toBeInstanceOf(
            ManagedIdentityCredential,
        );
        expect(createTokenCredential({ type: 'none' }, {})).toBeUndefined();
    });

    it("turns the identity library's refusal of a tenant id into a credential problem naming tenantId", () => {
        let error: unknown;
        try {
            createTokenCredential(
                { type: 'clientSecret', tenantId: '<tenant id>', clientId: 'c', secretSetting: 'DV_SECRET' },
                { DV_SECRET: SECRET },
            );
        } catch (caught) {
            error = caught;
        }
        expect(error).toBeInstanceOf(CredentialConfigError);
        expect(error).toMatchObject({ field: 'tenantId', message: expect.stringMatching(/tenant id: give a GUID/) });
        expect((error as Error).message).not.toContain(SECRET);
    });

    it('scopes tokens to the environment root', () => {
        expect(scopeFor('https://contoso.crm4.dynamics.com/')).toBe('https://contoso.crm4.dynamics.com/.default');
        expect(identityKey({ type: 'clientSecret', tenantId: 't', clientId: 'c', secretSetting: 'S' })).toBe(
            'clientSecret:t:c',
        );
    });
});

describe('federated managed identity (cross-tenant without secrets)', () => {
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    afterEach(() => {
        for (const [name, value] of [
            ['IDENTITY_ENDPOINT', saved.endpoint],
            ['IDENTITY_HEADER', saved.header],
        ] as const) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
    });

    const spec = {
        type: 'federatedManagedIdentity',
        tenantId: 'fabrikam.onmicrosoft.com',
        clientId: '11111111-2222-3333-4444-555555555555',
        managedIdentityClientId: '66666666-7777-8888-9999-000000000000',
    } as const;

    it('signs in as the app registration with an assertion, keyed by tenant and app', () => {
        expect(createTokenCredential(spec, {})).toBeInstanceOf(ClientAssertionCredential);
        expect(identityKey(spec)).toBe(`federatedManagedIdentity:${spec.tenantId}:${spec.clientId}`);
    });

    it("asks the app's managed identity for a token-exchange token and uses it as the assertion", async () => {
        // The App Service managed identity endpoint, as the Functions host exposes it to the app (the real
        // ManagedIdentityCredential talks to it; Entra itself cannot be reached here).
        const requests: { url: URL; header: string | undefined }[] = [];
        const server = createServer((req, res) => {
            requests.push({
                url: new URL(req.url ?? '/', 'http://127.0.0.1'),
                header: req.headers['x-identity-header'] as string,
            });
            res.setHeader('content-type', 'application/json');
            res.end(
                JSON.stringify({
                    access_token: 'mi-assertion-token',
                    expires_on: String(Math.floor(Date.now() / 1000) + 3600),
                    resource: 'api://AzureADTokenExchange',
                    token_type: 'Bearer',
                }),
            );
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
            process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
            process.env.IDENTITY_HEADER = 'identity-header-secret';
            const identity = new ManagedIdentityCredential({ clientId: spec.managedIdentityClientId });
            const assertion = await managedIdentityAssertion(identity)();
            expect(assertion).toBe('mi-assertion-token');
            expect(requests).toHaveLength(1);
            const [request] = requests;
            expect(request?.header).toBe('identity-header-secret');
            expect(request?.url.searchParams.get('resource')).toBe(TOKEN_EXCHANGE_SCOPE.replace(/\/\.default$/, ''));
            expect(request?.url.searchParams.get('client_id')).toBe(spec.managedIdentityClientId);
        } finally {
            server.close();
        }
    });

    it('says so when the managed identity gives no token', async () => {
        const none: TokenCredential = { getToken: () => Promise.resolve(null) };
        await expect(managedIdentityAssertion(none)()).rejects.toThrow(/no token for api:\/\/AzureADTokenExchange/);
    });
});

/** The one fake allowed: an identity provider, since Entra cannot be reached here. */
class FakeIdentity implements TokenCredential {
    calls = 0;
    constructor(
        private readonly clock: () => number,
        private readonly lifetimeMs: number,
        private readonly fail = false,
    ) {}
    getToken(): Promise<AccessToken | null> {
        this.calls++;
        if (this.fail)
            return Promise.reject(new Error(`AADSTS7000215: Invalid client secret provided. assertion=${JWT}`));
        return Promise.resolve({ token: `token-${this.calls}`, expiresOnTimestamp: this.clock() + this.lifetimeMs });
    }
}

describe('AccessTokenCache', () => {
    it('reuses a token, refreshes inside the window, and shares one fetch', async () => {
        let now = 0;
        const identity = new FakeIdentity(() => now, 60 * 60_000);
        const cache = new AccessTokenCache(identity, 'https://x/.default', { now: () => now });
        const first = await Promise.all([cache.getToken(), cache.getToken(), cache.getToken()]);
        expect(first).toEqual(['token-1', 'token-1', 'token-1']);
        expect(identity.calls).toBe(1);
        now = 50 * 60_000;
        expect(await cache.getToken()).toBe('token-1');
        expect(identity.calls).toBe(1);
        // Inside the last two minutes: still valid, refreshed in the background.
        now = 59 * 60_000;
        expect(await cache.getToken()).toBe('token-1');
        await new Promise((resolve) => setImmediate(resolve));
        expect(await cache.getToken()).toBe('token-2');
        // Expired: a blocking refresh.
        now = 200 * 60_000;
        expect(await cache.getToken()).toBe('token-3');
        cache.invalidate();
        expect(await cache.getToken()).toBe('token-4');
    });

    it('turns identity failures into one auth error naming the scope, with tokens redacted', async () => {
        const cache = new AccessTokenCache(new FakeIdentity(() => 0, 1000, true), 'https://x/.default');
        const error = (await cache.getToken().catch((e: unknown) => e)) as DataverseError;
        expect(error).toBeInstanceOf(DataverseError);
        expect(error.kind).toBe('auth');
        expect(error.message).toContain('AADSTS7000215');
        expect(error.message).toContain('https://x/.default');
        expect(error.message).not.toContain(JWT);
    });
});

describe('loopbackUser credentials', () => {
    it('give an unsigned token naming the user for a loopback environment, and refuse any other', async () => {
        const credential = createTokenCredential({ type: 'loopbackUser', oid: 'aaaaaaaa-0000-0000-0000-000000000001' });
        const token = await credential?.getToken('http://127.0.0.1:5555/.default');
        const payload = JSON.parse(Buffer.from(token?.token.split('.')[1] ?? '', 'base64url').toString()) as object;
        expect(payload).toMatchObject({ aud: 'http://127.0.0.1:5555', oid: 'aaaaaaaa-0000-0000-0000-000000000001' });
        await expect(credential?.getToken('https://contoso.crm.dynamics.com/.default')).rejects.toThrow(
            /type 'loopbackUser' is only for loopback simulator URLs, not https:\/\/contoso\.crm\.dynamics\.com/,
        );
    });
});

describe('an environment of several identities', () => {
    it('names the identity whose credential cannot be built, by its place in the spec', async () => {
        const { createEnvironmentClients, CredentialProblemsError } = await import('../../src/environments/index.js');
        const { validateSpec } = await import('../../src/spec/index.js');
        const result = validateSpec({
            source: { url: 'http://127.0.0.1:5555' },
            target: {
                url: 'https://contoso.crm.dynamics.com',
                credential: { type: 'managedIdentity' },
                additionalCredentials: [
                    {
                        type: 'clientSecret',
                        tenantId: 'contoso.onmicrosoft.com',
                        clientId: 'c',
                        secretSetting: 'UNSET_X',
                    },
                ],
            },
            name: 'several-identities',
            tables: [{ name: 'account' }],
        });
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        let error: unknown;
        try {
            createEnvironmentClients(result.spec, { env: {}, userAgent: 'test' });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(CredentialProblemsError);
        expect((error as Error).message).toMatch(
            /^target\.additionalCredentials\[0\]: the client secret setting UNSET_X is not set/,
        );
    });
});
