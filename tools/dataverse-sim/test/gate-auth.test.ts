import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGate, makeTestJwt, UnauthorizedError, type Gate } from '../src/gate/index.js';
import { ManualClock, admitted, bearer, rejected, request } from './gate-helpers.js';

const ENV = 'http://127.0.0.1:5555';
const clock = new ManualClock();
const nowSeconds = () => Math.floor(clock.nowMs / 1000);
const strict = createGate({ envUrl: `${ENV}/api/data/v9.2/`, auth: 'strict', limits: 'none', clock: clock.read });

function token(claims: { aud?: unknown; oid?: unknown; exp?: unknown; nbf?: unknown }): string {
    return makeTestJwt({ aud: ENV, oid: 'user-1', exp: nowSeconds() + 3600, ...claims } as Parameters<
        typeof makeTestJwt
    >[0]);
}

function expect401(gate: Gate, headers: Record<string, string>, reason: RegExp): void {
    const error = rejected(gate.enter(request(headers)));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.status).toBe(401);
    expect((error as UnauthorizedError).bodyless).toBe(true);
    expect(error.headers['WWW-Authenticate']).toMatch(
        /^Bearer authorization_uri=https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/oauth2\/authorize, resource_id=http:\/\/127\.0\.0\.1:5555\/$/,
    );
    expect(error.message).toMatch(reason);
}

describe('strict auth', () => {
    it('accepts a JWT for the environment, with or without a trailing slash in aud; the user is its oid', () => {
        expect(admitted(strict.enter(request(bearer(token({ aud: ENV }))))).user).toBe('user-1');
        expect(admitted(strict.enter(request(bearer(token({ aud: `${ENV}/`, oid: 'u2' }))))).user).toBe('u2');
        expect(admitted(strict.enter(request({ authorization: `bearer ${token({})}` }))).user).toBe('user-1');
    });

    it('answers 401 for a missing header', () => expect401(strict, {}, /missing/));
    it('answers 401 for a non-Bearer scheme', () =>
        expect401(strict, { Authorization: 'Basic dXNlcjpwdw==' }, /Bearer/));
    it('answers 401 for a token that is not a 3-part JWT', () => {
        expect401(strict, bearer('opaque-token'), /not a JWT/);
        expect401(strict, bearer(token({}).split('.').slice(0, 2).join('.')), /not a JWT/);
        expect401(strict, bearer('a.b.c'), /not a JWT/);
    });
    it('answers 401 for the wrong audience', () => {
        expect401(strict, bearer(token({ aud: 'https://other.crm.dynamics.com' })), /audience/);
        expect401(strict, bearer(token({ aud: 'http://127.0.0.1:5556' })), /audience/);
    });
    it('answers 401 for an expired or not-yet-valid token, by the injected clock', () => {
        expect401(strict, bearer(token({ exp: nowSeconds() })), /expired/);
        expect401(strict, bearer(token({ exp: undefined })), /exp/);
        expect401(strict, bearer(token({ nbf: nowSeconds() + 60 })), /nbf/);
        const exp = nowSeconds() + 10;
        const t = token({ exp });
        admitted(strict.enter(request(bearer(t))));
        clock.advance(10_000);
        expect401(strict, bearer(t), /expired/);
    });
    it('answers 401 without an oid claim', () => expect401(strict, bearer(token({ oid: undefined })), /oid/));
    it('counts 401s in stats', () => expect(strict.stats().unauthorized).toBeGreaterThan(0));
});

describe('any auth', () => {
    const any = createGate({ envUrl: ENV, auth: 'any', limits: 'none' });
    it('accepts no header as anonymous, a JWT as its oid and any other token as itself', () => {
        expect(admitted(any.enter(request())).user).toBe('anonymous');
        expect(admitted(any.enter(request(bearer(makeTestJwt({ aud: 'x', oid: 'o-1' }))))).user).toBe('o-1');
        expect(admitted(any.enter(request(bearer('secret-ish')))).user).toBe('secret-ish');
        expect(admitted(any.enter(request(bearer(makeTestJwt({ aud: ENV, oid: 'o', exp: 1 }))))).user).toBe('o');
    });
});

describe('over real HTTP', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
        const gate = createGate({ envUrl: ENV, auth: 'strict', limits: 'none' });
        server = createServer((req, res) => {
            const entered = gate.enter(req);
            if (!entered.ok) {
                res.writeHead(entered.error.status, entered.error.headers).end();
                return;
            }
            const exit = gate.leave(entered.ctx, { rowsRead: 0, rowsWritten: 0, status: 200 });
            res.writeHead(200, exit.kind === 'respond' ? exit.headers : {}).end(entered.ctx.user);
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    function get(
        headers: Record<string, string>,
    ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
        return new Promise((resolve, reject) => {
            const req = httpRequest({ host: '127.0.0.1', port, path: '/api/data/v9.2/WhoAmI', headers }, (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (c: string) => (body += c));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            });
            req.on('error', reject);
            req.end();
        });
    }

    it('reads the Authorization header of real requests', async () => {
        const ok = await get(bearer(makeTestJwt({ aud: `${ENV}/`, oid: 'wire-user' })));
        expect(ok).toMatchObject({ status: 200, body: 'wire-user' });
        expect(ok.headers['x-ms-dop-hint']).toBeDefined();
        const denied = await get({});
        expect(denied.status).toBe(401);
        expect(denied.body).toBe('');
        expect(String(denied.headers['www-authenticate'])).toContain('resource_id=http://127.0.0.1:5555/');
    });
});
