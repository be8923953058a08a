/**
 * "Ctrl-C twice: stop now and resume later" for real: `dataverse-migrate run` in a child process gets SIGINT
 * twice while pages are being copied. It prints how to resume and exits within seconds without a summary; the
 * cancel the first Ctrl-C asked for is withdrawn, and `--resume` takes the run from its journal to success.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvm, simulatorPair, spawnRun, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    const slow = { schema: 'crm' as const, rows: 1500, seed: 23, latencyMs: 25 };
    pair = await simulatorPair(slow, { ...slow, empty: true });
    specPath = await writeSpec(pair, {
        name: 'stop',
        tables: [{ name: 'account' }, { name: 'contact' }],
        options: { pageSize: 25, writeBatchSize: 25 },
    });
});
afterAll(() => pair?.close());

/** Whether a page of the run saw the cancel request between the two Ctrl-Cs (its completion says so). */
async function sawCancel(historyDir: string): Promise<boolean> {
    for (const file of await readdir(historyDir)) {
        for (const line of (await readFile(join(historyDir, file), 'utf8')).split('\n')) {
            if (!line.includes('"kind":"taskCompleted"')) continue;
            const result = JSON.parse((JSON.parse(line) as { m: { result: string } }).m.result) as unknown;
            if ((result as { cancelled?: boolean } | null)?.cancelled === true) return true;
        }
    }
    return false;
}

async function copiedPages(eventsPath: string): Promise<number> {
    if (!existsSync(eventsPath)) return 0;
    const text = await readFile(eventsPath, 'utf8');
    return text.split('\n').filter((l) => l.includes('"type":"page"') && l.includes('"phase":"copy"')).length;
}

describe('a run stopped with a second Ctrl-C', () => {
    it('exits within seconds with the resume line, and --resume finishes the run', { timeout: 120_000 }, async () => {
        const logDir = join(pair.dir, 'log');
        const { child, output, exited } = spawnRun(pair, specPath, logDir);

        const deadline = Date.now() + 30_000;
        let runId: string | undefined;
        while (Date.now() < deadline) {
            if (!runId && existsSync(join(logDir, 'runs'))) runId = (await readdir(join(logDir, 'runs')))[0];
            if (runId && (await copiedPages(join(logDir, 'runs', runId, 'events.jsonl'))) >= 4) break;
            await new Promise((r) => setTimeout(r, 20));
        }
        expect(runId, output.stderr).toBeDefined();
        // The second Ctrl-C follows the first as soon as the run says it is cancelling, as a double press does.
        child.kill('SIGINT');
        while (!output.stderr.includes('Cancelling at the next page boundary'))
            await new Promise((r) => setTimeout(r, 2));
        const stoppedAt = Date.now();
        child.kill('SIGINT');
        const code = await exited;
        expect(Date.now() - stoppedAt, output.stderr).toBeLessThan(10_000);
        // Stopped with Ctrl-C: 130, as a shell reports an interrupted command.
        expect(code, output.stderr).toBe(130);
        expect(output.stdout).toBe('');
        expect(output.stderr).toContain(`run ${runId} stopped before it finished`);
        expect(output.stderr).toContain(`resume it with: dataverse-migrate run --resume ${runId}\n`);
        expect(existsSync(join(logDir, 'runs', runId!, 'summary.json'))).toBe(false);

        // The second Ctrl-C withdrew the first one's cancel request: the resumed run goes on to the end, unless
        // a page started between the two presses and cancelled itself (the run then ends cancelled, as asked).
        expect(existsSync(join(logDir, 'runs', runId!, 'cancel.json'))).toBe(false);
        const cancelled = await sawCancel(join(logDir, 'runs', runId!, 'history'));
        const resumed = await dvm(pair, ['run', '--resume', runId!, '--json']);
        const summary = JSON.parse(resumed.stdout);
        expect(summary).toMatchObject({ runId, status: cancelled ? 'cancelled' : 'succeeded' });
        expect(resumed.code, resumed.stderr).toBe(cancelled ? 1 : 0);
        if (cancelled) {
            // A cancelled run continues too: the next --resume takes it to the end.
            const again = await dvm(pair, ['run', '--resume', runId!, '--json']);
            expect(JSON.parse(again.stdout)).toMatchObject({ runId, status: 'succeeded' });
        }
    });
});
