import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { EnvironmentRegistry } from '../../src/dataverse/environment-registry.js';

/** An identity provider (Entra cannot be reached here); never asked for a token in these tests. */
const identity = (): TokenCredential => ({
    getToken: (): Promise<AccessToken> => Promise.resolve({ token: 't', expiresOnTimestamp: Date.now() + 3600_000 }),
});

describe('EnvironmentRegistry', () => {
    it('shares one limiter and one token cache per environment and identity, and starts afresh after reset', () => {
        const registry = new EnvironmentRegistry();
        const origin = 'https://contoso.crm.dynamics.com';
        const credential = identity();
        const first = registry.connect(origin, { tokenCredential: credential, maxConcurrency: 8 });
        const again = registry.connect(origin, { tokenCredential: credential, maxConcurrency: 2 });
        expect(again.limiter).toBe(first.limiter);
        expect(again.tokenCache).toBe(first.tokenCache);
        // The first caller's options made the limiter: a later, lower maxConcurrency does not lower it.
        expect(again.limiter.stats().ceiling).toBe(8);

        const otherIdentity = registry.connect(origin, { tokenCredential: identity(), maxConcurrency: 8 });
        const otherEnvironment = registry.connect('https://fabrikam.crm.dynamics.com', {
            tokenCredential: credential,
            maxConcurrency: 8,
        });
        expect(otherIdentity.limiter).not.toBe(first.limiter);
        expect(otherIdentity.key).not.toBe(first.key);
        expect(otherEnvironment.limiter).not.toBe(first.limiter);
        expect(Object.keys(registry.limiterStats()).sort()).toEqual(
            [first.key, otherIdentity.key, otherEnvironment.key].sort(),
        );

        registry.reset();
        expect(registry.limiterStats()).toEqual({});
        const afterReset = registry.connect(origin, { tokenCredential: credential, maxConcurrency: 2 });
        expect(afterReset.limiter).not.toBe(first.limiter);
        expect(afterReset.tokenCache).not.toBe(first.tokenCache);
        expect(afterReset.limiter.stats().ceiling).toBe(2);
    });

    it('keys spec credentials by identity, with no token cache for loopback URLs', () => {
        const registry = new EnvironmentRegistry();
        const sim = registry.connect('http://127.0.0.1:5555', { maxConcurrency: 4 });
        expect(sim).toMatchObject({ key: 'http://127.0.0.1:5555|none', tokenCache: undefined });
        const secret = registry.connect('https://contoso.crm.dynamics.com', {
            credential: { type: 'clientSecret', tenantId: 't1', clientId: 'c1', secretSetting: 'SECRET' },
            env: { SECRET: 'value' },
            maxConcurrency: 4,
        });
        expect(secret.key).toBe('https://contoso.crm.dynamics.com|clientSecret:t1:c1');
        expect(secret.tokenCache).toBeDefined();
        expect(secret.key).not.toContain('value');
    });
});
