/**
 * Ctrl-C on `dataverse-migrate run`, for real (a child process and SIGINT): the run stops at the next page boundary,
 * its summary says cancelled, and the process exits 130, as shells report an interrupted command (npx reports
 * 130 for any command it passed a Ctrl-C to, so the CLI says the same on its own). The notice is on stderr.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorPair, spawnRun, writeSpec, type Pair } from './run-helpers.js';

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
        const logDir = join(pair.dir, 'log');
        const { child, output, exited } = spawnRun(pair, specPath, logDir);

        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && (await copiedPages(logDir)) < 3) await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGINT');

        expect(await exited, output.stderr).toBe(130);
        expect(JSON.parse(output.stdout)).toMatchObject({ status: 'cancelled' });
        expect(output.stderr).toContain(
            'Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).',
        );
        expect(output.stderr).not.toMatch(/^\s+at /m);
    });
});
