/**
 * Caches one scope's access token and refreshes it before it expires: the same policy as
 * core-rest-pipeline's token cycler (refresh inside the last `refreshWindowMs`, one refresh in
 * flight shared by all callers, keep using a still-valid token if a background refresh fails).
 * Our own because the pipeline's bearer policy refuses plain-http URLs, and the loopback
 * simulator with strict auth is plain http. Each fetch is bounded in time (token-request.ts).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { DEFAULT_RETRY_OPTIONS } from './retry-policy.js';
import { requestToken, type TokenRequestOptions } from './token-request.js';

export interface TokenCacheOptions extends Partial<TokenRequestOptions> {
    /** Refresh when fewer than this many ms remain. Default 2 minutes. */
    refreshWindowMs?: number;
    now?: () => number;
}

export class AccessTokenCache {
    private token: AccessToken | undefined;
    private refreshing: Promise<AccessToken> | undefined;
    private readonly refreshWindowMs: number;
    private readonly now: () => number;
    private readonly request: TokenRequestOptions;

    constructor(
        private readonly credential: TokenCredential,
        private readonly scope: string,
        options: TokenCacheOptions = {},
    ) {
        this.refreshWindowMs = options.refreshWindowMs ?? 120_000;
        this.now = options.now ?? Date.now;
        this.request = {
            timeoutMs: options.timeoutMs ?? DEFAULT_RETRY_OPTIONS.tokenTimeoutMs,
            attempts: options.attempts ?? DEFAULT_RETRY_OPTIONS.tokenAttempts,
            baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_OPTIONS.baseDelayMs,
            maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_OPTIONS.maxDelayMs,
            random: options.random,
        };
    }

    /** A token valid for at least a little longer; fetches or refreshes as needed. */
    async getToken(): Promise<string> {
        const now = this.now();
        const token = this.token;
        if (token && now < this.refreshAt(token)) return token.token;
        if (token && now < token.expiresOnTimestamp) {
            // Still valid: refresh in the background, keep serving the current token.
            this.refresh().catch(() => undefined);
            return token.token;
        }
        return (await this.refresh()).token;
    }

    /** Drops the cached token (after the service rejected it with 401). */
    invalidate(): void {
        this.token = undefined;
    }

    private refreshAt(token: AccessToken): number {
        const refreshAfter = token.refreshAfterTimestamp;
        const windowStart = token.expiresOnTimestamp - this.refreshWindowMs;
        return refreshAfter !== undefined ? Math.min(refreshAfter, windowStart) : windowStart;
    }

    /** One fetch shared by all callers; no caller's abort signal, so one caller's abort fails no other. */
    private refresh(): Promise<AccessToken> {
        this.refreshing ??= this.fetch().finally(() => {
            this.refreshing = undefined;
        });
        return this.refreshing;
    }

    private async fetch(): Promise<AccessToken> {
        const token = await requestToken(this.credential, this.scope, this.request);
        this.token = token;
        return token;
    }
}
