/**
 * Ctrl-C on `dataverse-migrate run`, for real (a child process and SIGINT): the run stops at the next page boundary,
 * its summary says cancelled, and the process exits 130, as shells report an interrupted command (npx reports
 * 130 for any command it passed a Ctrl-C to, so the CLI says the same on its own). The notice is on stderr.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorPair, writeSpec, type Pair } from './run-helpers.js';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    // Slow responses keep the run busy long enough to be interrupted in its first tier.
    const slow = { schema: 'crm' as const, rows: 1500, seed: 33, latencyMs: 25 };
    pair = await simulatorPair(slow, { ...slow, empty: true });
    specPath = await writeSpec(pair, {
        name: 'interrupt',
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }],
        options: { pageSize: 25, writeBatchSize: 25 },
    });
});
afterAll(() => pair?.close());

async function copiedPages(logDir: string): Promise<number> {
    const runs = join(logDir, 'runs');
    if (!existsSync(runs)) return 0;
    const [runId] = await readdir(runs);
    const events = join(runs, runId ?? '', 'events.jsonl');
    if (runId === undefined || !existsSync(events)) return 0;
    return (await readFile(events, 'utf8')).split('\n').filter((l) => l.includes('"phase":"copy"')).length;
}

describe('Ctrl-C once', () => {
    it('cancels at a page boundary and exits 130', { timeout: 120_000 }, async () => {
        expect(existsSync(BIN), 'run `npm run build` first (npm test does)').toBe(true);
        const logDir = join(pair.dir, 'log');
        const child = spawn(process.execPath, [BIN, 'run', '--spec', specPath, '--log-dir', logDir, '--json'], {
            cwd: pair.dir,
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && (await copiedPages(logDir)) < 3) await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGINT');

        expect(await exited, stderr).toBe(130);
        expect(JSON.parse(stdout)).toMatchObject({ status: 'cancelled' });
        expect(stderr).toContain('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
        expect(stderr).not.toMatch(/^\s+at /m);
    });
});
