/**
 * `dataverse-migrate serve`: the same HTTP API over real HTTP on loopback, over the local durable host and the
 * filesystem stores, for the holder of its token (serve-access.test.ts tests the gate). Runs in progress when serve
 * stops resume when it starts again, and stored specs start on their schedules.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from '../../src/cli/commands/serve.js';
import type { CliIo } from '../../src/cli/io.js';
import { startSimulator } from 'dataverse-sim';
import { cli } from '../helpers/cli.js';
import type { Sim } from './api-helpers.js';

let source: Sim;
let target: Sim;
let dir: string;
const stderr: string[] = [];

function io(env: Record<string, string> = {}): CliIo {
    return {
        stdout: () => undefined,
        stderr: (text) => stderr.push(text),
        isTty: false,
        env: { PATH: process.env.PATH, DATAVERSE_MIGRATE_SERVE_TOKEN: token, ...env },
        cwd: dir,
    };
}

/** The token every serve of this file is started with (DATAVERSE_MIGRATE_SERVE_TOKEN), sent as a Bearer token. */
const token = 'serve-api-test-token-0123456789abcdef';

async function request(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
) {
    const response = await fetch(`${base}${path}`, {
        method,
        headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function finished(base: string, id: string, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const { json } = await request(base, 'GET', `/api/migrations/${id}`);
        if (json.summary && json.runtimeStatus === 'Completed') return json;
        if (Date.now() > deadline) throw new Error(`run ${id} did not finish: ${JSON.stringify(json)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 1200, seed: 51, latencyMs: 15 }),
        startSimulator({ schema: 'crm', rows: 1200, seed: 51, empty: true, latencyMs: 15 }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'dvm-serve-'));
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
});

const spec = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    source: { url: source.url },
    target: { url: target.url },
    tables: [{ name: 'account' }, { name: 'contact' }],
    options: { pageSize: 25, writeBatchSize: 25, ...extra },
});

describe('serve', () => {
    let serve: ServeHandle;

    beforeAll(async () => {
        serve = await startServe(io({ MAX_REQUEST_BODY_BYTES: '20000' }), {
            port: 0,
            logDir: join(dir, 'log'),
            schedules: false,
        });
    });
    afterAll(() => serve?.stop());

    it('listens on loopback and serves the API to the holder of its token', async () => {
        expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(serve.openUrl).toBe(`${serve.url}/?token=${token}`);
        const put = await request(serve.url, 'PUT', '/api/specs/local-copy?code=abc', spec('local-copy'));
        expect(put.status).toBe(201);
        expect(put.json).toMatchObject({
            name: 'local-copy',
            status: 'never-run',
            url: `${serve.url}/api/specs/local-copy`,
        });
        const plan = await request(serve.url, 'POST', '/api/plans', { spec: 'local-copy' });
        expect(plan.status).toBe(200);
        expect(plan.json.tiers.flatMap((t: any) => t.tables.map((x: any) => x.name)).sort()).toEqual([
            'account',
            'contact',
        ]);
    });

    it('answers 404 off the API, 405 with Allow for a wrong method, and 413 for a body past the limit', async () => {
        expect((await request(serve.url, 'GET', '/api/nothing')).status).toBe(404);
        const wrong = await request(serve.url, 'DELETE', '/api/migrations');
        expect(wrong.status).toBe(405);
        expect(wrong.headers.get('allow')).toBe('POST, GET');
        const big = spec('big', { schedule: '0 0 3 * * *' });
        (big as any).tables = Array.from({ length: 2000 }, (_, i) => ({ name: `t_${i}` }));
        const refused = await request(serve.url, 'POST', '/api/migrations', big);
        expect(refused.status).toBe(413);
        expect(refused.json).toMatchObject({ error: 'payload-too-large', limit: 20000 });
    });

    it('resumes a run the previous serve left in progress, copying every row once', async () => {
        const started = await request(serve.url, 'POST', '/api/migrations', { spec: 'local-copy' });
        expect(started.status).toBe(202);
        const id = started.json.id;
        expect(started.json.statusUrl).toBe(`${serve.url}/api/migrations/${id}`);
        for (;;) {
            const { json } = await request(serve.url, 'GET', `/api/migrations/${id}`);
            expect(json.summary).toBeUndefined();
            if (json.phase === 'copy' && Object.values<any>(json.tables).some((t) => t.written > 0)) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await serve.stop();
        const copiedBefore = target.dump('account').length + target.dump('contact').length;

        serve = await startServe(io(), { port: 0, logDir: join(dir, 'log'), schedules: false });
        expect(serve.resumed).toEqual([id]);
        const view = await finished(serve.url, id);
        expect(view.status).toBe('succeeded');
        // Who asked: the user serve runs as, by its token; the run's summary and its view both say so.
        expect(view.requestedBy).toMatch(/ \(serve token\)$/);
        expect(view.summary.requestedBy).toBe(view.requestedBy);
        expect(target.dump('account').length).toBe(source.dump('account').length);
        expect(target.dump('contact').length).toBe(source.dump('contact').length);
        expect(copiedBefore).toBeLessThan(target.dump('account').length + target.dump('contact').length);
        const specView = await request(serve.url, 'GET', '/api/specs/local-copy');
        expect(specView.json).toMatchObject({ status: 'succeeded', lastRunId: id, failedRows: 0 });
        const history = await request(serve.url, 'GET', '/api/migrations');
        expect(history.json.runs[0]).toMatchObject({ runId: id, status: 'succeeded', trigger: 'http' });
    }, 240_000);
});

describe('serve with schedules', () => {
    it('starts a stored spec on its own schedule from the refresh tick', async () => {
        const serve = await startServe(io({ REFRESH_TICK_SCHEDULE: '* * * * * *' }), {
            port: 0,
            logDir: join(dir, 'ticks'),
            schedules: true,
        });
        try {
            const put = await request(
                serve.url,
                'PUT',
                '/api/specs/every-2s',
                spec('every-2s', { schedule: '*/2 * * * * *' }),
            );
            expect(put.status).toBe(201);
            let runs: any[] = [];
            for (let i = 0; i < 200 && runs.length === 0; i++) {
                await new Promise((resolve) => setTimeout(resolve, 100));
                const spec = (await request(serve.url, 'GET', '/api/specs/every-2s')).json;
                if (spec.lastRunId) runs = [spec.lastRunId];
            }
            expect(runs).toHaveLength(1);
            const view = await finished(serve.url, runs[0]);
            expect(view).toMatchObject({ status: 'succeeded', trigger: 'schedule', spec: 'every-2s' });
        } finally {
            await serve.stop();
        }
    }, 180_000);

    it('refuses bad options as bad input', async () => {
        const result = await cli(['serve', '--port', 'many'], { cwd: dir });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('--port');
    });
});
