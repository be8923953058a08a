/**
 * What `serve` says on its console: one line per request (method, path, status, time; never the query, which may
 * hold a function key), one per run started (run id, spec, trigger), one per schedule tick and one per due spec
 * with what became of it. Every line has its time, level and message: never a bare level.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from 'dataverse-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/cli/commands/serve.js';
import { consoleLog } from '../../src/cli/console-log.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Sim } from './api-helpers.js';

let source: Sim;
let target: Sim;
let dir: string;

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 300, seed: 61 }),
        startSimulator({ schema: 'crm', rows: 300, seed: 61, empty: true }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'dvm-serve-log-'));
});
afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
});

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info |warn |error) \S.*$/;

describe("serve's console", () => {
    it('logs each request, each run started, each tick and each due spec with its message', async () => {
        let stderr = '';
        const io: CliIo = {
            stdout: () => undefined,
            stderr: (text) => (stderr += text),
            isTty: false,
            env: { PATH: process.env.PATH, REFRESH_TICK_SCHEDULE: '* * * * * *' },
            cwd: dir,
        };
        const serve = await startServe(io, { port: 0, logDir: join(dir, 'log'), schedules: true });
        const lines = () => stderr.split('\n').filter((l) => l !== '');
        const waitFor = async (pattern: RegExp) => {
            for (let i = 0; i < 300 && !lines().some((l) => pattern.test(l)); i++)
                await new Promise((resolve) => setTimeout(resolve, 50));
            expect(lines(), String(pattern)).toContainEqual(expect.stringMatching(pattern));
        };
        try {
            const spec = {
                name: 'every-2s',
                source: { url: source.url },
                target: { url: target.url },
                tables: [{ name: 'account' }],
                options: { schedule: '*/2 * * * * *' },
            };
            const auth = { authorization: `Bearer ${serve.token}` };
            const put = await fetch(`${serve.url}/api/specs/every-2s?code=SECRET-KEY`, {
                method: 'PUT',
                headers: { 'content-type': 'application/json', ...auth },
                body: JSON.stringify(spec),
            });
            expect(put.status).toBe(201);
            expect((await fetch(`${serve.url}/api/nothing`, { headers: auth })).status).toBe(404);
            const started = await fetch(`${serve.url}/api/migrations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', ...auth },
                body: JSON.stringify({ ...spec, name: 'by-hand', options: {} }),
            });
            expect(started.status).toBe(202);
            const { id } = (await started.json()) as { id: string };

            await waitFor(/ info {2}PUT \/api\/specs\/every-2s 201 \d+ ms$/);
            await waitFor(/ warn {2}GET \/api\/nothing 404 \d+ ms$/);
            await waitFor(
                new RegExp(` info {2}run ${id} started \\(spec by-hand, trigger http, by .+ \\(serve token\\)\\)$`),
            );
            await waitFor(/ info {2}refresh tick \S+Z: 1 of 1 stored specs on a schedule, [01] due$/);
            await waitFor(
                / info {2}spec 'every-2s' \(due \S+Z\): started incremental run every-2s-\d{8}-\d{6}-[0-9a-f]{4}$/,
            );
            await waitFor(/ info {2}run every-2s-\d{8}-\d{6}-[0-9a-f]{4} started \(spec every-2s, trigger schedule\)$/);
        } finally {
            await serve.stop();
        }
        for (const line of lines()) expect(line).toMatch(LINE);
        expect(stderr).not.toContain('SECRET-KEY');
    }, 120_000);

    it('colours warnings and errors on a terminal, not with NO_COLOR', () => {
        const written: string[] = [];
        const io = (env: NodeJS.ProcessEnv): CliIo => ({
            stdout: () => undefined,
            stderr: (text) => written.push(text),
            isTty: true,
            env,
            cwd: dir,
        });
        const now = () => new Date('2026-01-01T00:00:00Z');
        consoleLog(io({}), now)('error', 'boom');
        consoleLog(io({ NO_COLOR: '1' }), now)('warn', 'careful');
        expect(written).toEqual([
            '2026-01-01T00:00:00.000Z \x1b[31merror\x1b[39m boom\n',
            '2026-01-01T00:00:00.000Z warn  careful\n',
        ]);
    });
});
