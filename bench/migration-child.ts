/**
 * Runs `migration-runner.js` in a child process and returns its report, validated (it is another process's
 * output). A runner that crashes, prints no report or ends its run in any state but a succeeded summary is an
 * error that names the run and what went wrong; `spawnMigrationRunner` returns whatever the run ended as, for
 * callers (the chaos suite) that report a failed run rather than stop at it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { sideRequestsSchema } from '../src/run/outcomes.js';

const RUNNER = fileURLToPath(new URL('./migration-runner.js', import.meta.url));

const counts = z.object({ read: z.number(), written: z.number(), skipped: z.number(), failed: z.number() });
const summarySchema = z.object({
    runId: z.string(),
    status: z.string(),
    reason: z.string().optional(),
    durationMs: z.number(),
    tables: z.record(
        z.string(),
        z.object({ pages: z.number(), copy: counts, deferred: counts, state: counts, delete: counts }),
    ),
    manyToMany: z.record(z.string(), counts),
    totals: counts,
    failedRows: z.number(),
    /** Requests the run counted per environment (src/run/outcomes.ts `sideRequestsSchema`). */
    requests: sideRequestsSchema.optional(),
});
/** A client's request counters (ClientStats without the limiter's live state). */
const clientCounters = z.object({
    attempts: z.number(),
    succeeded: z.number(),
    throttled: z.number(),
    transientRetries: z.number(),
    deadlockRetries: z.number(),
    outageRetries: z.number(),
    failed: z.number(),
});
export type ClientCounters = z.infer<typeof clientCounters>;

const reportSchema = z.object({
    runId: z.string(),
    runtimeStatus: z.string(),
    exitCode: z.number(),
    summary: summarySchema.nullable(),
    output: z.unknown(),
    host: z.object({
        wallMs: z.number(),
        episodes: z.number(),
        replays: z.number(),
        replayMs: z.number(),
        replayedEvents: z.number(),
        activitiesRun: z.number(),
        activityMs: z.number(),
        peakConcurrentActivities: z.number(),
        journalMs: z.number(),
    }),
    wallMs: z.number(),
    cpuMs: z.number(),
    throttled: z.number(),
    targetRequests: z.object({
        meanInFlight: z.number(),
        meanQueued: z.number(),
        meanLimit: z.number(),
        peakInFlight: z.number(),
    }),
    maxRssBytes: z.number(),
    peakSampledRssBytes: z.number(),
    peakHeapUsedBytes: z.number(),
    clients: z.object({ source: clientCounters, target: clientCounters }),
});
export type AnyRunnerReport = z.infer<typeof reportSchema>;
export type RunnerReport = AnyRunnerReport & { summary: z.infer<typeof summarySchema> };

export interface RunnerOptions {
    specPath: string;
    logDir: string;
    /** Activities at once in the local host (the CLI's default when absent). */
    activities?: number;
}

/** The runner's report as the run ended (any status); a runner that printed no report is an error. */
export async function spawnMigrationRunner(options: RunnerOptions): Promise<AnyRunnerReport> {
    const args = [RUNNER, '--spec', options.specPath, '--log-dir', options.logDir];
    if (options.activities !== undefined) args.push('--activities', String(options.activities));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
    const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (exitCode) => resolve(exitCode));
    });
    const line = stdout.trim().split('\n').pop() ?? '';
    let raw: unknown;
    try {
        raw = JSON.parse(line);
    } catch {
        throw new Error(`migration runner (${options.specPath}) exited ${code} without a report:\n${stderr.trim()}`);
    }
    const parsed = reportSchema.safeParse(raw);
    if (!parsed.success) {
        throw new Error(`migration runner report has an unexpected shape: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
}

export async function runMigrationChild(options: RunnerOptions): Promise<RunnerReport> {
    const report = await spawnMigrationRunner(options);
    if (!report.summary || report.summary.status !== 'succeeded') {
        throw new Error(
            `migration ${report.runId} did not succeed (${report.runtimeStatus}, ${report.summary?.status ?? 'no summary'}): ${JSON.stringify(report.summary?.reason ?? report.output)}`,
        );
    }
    if (report.summary.failedRows > 0) {
        throw new Error(`migration ${report.runId} has ${report.summary.failedRows} failed rows`);
    }
    return { ...report, summary: report.summary };
}
