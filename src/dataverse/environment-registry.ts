/**
 * The process-wide state shared by every client of one environment + identity: one token cache (one token fetch
 * for all callers), one adaptive limiter (one service-protection budget, research §4) and one outage tracker (one
 * outage budget for all parallel requests and retried activities). Activities running in one
 * worker process cannot hand objects to each other, so clients find this state here by key, the way storage-blob's
 * sub-clients share their parent's pipeline. Tests and benchmarks call `reset()` to start from nothing.
 */
import type { TokenCredential } from '@azure/identity';
import { isLoopbackUrl } from '../util/url.js';
import { AdaptiveLimiter, type LimiterOptions, type LimiterStats } from './concurrency.js';
import {
    createTokenCredential,
    CredentialConfigError,
    identityKey,
    scopeFor,
    type CredentialSpec,
} from './credentials.js';
import { IdentityPool, type PoolMember } from './identity-pool.js';
import { OutageTracker } from './outage.js';
import { AccessTokenCache, type TokenCacheOptions } from './token-cache.js';

export interface EnvironmentConnection {
    /** `<origin>|<identity>`: the key of the shared state. */
    key: string;
    /** Undefined for `none` (loopback simulator URLs). */
    tokenCache: AccessTokenCache | undefined;
    limiter: AdaptiveLimiter;
    outage: OutageTracker;
}

export interface ConnectOptions {
    /** Default: `default` for remote URLs, `none` for loopback URLs. */
    credential?: CredentialSpec;
    /** A ready TokenCredential (wins over `credential`). */
    tokenCredential?: TokenCredential;
    /** Creates the limiter when this key has none yet; later callers do not change it (one budget, one pace). */
    maxConcurrency: number;
    /** Where credential settings are read from. Default process.env. */
    env?: NodeJS.ProcessEnv;
    /** Token request timeout and attempts; like the limiter, the first caller's options create the cache. */
    token?: Pick<TokenCacheOptions, 'timeoutMs' | 'attempts' | 'baseDelayMs' | 'maxDelayMs'>;
}

export class EnvironmentRegistry {
    private readonly limiters = new Map<string, AdaptiveLimiter>();
    private readonly tokenCaches = new Map<string, AccessTokenCache>();
    private readonly outages = new Map<string, OutageTracker>();
    private readonly pools = new Map<string, IdentityPool>();
    /** Injected credentials have no spec to describe them: each object is an identity of its own. */
    private injectedIds = new WeakMap<TokenCredential, number>();
    private nextInjectedId = 1;

    /** The token cache and limiter for `origin` and the identity the options describe, created on first use. */
    connect(origin: string, options: ConnectOptions): EnvironmentConnection {
        let identity: string;
        let credential: TokenCredential | undefined;
        if (options.tokenCredential) {
            credential = options.tokenCredential;
            identity = `injected#${this.injectedId(credential)}`;
        } else {
            const spec = options.credential ?? (isLoopbackUrl(origin) ? { type: 'none' } : { type: 'default' });
            identity = identityKey(spec);
            credential = createTokenCredential(spec, options.env);
        }
        const key = `${origin}|${identity}`;
        let tokenCache: AccessTokenCache | undefined;
        if (credential) {
            tokenCache = this.tokenCaches.get(key);
            if (!tokenCache) {
                tokenCache = new AccessTokenCache(credential, scopeFor(origin), options.token);
                this.tokenCaches.set(key, tokenCache);
            }
        }
        let outage = this.outages.get(key);
        if (!outage) this.outages.set(key, (outage = new OutageTracker()));
        return { key, tokenCache, limiter: this.limiter(key, { maxConcurrency: options.maxConcurrency }), outage };
    }

    /**
     * The identities of one environment as one pool, shared by every client that lists the same identities in the
     * same order (each identity's limiter and token are shared with every pool and client using it). A credential that
     * cannot be built is a CredentialConfigError naming the identity's index. The outage tracker is the first
     * identity's: an outage is the environment's, whoever asks.
     */
    connectPool(
        origin: string,
        identities: ReadonlyArray<Pick<ConnectOptions, 'credential' | 'tokenCredential'>>,
        options: Omit<ConnectOptions, 'credential' | 'tokenCredential'>,
    ): { pool: IdentityPool; outage: OutageTracker; connections: EnvironmentConnection[] } {
        const list = identities.length > 0 ? identities : [{}];
        const connections = list.map((identity, index) => {
            try {
                return this.connect(origin, { ...options, ...identity });
            } catch (error) {
                if (error instanceof CredentialConfigError && list.length > 1)
                    throw new CredentialConfigError(error.message, error.field, { cause: error, identity: index });
                throw error;
            }
        });
        const first = connections.findIndex((c, i) => connections.findIndex((d) => d.key === c.key) !== i);
        if (first >= 0)
            throw new CredentialConfigError(
                'the same identity is listed twice: each identity of an environment must be a different user',
                undefined,
                { identity: first },
            );
        const key = connections.map((c) => c.key).join('\n');
        let pool = this.pools.get(key);
        if (!pool) {
            const members: PoolMember[] = connections.map((c, index) => ({
                index,
                key: c.key,
                limiter: c.limiter,
                tokenCache: c.tokenCache,
            }));
            pool = new IdentityPool(members);
            this.pools.set(key, pool);
        }
        return { pool, outage: (connections[0] as EnvironmentConnection).outage, connections };
    }

    /** The limiter for `key`; the first caller's options create it. */
    limiter(key: string, options: LimiterOptions): AdaptiveLimiter {
        let limiter = this.limiters.get(key);
        if (!limiter) {
            limiter = new AdaptiveLimiter(options);
            this.limiters.set(key, limiter);
        }
        return limiter;
    }

    /** Every limiter by key, for progress displays and benchmarks. */
    limiterStats(): Record<string, LimiterStats> {
        return Object.fromEntries([...this.limiters].map(([key, limiter]) => [key, limiter.stats()]));
    }

    /** Forgets every limiter, token cache and outage: the next client of any environment starts afresh. */
    reset(): void {
        this.limiters.clear();
        this.tokenCaches.clear();
        this.outages.clear();
        this.pools.clear();
        this.injectedIds = new WeakMap();
        this.nextInjectedId = 1;
    }

    private injectedId(credential: TokenCredential): number {
        let id = this.injectedIds.get(credential);
        if (id === undefined) {
            id = this.nextInjectedId++;
            this.injectedIds.set(credential, id);
        }
        return id;
    }
}

/** The one registry of this process. */
export const dataverseEnvironments = new EnvironmentRegistry();
