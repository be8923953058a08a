import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
    createTokenCredential,
    CredentialConfigError,
    identityKey,
    scopeFor,
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
