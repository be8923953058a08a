/** Shared pieces of the Dataverse client integration tests (real simulator on 127.0.0.1, port 0). */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { makeTestJwt, type LimitsConfig } from 'dataverse-sim';
import type { RetryOptions } from '../../src/dataverse/index.js';
import type { ContentRef } from '../../src/dataverse/content/index.js';

/** Fast retries for tests: the simulator's faults are frequent and its time is compressed. */
export const FAST_RETRY: Partial<RetryOptions> = {
    baseDelayMs: 5,
    maxDelayMs: 50,
    maxTransientAttempts: 10,
    throttleFallbackMs: 20,
};

/**
 * Tight limits for a 429 storm: few requests per short window, a low concurrency limit below the client's
 * maxConcurrency, a window of 10 simulated seconds (0.2 s real at time scale 0.02).
 */
export const STORM_LIMITS: LimitsConfig = {
    windowSeconds: 10,
    maxRequestsPerWindow: 12,
    maxExecutionMsPerWindow: 5000,
    maxConcurrentRequests: 3,
    dopHint: 8,
    keepSendingPenaltySeconds: 1,
    serverTime: { fixedMsPerRequest: 50, msPerRowRead: 1, msPerRowWritten: 10 },
};
export const STORM_TIME_SCALE = 0.02;

/**
 * For a client that reads one request at a time: at most 6 requests per window of 1 real second
 * (10 simulated seconds at time scale 0.1), so the request-count limit trips whenever more than six
 * requests go out within a second, which any run of more than a dozen requests does, however loaded
 * the machine (up to 140 ms a request).
 */
export const SEQUENTIAL_LIMITS: LimitsConfig = { ...STORM_LIMITS, maxRequestsPerWindow: 6 };
export const SEQUENTIAL_TIME_SCALE = 0.1;

/** The one fake allowed: an identity provider handing out the given token (Entra cannot be reached here). */
export class FakeIdentity implements TokenCredential {
    calls = 0;
    constructor(private readonly token: () => string) {}
    getToken(): Promise<AccessToken> {
        this.calls++;
        return Promise.resolve({ token: this.token(), expiresOnTimestamp: Date.now() + 3600_000 });
    }
}

export function validTokenFor(url: string, oid = '11111111-2222-3333-4444-555555555555'): FakeIdentity {
    return new FakeIdentity(() => makeTestJwt({ aud: new URL(url).origin, oid }));
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
    const all: T[] = [];
    for await (const page of pages) all.push(...page);
    return all;
}

/** Ids that occur more than once. */
export function duplicates(ids: string[]): string[] {
    const seen = new Set<string>();
    return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}

/** Where an account's content lives in the crm schema: its file column `sample_contract`, or another column. */
export function accountContent(id: string, column = 'sample_contract'): ContentRef {
    return { kind: 'column', table: 'account', primaryId: 'accountid', id, column };
}
