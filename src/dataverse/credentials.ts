/**
 * From a spec's credential to an `@azure/identity` TokenCredential. Secrets are read from the
 * environment variable or app setting the spec names; their values never appear in any message.
 */
import {
    ClientAssertionCredential,
    ClientCertificateCredential,
    ClientSecretCredential,
    DefaultAzureCredential,
    ManagedIdentityCredential,
    type TokenCredential,
} from '@azure/identity';
import { isLoopbackUrl } from '../util/url.js';

/**
 * Where an environment's token comes from. Secrets are never here: `secretSetting`, `certificatePathSetting` and
 * `certificatePasswordSetting` NAME the environment variable or app setting that holds the value. `none` is for
 * loopback simulator URLs only. The spec's zod schema (src/spec/schema.ts) is checked to produce exactly this type.
 */
export type CredentialSpec =
    | { type: 'default' }
    | { type: 'managedIdentity'; clientId?: string }
    | { type: 'clientSecret'; tenantId: string; clientId: string; secretSetting: string }
    | {
          type: 'clientCertificate';
          tenantId: string;
          clientId: string;
          certificatePathSetting: string;
          certificatePasswordSetting?: string;
      }
    | {
          /**
           * Workload identity federation across tenants without secrets: the app's user-assigned managed identity
           * (home tenant) signs in as a multi-tenant app registration that trusts it, in `tenantId` (the
           * environment's tenant, where the app is an application user).
           */
          type: 'federatedManagedIdentity';
          tenantId: string;
          clientId: string;
          managedIdentityClientId: string;
      }
    | { type: 'none' }
    /**
     * A simulator user on a loopback URL only (the spec validator enforces it): an unsigned token whose `oid` names
     * the user, which the simulator tells apart for its per-user limits (tools/dataverse-sim/src/gate/auth.ts). No
     * secret: the real service accepts no unsigned token. For tests and benchmarks of several identities.
     */
    | { type: 'loopbackUser'; oid: string };

/**
 * The audience of a managed identity token used as a federated credential (public cloud): the app registration's
 * federated identity credential names it, with the identity's tenant as issuer and its object id as subject
 * (learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity).
 */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

/** The client assertion of a federated managed identity: a token of the identity for the token-exchange audience. */
export function managedIdentityAssertion(identity: TokenCredential): () => Promise<string> {
    return async () => {
        const token = await identity.getToken(TOKEN_EXCHANGE_SCOPE);
        if (!token) throw new Error(`the managed identity returned no token for ${TOKEN_EXCHANGE_SCOPE}`);
        return token.token;
    };
}

/** A credential that cannot be built from what the spec and its settings say: the user's input to fix. */
export class CredentialConfigError extends Error {
    constructor(
        message: string,
        /** The credential's key at fault (`tenantId`), when one is. */
        readonly field?: string,
        options: { cause?: unknown; identity?: number } = {},
    ) {
        super(message, options);
        this.name = 'CredentialConfigError';
        this.identity = options.identity;
    }

    /** Which of the environment's identities (0 = `credential`, 1.. = `additionalCredentials`), when several. */
    readonly identity: number | undefined;
}

/**
 * A credential built by @azure/identity from the spec's values: what its constructor refuses (a malformed tenant id,
 * a missing value) is the user's input, so it becomes a CredentialConfigError naming the key where it can.
 */
function fromSpec<T>(build: () => T): T {
    try {
        return build();
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (/tenant id/i.test(message))
            throw new CredentialConfigError(
                'the identity library refuses this tenant id: give a GUID or a domain name (contoso.onmicrosoft.com)',
                'tenantId',
                { cause: error },
            );
        // The first sentence; the rest is a troubleshooting link.
        throw new CredentialConfigError(message.split('. ')[0] ?? message, undefined, { cause: error });
    }
}

/** The OAuth scope of a Dataverse environment for confidential clients: `<environment url>/.default`. */
export function scopeFor(environmentUrl: string): string {
    return `${new URL(environmentUrl).origin}/.default`;
}

/**
 * The TokenCredential for `spec`, or undefined for `none` (loopback simulator URLs only; the spec validator
 * enforces that). `env` defaults to process.env (app settings are environment variables in Azure Functions).
 */
export function createTokenCredential(
    spec: CredentialSpec,
    env: NodeJS.ProcessEnv = process.env,
): TokenCredential | undefined {
    switch (spec.type) {
        case 'none':
            return undefined;
        case 'loopbackUser':
            return loopbackUserCredential(spec.oid);
        case 'default':
            return new DefaultAzureCredential();
        case 'managedIdentity':
            return fromSpec(() =>
                spec.clientId
                    ? new ManagedIdentityCredential({ clientId: spec.clientId })
                    : new ManagedIdentityCredential(),
            );
        case 'clientSecret': {
            const secret = readSetting(env, spec.secretSetting, 'client secret');
            return fromSpec(() => new ClientSecretCredential(spec.tenantId, spec.clientId, secret));
        }
        case 'clientCertificate': {
            const certificatePath = readSetting(env, spec.certificatePathSetting, 'certificate path');
            const certificatePassword = spec.certificatePasswordSetting
                ? readSetting(env, spec.certificatePasswordSetting, 'certificate password')
                : undefined;
            return fromSpec(
                () =>
                    new ClientCertificateCredential(spec.tenantId, spec.clientId, {
                        certificatePath,
                        certificatePassword,
                    }),
            );
        }
        case 'federatedManagedIdentity': {
            const identity = fromSpec(() => new ManagedIdentityCredential({ clientId: spec.managedIdentityClientId }));
            return fromSpec(
                () => new ClientAssertionCredential(spec.tenantId, spec.clientId, managedIdentityAssertion(identity)),
            );
        }
    }
}

/**
 * A stable description of who the credential authenticates as, without secrets: the key under which
 * limiters and token caches are shared.
 */
export function identityKey(spec: CredentialSpec): string {
    switch (spec.type) {
        case 'none':
        case 'default':
            return spec.type;
        case 'loopbackUser':
            return `loopbackUser:${spec.oid}`;
        case 'managedIdentity':
            return `managedIdentity:${spec.clientId ?? 'system'}`;
        case 'clientSecret':
        case 'clientCertificate':
        case 'federatedManagedIdentity':
            return `${spec.type}:${spec.tenantId}:${spec.clientId}`;
    }
}

/**
 * Unsigned (alg "none") tokens naming `oid`, for the environment the scope names, which must be a loopback URL: what
 * the simulator's strict auth takes (aud, exp, oid) and its per-user limits tell apart. An hour long, as Entra's.
 */
export function loopbackUserCredential(oid: string): TokenCredential {
    return {
        getToken(scopes) {
            const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
            const audience = scope.replace(/\/\.default$/, '');
            if (!isLoopbackUrl(audience))
                return Promise.reject(
                    new CredentialConfigError(
                        `type 'loopbackUser' is only for loopback simulator URLs, not ${audience}`,
                    ),
                );
            const expiresOnTimestamp = Date.now() + 3_600_000;
            const part = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
            const payload = { aud: audience, oid, exp: Math.floor(expiresOnTimestamp / 1000) };
            return Promise.resolve({
                token: `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`,
                expiresOnTimestamp,
            });
        },
    };
}

function readSetting(env: NodeJS.ProcessEnv, name: string, what: string): string {
    const value = env[name];
    if (value === undefined || value.trim() === '') {
        throw new CredentialConfigError(
            `the ${what} setting ${name} is not set: define an environment variable or app setting named ${name}`,
        );
    }
    return value;
}
