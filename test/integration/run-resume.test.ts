/**
 * The local host killed in the middle of a tier, for real: `dataverse-migrate run` in a child
 * process, SIGKILLed once pages have completed, then resumed with `--resume`. The run completes,
 * verify says identical, and no page whose completion the journal recorded was copied again. The tables are split
 * over page batches (pagesPerOrchestration 5: a table's pages past its first 5 go to pageBatch sub-orchestrations),
 * so the kill comes while batches run too and each continues from its own journal.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvm, simulatorPair, spawnRun, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    // Slow responses keep the run busy long enough to be killed in its first tiers.
    const slow = { schema: 'crm' as const, rows: 1500, seed: 21, latencyMs: 25 };
    pair = await simulatorPair(slow, { ...slow, empty: true });
    specPath = await writeSpec(pair, {
        name: 'resume',
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }],
        manyToMany: ['accountleads_association'],
        options: { pageSize: 25, writeBatchSize: 25, pagesPerOrchestration: 5 },
    });
});
afterAll(() => pair?.close());

async function lines(path: string): Promise<string[]> {
    if (!existsSync(path)) return [];
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

/** `table:page` of every copy page whose completion a journal of the run recorded. */
async function journaledPages(historyDir: string): Promise<Set<string>> {
    const done = new Set<string>();
    for (const file of await readdir(historyDir)) {
        for (const line of await lines(join(historyDir, file))) {
            let record: any;
            try {
                record = JSON.parse(line);
            } catch {
                continue; // a torn last line
            }
            if (record.k !== 'msg' || record.m?.kind !== 'taskCompleted') continue;
            const result = JSON.parse(record.m.result);
            if (result?.kind === 'copy' && typeof result.page === 'number' && result.counts)
                done.add(`${result.table}:${result.page}`);
        }
    }
    return done;
}

describe('a run killed mid-tier', () => {
    it('resumes from its journal without copying completed pages again', { timeout: 120_000 }, async () => {
        const logDir = join(pair.dir, 'log');
        const { child, output, exited } = spawnRun(pair, specPath, logDir);

        // Wait for pages to complete, then kill without warning.
        const deadline = Date.now() + 20_000;
        let runId: string | undefined;
        let pages = 0;
        while (Date.now() < deadline) {
            if (!runId && existsSync(join(logDir, 'runs'))) runId = (await readdir(join(logDir, 'runs')))[0];
            if (runId) {
                const events = await lines(join(logDir, 'runs', runId, 'events.jsonl'));
                pages = events.filter((l) => l.includes('"type":"page"') && l.includes('"phase":"copy"')).length;
                if (pages >= 12) break;
            }
            await new Promise((r) => setTimeout(r, 20));
        }
        child.kill('SIGKILL');
        await exited;
        expect(runId, output.stderr).toBeDefined();
        expect(pages).toBeGreaterThanOrEqual(12);
        const runFolder = join(logDir, 'runs', runId!);
        expect(existsSync(join(runFolder, 'summary.json'))).toBe(false);
        const completed = await journaledPages(join(runFolder, 'history'));
        expect(completed.size).toBeGreaterThan(0);
        // The kill came while page batches ran: some had journals of their own.
        const batches = (await readdir(join(runFolder, 'history'))).filter((f) => f.includes('pages'));
        expect(batches.length, 'page batch journals').toBeGreaterThan(0);

        const resumed = await dvm(pair, ['run', '--resume', runId!, '--json']);
        expect(resumed.code, resumed.stderr).toBe(0);
        const summary = JSON.parse(resumed.stdout);
        expect(summary.status).toBe('succeeded');
        expect(summary.runId).toBe(runId);
        // Into an empty target, this run wrote every row, whichever attempt of a page wrote it.
        for (const [table, t] of Object.entries<any>(summary.tables)) {
            expect(t.copy.written, table).toBe(t.copy.read);
            expect(t.copy.unchanged, table).toBe(0);
        }

        // Every page completed before the kill was copied exactly once.
        const events = (await lines(join(runFolder, 'events.jsonl'))).map((l) => JSON.parse(l));
        const copies = new Map<string, number>();
        for (const e of events)
            if (e.type === 'page' && e.phase === 'copy')
                copies.set(`${e.table}:${e.page}`, (copies.get(`${e.table}:${e.page}`) ?? 0) + 1);
        for (const page of completed) expect(copies.get(page), page).toBe(1);
        // And every page of every table was copied at least once.
        for (const [table, t] of Object.entries<any>(summary.tables))
            for (let p = 0; p < t.pages; p++)
                expect(copies.get(`${table}:${p}`), `${table}:${p}`).toBeGreaterThanOrEqual(1);

        const { report } = await verifyJson(pair, specPath);
        expect(report.identical).toBe(true);
    });
});
