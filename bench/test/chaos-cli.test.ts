/**
 * `node dist/bench/chaos.js` end to end, as `npm run chaos` runs it (the build must be current: `npm run build`):
 * one short seeded chaos run (every fault class on both sides) against a clean run of the same few hundred rows
 * exits 0, verifies identical and sends at most 1.3x the clean run's write requests; bad arguments exit 2.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const counts = z.object({ requests: z.number(), writes: z.number(), faults: z.record(z.string(), z.number()) });
const runSchema = z.object({
    faultSeed: z.number().nullable(),
    exitCode: z.number(),
    status: z.string(),
    read: z.number(),
    failedRows: z.number(),
    source: counts,
    target: counts,
    clients: z.object({ source: z.object({ transientRetries: z.number() }), target: z.object({ transientRetries: z.number() }) }),
    verify: z.object({ verdict: z.string() }),
});
const reportSchema = z.object({
    passed: z.boolean(),
    rows: z.number(),
    clean: runSchema,
    runs: z.array(runSchema.extend({ passed: z.boolean(), problems: z.array(z.string()), writeRatio: z.number() })),
});

const BENCH_SRC = fileURLToPath(new URL('..', import.meta.url));
const BENCH_DIST = fileURLToPath(new URL('../../dist/bench/', import.meta.url));

function chaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [join(BENCH_DIST, 'chaos.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
}

const sum = (faults: Record<string, number>) => Object.values(faults).reduce((a, b) => a + b, 0);

let workDir: string;

beforeAll(async () => {
    // Testing a stale build would test other code than this folder's.
    for (const file of (await readdir(BENCH_SRC)).filter((f) => f.startsWith('chaos') && f.endsWith('.ts'))) {
        const built = join(BENCH_DIST, file.replace(/\.ts$/, '.js'));
        const [src, out] = await Promise.all([stat(join(BENCH_SRC, file)), stat(built).catch(() => undefined)]);
        if (!out || out.mtimeMs < src.mtimeMs)
            throw new Error(`${built} is missing or older than its source: npm run build`);
    }
    workDir = await mkdtemp(join(tmpdir(), 'dvm-chaos-'));
});

afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm run chaos', () => {
    it('a seeded run with every fault class on both sides exits 0, verifies identical, writes at most 1.3x the clean run', async () => {
        const run = await chaos(['--seeds', '1', '--rows', '400', '--small', '--time-scale', '0.02', '--json', '--work-dir', workDir]);
        expect(run.code, run.stderr).toBe(0);
        const report = reportSchema.parse(JSON.parse(run.stdout));
        expect(report.clean).toMatchObject({ exitCode: 0, read: 400, verify: { verdict: 'identical' } });
        expect(sum(report.clean.source.faults) + sum(report.clean.target.faults)).toBe(0);
        expect(report.runs).toHaveLength(1);
        const [chaosRun] = report.runs;
        expect(chaosRun).toMatchObject({
            faultSeed: 1,
            exitCode: 0,
            status: 'succeeded',
            read: 400,
            failedRows: 0,
            verify: { verdict: 'identical' },
            passed: true,
        });
        // Faults were met on both sides, and the run's clients retried them.
        expect(sum(chaosRun!.source.faults)).toBeGreaterThan(0);
        expect(sum(chaosRun!.target.faults)).toBeGreaterThan(0);
        expect(chaosRun!.clients.source.transientRetries + chaosRun!.clients.target.transientRetries).toBeGreaterThan(0);
        expect(chaosRun!.writeRatio).toBeLessThanOrEqual(1.3);
        expect(chaosRun!.target.writes).toBeGreaterThan(report.clean.target.writes);
        expect(report.passed).toBe(true);
    }, 120_000);

    it('exits 2 naming a bad argument', async () => {
        const run = await chaos(['--seeds', 'many']);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/--seeds must be a number/);
    });
});
