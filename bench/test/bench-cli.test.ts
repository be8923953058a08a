/**
 * `node dist/bench/run.js` end to end, as `npm run bench` runs it (the build must be current: `npm run build`):
 * the migration part alone at a small size prints one JSON object with issue 7's figures, every migration
 * verified; bad arguments exit 2 with the problem named.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const sizeSchema = z.object({
    rows: z.number(),
    identical: z.boolean(),
    target: z.object({ admitted: z.number() }),
});
const reportSchema = z.object({
    ceilingRatio: z.number(),
    rowWritesPerRow: z.number(),
    speedupVsNaive: z.number(),
    rssGrowth: z.number(),
    replayShare: z.number(),
    rowsPerSecond: z.number(),
    load: z.unknown().optional(),
    bulk: z.unknown().optional(),
    migration: z.object({
        main: sizeSchema,
        small: sizeSchema,
        naive: z.object({ rows: z.number() }),
    }),
});

const BENCH_SRC = fileURLToPath(new URL('..', import.meta.url));
const BENCH_DIST = fileURLToPath(new URL('../../dist/bench/', import.meta.url));

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [join(BENCH_DIST, 'run.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
}

let workDir: string;

beforeAll(async () => {
    // Testing a stale build would test other code than this folder's.
    for (const file of (await readdir(BENCH_SRC)).filter((f) => f.endsWith('.ts') && f !== 'vitest.config.ts')) {
        const built = join(BENCH_DIST, file.replace(/\.ts$/, '.js'));
        const [src, out] = await Promise.all([stat(join(BENCH_SRC, file)), stat(built).catch(() => undefined)]);
        if (!out || out.mtimeMs < src.mtimeMs)
            throw new Error(`${built} is missing or older than its source: npm run build`);
    }
    workDir = await mkdtemp(join(tmpdir(), 'dvm-bench-'));
});

afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm run bench', () => {
    it('runs the migration part alone and prints every figure as one JSON object', async () => {
        const run = await bench([
            'migration',
            '--json',
            '--rows',
            '1000',
            '--naive-rows',
            '200',
            '--time-scale',
            '0.1',
            '--work-dir',
            workDir,
        ]);
        expect(run.code, run.stderr).toBe(0);
        const report = reportSchema.parse(JSON.parse(run.stdout));
        expect(report.ceilingRatio).toBeGreaterThan(0);
        expect(report.ceilingRatio).toBeLessThanOrEqual(1.01);
        // Every row is created once; follow-up writes (at most one a row), close activities and associations add to it.
        expect(report.rowWritesPerRow).toBeGreaterThanOrEqual(1);
        expect(report.rowWritesPerRow).toBeLessThan(3);
        expect(report.speedupVsNaive).toBeGreaterThan(0);
        expect(report.rssGrowth).toBeGreaterThan(0);
        expect(report.replayShare).toBeGreaterThan(0);
        expect(report.replayShare).toBeLessThan(1);
        expect(report.migration.main).toMatchObject({ rows: 1000, identical: true });
        expect(report.migration.small).toMatchObject({ rows: 100, identical: true });
        expect(report.rowsPerSecond).toBeGreaterThan(0);
        expect(report.migration.naive.rows).toBe(200);
        expect(report.migration.main.target.admitted).toBeGreaterThan(0);
        expect(report.load).toBeUndefined();
        expect(report.bulk).toBeUndefined();
    }, 180_000);

    it('exits 2 naming a bad argument', async () => {
        const run = await bench(['migration', '--rows', 'lots']);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/--rows must be a number/);
    });
});
