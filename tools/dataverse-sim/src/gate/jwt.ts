/** Unsigned JWT helpers: decoding bearer tokens for the user id and strict-auth checks, and making test tokens. */

export interface JwtClaims {
    aud?: unknown;
    oid?: unknown;
    exp?: unknown;
    nbf?: unknown;
    [claim: string]: unknown;
}

function base64url(value: string): string {
    return Buffer.from(value, 'utf8').toString('base64url');
}

/**
 * An unsigned (alg "none") JWT for tests and simulator clients. `exp` is in epoch seconds (default: one hour from
 * now by the real clock). The simulator never checks signatures.
 */
export function makeTestJwt(claims: { aud: string; oid: string; exp?: number; [claim: string]: unknown }): string {
    const payload = { exp: Math.floor(Date.now() / 1000) + 3600, ...claims };
    const header = { alg: 'none', typ: 'JWT' };
    return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.`;
}

/** Decodes a JWT's payload without verifying it; undefined unless it is three dot-separated parts with JSON header and payload. */
export function decodeJwt(token: string): JwtClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload] = parts as [string, string, string];
    if (!/^[A-Za-z0-9_-]+$/.test(header) || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
    try {
        const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
        const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
        if (typeof h !== 'object' || h === null || typeof p !== 'object' || p === null || Array.isArray(p)) {
            return undefined;
        }
        return p as JwtClaims;
    } catch {
        return undefined;
    }
}
