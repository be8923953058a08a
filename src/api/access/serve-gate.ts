/**
 * What `serve` checks before any route: the Host (loopback and its port), then the token. A page opened with
 * `?token=` trades it for the cookie and is redirected to its URL without it (the token leaves the address bar
 * and the history); every other request carries the token as `Authorization: Bearer` or in the cookie, or gets
 * 401 with `WWW-Authenticate: Bearer` (RFC 6750 section 3).
 */
import { ApiError, errorBody } from '../errors.js';
import type { ApiResponse } from '../types.js';
import { OPERATOR_ROLE, type Caller } from './caller.js';
import { checkLoopbackHost } from './loopback-host.js';
import { bearerToken, cookieValue, sameToken, tokenCookie, tokenCookieName } from './serve-token.js';

export interface ServeAccess {
    readonly token: string;
    /** Who holds the token: the user serve runs as. */
    readonly user: string;
}

export type GateOutcome = { kind: 'pass'; caller: Caller } | { kind: 'respond'; response: ApiResponse };

interface GatedRequest {
    readonly method: string;
    /** The request target: path and query. */
    readonly target: string;
    readonly headers: { get(name: string): string | null };
}

const REALM = 'Bearer realm="dataverse-migrate serve"';

function unauthorized(message: string, error?: 'invalid_token'): GateOutcome {
    return {
        kind: 'respond',
        response: {
            status: 401,
            headers: { 'WWW-Authenticate': error ? `${REALM}, error="${error}"` : REALM },
            json: errorBody('unauthorized', message),
        },
    };
}

export function serveGate(request: GatedRequest, access: ServeAccess, port: number): GateOutcome {
    try {
        checkLoopbackHost(request.headers.get('host'), port);
    } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return { kind: 'respond', response: { status: error.status, json: errorBody(error.code, error.message) } };
    }
    const url = new URL(request.target, `http://127.0.0.1:${port}`);
    const inUrl = url.searchParams.get('token');
    if (request.method === 'GET' && inUrl !== null && !url.pathname.startsWith('/api/')) {
        if (!sameToken(inUrl, access.token))
            return unauthorized(
                'the token in the URL is not the one serve printed on its listening line',
                'invalid_token',
            );
        url.searchParams.delete('token');
        return {
            kind: 'respond',
            response: {
                status: 302,
                headers: {
                    Location: `${url.pathname}${url.search}`,
                    'Set-Cookie': tokenCookie(port, access.token),
                    'Cache-Control': 'no-store',
                },
            },
        };
    }
    const presented =
        bearerToken(request.headers.get('authorization')) ??
        cookieValue(request.headers.get('cookie'), tokenCookieName(port));
    if (presented === undefined)
        return unauthorized(
            'serve lets in only its own user: open the URL on its listening line, or send Authorization: Bearer <token>',
        );
    if (!sameToken(presented, access.token))
        return unauthorized('the token is not the one serve printed on its listening line', 'invalid_token');
    return {
        kind: 'pass',
        caller: { name: `${access.user} (serve token)`, via: 'serve-token', roles: [OPERATOR_ROLE] },
    };
}
