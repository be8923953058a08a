/**
 * `serve` lets in only its own user (issue 19 item 3; security review finding 2): the token of its listening line,
 * traded for a cookie by the page it opens or sent as a Bearer token; no foreign Host (DNS rebinding); no state
 * change from a foreign origin (CSRF) and no body but JSON. Every attack here was answered 200 or 202 before.
 * Requests go through node:http, which sends the Host, Origin and Cookie headers exactly as given.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from '../../src/cli/commands/serve.js';
import type { CliIo } from '../../src/cli/io.js';

let dir: string;
let serve: ServeHandle;
let port: number;

function io(env: Record<string, string> = {}): CliIo {
    return {
        stdout: () => undefined,
        stderr: () => undefined,
        isTty: false,
        env: { PATH: process.env.PATH, ...env },
        cwd: dir,
    };
}

interface Answer {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    json: any;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(
            { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
            (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => (text += chunk));
                res.on('end', () =>
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        json: text ? JSON.parse(text) : undefined,
                    }),
                );
            },
        );
        req.on('error', reject);
        req.end(body);
    });
}

const bearer = () => ({ authorization: `Bearer ${serve.token}` });
const cookie = () => ({ cookie: `dataverse-migrate-${port}=${serve.token}` });
const json = { 'content-type': 'application/json' };
/** A spec with deletes, as the reviewed attack sent it (its environments are never reached: every request is refused). */
const attack = JSON.stringify({
    name: 'attack',
    source: { url: 'http://127.0.0.1:9' },
    target: { url: 'http://127.0.0.1:10' },
    tables: [{ name: 'account', deleteMissing: true }],
    options: { maxDeleteShare: 1 },
});

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dvm-serve-access-'));
    serve = await startServe(io(), { port: 0, logDir: join(dir, 'log'), schedules: false });
    port = Number(new URL(serve.url).port);
});

afterAll(async () => {
    await serve?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
});

describe('serve token', () => {
    it('is new and random on every start (256 bits), and the open URL carries it', async () => {
        expect(serve.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(serve.openUrl).toBe(`http://127.0.0.1:${port}/?token=${serve.token}`);
        const second = await startServe(io(), { port: 0, logDir: join(dir, 'log2'), schedules: false });
        try {
            expect(second.token).not.toBe(serve.token);
        } finally {
            await second.stop();
        }
    });

    it('takes a token from --token or DATAVERSE_MIGRATE_SERVE_TOKEN, and refuses a short one naming the setting', async () => {
        const fixed = 'f'.repeat(40);
        const given = await startServe(io({ DATAVERSE_MIGRATE_SERVE_TOKEN: fixed }), {
            port: 0,
            logDir: join(dir, 'log3'),
            schedules: false,
        });
        await given.stop();
        expect(given.token).toBe(fixed);
        await expect(
            startServe(io({ DATAVERSE_MIGRATE_SERVE_TOKEN: 'short' }), {
                port: 0,
                logDir: join(dir, 'log4'),
                schedules: false,
            }),
        ).rejects.toThrow(/DATAVERSE_MIGRATE_SERVE_TOKEN.*32 to 256 URL-safe characters/);
    });

    it('answers 401 with WWW-Authenticate: Bearer and a JSON error without the token, or with another', async () => {
        const none = await send('GET', '/api/specs');
        expect(none.status).toBe(401);
        expect(none.headers['www-authenticate']).toBe('Bearer realm="dataverse-migrate serve"');
        expect(none.json).toMatchObject({
            error: 'unauthorized',
            message: expect.stringContaining('Authorization: Bearer'),
        });
        const wrong = await send('GET', '/api/specs', { authorization: `Bearer ${'x'.repeat(43)}` });
        expect(wrong.status).toBe(401);
        expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
        // Not a key any more: Azure's function key header lets nobody into serve.
        expect((await send('GET', '/api/specs', { 'x-functions-key': serve.token })).status).toBe(401);
        // Nor the token in an API URL (URLs end up in logs and histories; only a page trades it, once).
        expect((await send('GET', `/api/specs?token=${serve.token}`)).status).toBe(401);
        expect((await send('GET', '/api/specs', bearer())).status).toBe(200);
    });

    it("trades the open URL's token for an HttpOnly, SameSite=Strict cookie and redirects to the URL without it", async () => {
        const opened = await send('GET', `/?token=${serve.token}`);
        expect(opened.status).toBe(302);
        expect(opened.headers.location).toBe('/');
        expect(opened.headers['set-cookie']).toEqual([
            `dataverse-migrate-${port}=${serve.token}; HttpOnly; SameSite=Strict; Path=/`,
        ]);
        const deep = await send('GET', `/runs/x?tab=log&token=${serve.token}`);
        expect(deep.headers.location).toBe('/runs/x?tab=log');
        expect((await send('GET', '/api/specs', cookie())).status).toBe(200);
        const forged = await send('GET', `/?token=${'y'.repeat(43)}`);
        expect(forged.status).toBe(401);
        expect(forged.headers['set-cookie']).toBeUndefined();
    });
});

describe('serve refuses', () => {
    it('a Host other than its loopback address and port (DNS rebinding), even with the token', async () => {
        for (const host of ['attacker.example', `attacker.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1']) {
            const rebound = await send('GET', '/api/specs', { ...bearer(), host });
            expect(rebound.status, host).toBe(403);
            expect(rebound.json).toMatchObject({ error: 'host-not-allowed', message: expect.stringContaining(host) });
        }
        for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`])
            expect((await send('GET', '/api/specs', { ...bearer(), host })).status, host).toBe(200);
    });

    it('a cross-site text/plain POST that starts a run with deletes (the reviewed attack), and starts nothing', async () => {
        const headers = {
            ...cookie(),
            'content-type': 'text/plain',
            origin: 'http://attacker.example',
            'sec-fetch-site': 'cross-site',
        };
        const refused = await send('POST', '/api/migrations', headers, attack);
        expect(refused.status).toBe(403);
        expect(refused.json).toMatchObject({
            error: 'foreign-origin',
            message: expect.stringContaining('http://attacker.example'),
        });
        const history = await send('GET', '/api/migrations', bearer());
        expect(history.json.runs).toEqual([]);
    });

    it('a state change whose Origin is foreign, or that another site sent (no Origin, Sec-Fetch-Site)', async () => {
        for (const origin of ['http://attacker.example', `http://127.0.0.1:${port + 1}`, 'null']) {
            const put = await send('PUT', '/api/specs/attack', { ...bearer(), ...json, origin }, attack);
            expect(put.status, origin).toBe(403);
        }
        for (const site of ['cross-site', 'same-site']) {
            const deleted = await send('DELETE', '/api/specs/attack', { ...bearer(), 'sec-fetch-site': site });
            expect(deleted.status, site).toBe(403);
        }
        expect((await send('GET', '/api/specs/attack', bearer())).status).toBe(404);
    });

    it('a POST or PUT body that is not JSON (415), while JSON from its own page passes', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
            const refused = await send('POST', '/api/migrations', { ...bearer(), 'content-type': type }, attack);
            expect(refused.status, type).toBe(415);
            expect(refused.json).toMatchObject({ error: 'unsupported-media-type' });
        }
        expect((await send('PUT', '/api/specs/attack', bearer(), attack)).status).toBe(415);
        const own = await send(
            'PUT',
            '/api/specs/own',
            {
                ...cookie(),
                'content-type': 'application/json; charset=utf-8',
                host: `localhost:${port}`,
                origin: `http://localhost:${port}`,
                'sec-fetch-site': 'same-origin',
            },
            attack.replace('"attack"', '"own"'),
        );
        expect(own.status).toBe(201);
    });
});
