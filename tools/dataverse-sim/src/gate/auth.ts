/**
 * Who is calling, and (in `strict` mode) whether the real service would let them in.
 *
 * `any`: no header → user `anonymous`; otherwise the JWT `oid` claim when the bearer token is a decodable JWT with
 * one, else the token string (else the raw header value). Never rejects.
 *
 * `strict` accepts only `Authorization: Bearer <jwt>` (scheme case-insensitive) where the JWT is three
 * dot-separated base64url parts with JSON header and payload (the signature is not checked), and the payload has
 * - `aud` equal to the environment URL's origin, with or without a trailing slash (or an array containing such);
 * - a numeric `exp` later than now (no clock-skew allowance: stricter than typical validators);
 * - if present, a numeric `nbf` not later than now;
 * - an `oid` string (the user; every Entra access token carries it).
 * Anything else is 401 with an empty body and `WWW-Authenticate: Bearer authorization_uri=..., resource_id=<env>/`,
 * the header shape the real service sends (clients read the authority from it).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SimError } from '../errors.js';
import { decodeJwt } from './jwt.js';

/** Tenant id used in the `authorization_uri` of 401 challenges. */
export const SIM_TENANT_ID = '00000000-0000-0000-0000-00000000cafe';

export const ANONYMOUS_USER = 'anonymous';

/**
 * A 401 as the real service sends it: the server must write NO body (`bodyless`), only the status and headers.
 * `code` is empty and `message` says why, for logs and tests only.
 */
export class UnauthorizedError extends SimError {
    readonly bodyless = true;
    constructor(reason: string, envOrigin: string) {
        super(401, '', reason, {
            'WWW-Authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/${SIM_TENANT_ID}/oauth2/authorize, resource_id=${envOrigin}/`,
        });
        this.name = 'UnauthorizedError';
    }
}

export type AuthResult = { ok: true; user: string } | { ok: false; error: UnauthorizedError };

export function authenticate(
    headers: IncomingHttpHeaders,
    mode: 'any' | 'strict',
    envOrigin: string,
    nowEpochMs: number,
): AuthResult {
    const header = headers.authorization;
    if (mode === 'any') return { ok: true, user: userFromHeader(header) };

    const fail = (reason: string): AuthResult => ({ ok: false, error: new UnauthorizedError(reason, envOrigin) });
    if (header === undefined || header === '') return fail('missing Authorization header');
    const token = bearerToken(header);
    if (token === undefined) return fail('Authorization header is not "Bearer <token>"');
    const claims = decodeJwt(token);
    if (!claims) return fail('bearer token is not a JWT (three base64url parts with JSON header and payload)');
    const audiences = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
    const accepted = [envOrigin, `${envOrigin}/`];
    if (!audiences.some((aud) => typeof aud === 'string' && accepted.includes(aud))) {
        return fail(`token audience ${JSON.stringify(claims.aud)} is not ${envOrigin}`);
    }
    const nowSeconds = nowEpochMs / 1000;
    if (typeof claims.exp !== 'number') return fail('token has no numeric exp claim');
    if (claims.exp <= nowSeconds) return fail(`token expired at ${new Date(claims.exp * 1000).toISOString()}`);
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
        return fail('token is not valid yet (nbf)');
    }
    if (typeof claims.oid !== 'string' || claims.oid === '') return fail('token has no oid claim');
    return { ok: true, user: claims.oid };
}

function userFromHeader(header: string | undefined): string {
    if (header === undefined || header === '') return ANONYMOUS_USER;
    const token = bearerToken(header);
    if (token === undefined) return header;
    const oid = decodeJwt(token)?.oid;
    return typeof oid === 'string' && oid !== '' ? oid : token;
}

/** The token of `Bearer <token>` (scheme case-insensitive); undefined for any other header value. */
function bearerToken(header: string): string | undefined {
    return /^Bearer +(\S+)\s*$/i.exec(header)?.[1];
}
