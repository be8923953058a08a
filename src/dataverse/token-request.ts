/**
 * One access token from a credential, bounded in time: each request to the identity provider gets a timeout (its
 * abort signal, and a race in case the credential does not honour it), and transient failures (the timeout, 5xx and
 * 429 from the token endpoint, broken connections) are tried again with backoff. A slow or silent token endpoint then
 * ends in an `auth` error after a bounded time instead of holding a run, or its start, forever.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { DataverseError, redactSecrets } from './errors.js';
import { backoffDelay, sleep } from './retry-policy.js';

export interface TokenRequestOptions {
    /** Timeout of one request. */
    timeoutMs: number;
    /** Requests before a transient failure is final. */
    attempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    random?: () => number;
}

/** The token endpoint did not answer in time. */
export class TokenTimeoutError extends Error {
    override readonly name = 'TokenTimeoutError';
}

/** Codes of broken or refused connections, wherever the identity library puts them. */
const NETWORK_CODES = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|EPIPE)\b/;

/** A failure another request a little later may not have: the timeout, 5xx or 429, a broken connection. */
export function isTransientTokenFailure(error: unknown): boolean {
    for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
        if (current instanceof TokenTimeoutError) return true;
        const { statusCode, code } = current as { statusCode?: unknown; code?: unknown };
        if (typeof statusCode === 'number' && (statusCode >= 500 || statusCode === 429)) return true;
        if (typeof code === 'string' && NETWORK_CODES.test(code)) return true;
        if (NETWORK_CODES.test(current.message) || /socket hang up/i.test(current.message)) return true;
        current = current.cause;
    }
    return false;
}

/** A token for `scope`, or a DataverseError of kind `auth` saying why there is none. */
export async function requestToken(
    credential: TokenCredential,
    scope: string,
    options: TokenRequestOptions,
): Promise<AccessToken> {
    for (let attempt = 1; ; attempt++) {
        let token: AccessToken | null;
        try {
            token = await requestOnce(credential, scope, options.timeoutMs);
        } catch (error) {
            if (attempt < options.attempts && isTransientTokenFailure(error)) {
                await sleep(backoffDelay(attempt, options, options.random));
                continue;
            }
            const detail = error instanceof Error ? error.message : String(error);
            const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
            throw new DataverseError({
                kind: 'auth',
                status: 0,
                method: 'TOKEN',
                path: scope,
                attempts: attempt,
                message: `could not get an access token for scope ${scope}${tries}: ${redactSecrets(detail)}`,
                cause: error,
            });
        }
        if (!token) {
            throw new DataverseError({
                kind: 'auth',
                status: 0,
                method: 'TOKEN',
                path: scope,
                message: `the credential returned no access token for scope ${scope}`,
            });
        }
        return token;
    }
}

/** One request; rejects with TokenTimeoutError after `timeoutMs` even if the credential ignores the abort. */
function requestOnce(credential: TokenCredential, scope: string, timeoutMs: number): Promise<AccessToken | null> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            const error = new TokenTimeoutError(`the token endpoint did not answer within ${timeoutMs} ms`);
            controller.abort(error);
            reject(error);
        }, timeoutMs);
    });
    let pending: Promise<AccessToken | null>;
    try {
        pending = Promise.resolve(credential.getToken(scope, { abortSignal: controller.signal }));
    } catch (error) {
        pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // A failure that comes after the timeout has nobody left to tell.
    pending.catch(() => undefined);
    return Promise.race([pending, timedOut]).finally(() => clearTimeout(timer));
}
