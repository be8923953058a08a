/**
 * Child process of the migration benchmark: one `dataverse-migrate run`, as the CLI does it (the local durable
 * host over the filesystem run store), in a process of its own so its peak RSS is the migration's alone. Prints
 * one JSON line on stdout: the run summary, the host's stats (for the replay share), wall time, CPU time,
 * memory (peak RSS from the kernel, peak heap sampled every 100 ms), how many requests the pipeline kept in
 * flight at the target (sampled from the run's own client) and both clients' request counters (attempts, retries).
 * Usage: node dist/bench/migration-runner.js --spec FILE --log-dir DIR [--activities N]
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { exitCodeOf } from '../src/cli/commands/run.js';
import { ExitCode } from '../src/cli/io.js';
import { newRunId } from '../src/run/run-id.js';
import type { ClientStats, DataverseWriteClient } from '../src/dataverse/index.js';
import { LocalRuns } from '../src/host/local-runs.js';
import { createFileRunStore } from '../src/runlog/index.js';
import { validateSpec } from '../src/spec/index.js';

const SAMPLE_MS = 100;

const argsSchema = z.strictObject({
    spec: z.string().min(1),
    'log-dir': z.string().min(1),
    activities: z.coerce.number().int().positive().optional(),
});

/** Peaks of memory and means of the target client's concurrency, sampled while the run goes on. */
class Sampler {
    private readonly timer: NodeJS.Timeout;
    readonly peak = { heapUsed: 0, rss: 0 };
    private readonly sums = { samples: 0, inFlight: 0, queued: 0, limit: 0 };

    constructor(private readonly target: DataverseWriteClient) {
        this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    }

    sample(): void {
        const m = process.memoryUsage();
        this.peak.heapUsed = Math.max(this.peak.heapUsed, m.heapUsed);
        this.peak.rss = Math.max(this.peak.rss, m.rss);
        const c = this.target.stats().concurrency;
        this.sums.samples++;
        this.sums.inFlight += c.inFlight;
        this.sums.queued += c.queued;
        this.sums.limit += c.limit;
    }

    stop(): void {
        clearInterval(this.timer);
    }

    targetRequests() {
        const n = Math.max(1, this.sums.samples);
        return {
            meanInFlight: this.sums.inFlight / n,
            meanQueued: this.sums.queued / n,
            meanLimit: this.sums.limit / n,
            peakInFlight: this.target.stats().concurrency.peakInFlight,
        };
    }
}

/** A client's request counters, without its limiter's live state. */
function requestCounters(stats: ClientStats) {
    const { concurrency: _live, ...counters } = stats;
    return counters;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { spec: { type: 'string' }, 'log-dir': { type: 'string' }, activities: { type: 'string' } },
        strict: true,
    });
    const args = argsSchema.parse(values);
    const specDocument: unknown = JSON.parse(await readFile(args.spec, 'utf8'));
    const validated = validateSpec(specDocument);
    if (!validated.ok) throw new Error(`${args.spec} is not a valid spec: ${JSON.stringify(validated)}`);
    const root = resolve(args['log-dir']);
    const runId = newRunId(validated.spec.name);

    const runs = new LocalRuns({
        store: createFileRunStore(root),
        root,
        env: process.env,
        userAgent: 'dataverse-migrate-bench',
        ...(args.activities !== undefined ? { maxConcurrentActivities: args.activities } : {}),
    });
    // The very clients the activities use: LocalRuns shares them per environment pair.
    const clients = runs.connect(validated.spec);
    const sampler = new Sampler(clients.target);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    try {
        await runs.start(runId, { runId, spec: specDocument, trigger: 'bench' });
        const result = await runs.wait(runId);
        const wallMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        sampler.sample();
        const report = {
            runId,
            runtimeStatus: result.status.runtimeStatus,
            // What `dataverse-migrate run` would exit with: a run that ended without a summary exits 1 too.
            exitCode: result.summary ? exitCodeOf(result.summary) : ExitCode.Failures,
            summary: result.summary ?? null,
            output: result.summary ? null : (result.status.output ?? null),
            host: result.stats,
            wallMs,
            cpuMs: (cpu.user + cpu.system) / 1000,
            throttled: runs.throttled(),
            targetRequests: sampler.targetRequests(),
            clients: {
                source: requestCounters(clients.source.stats()),
                target: requestCounters(clients.target.stats()),
            },
            // resourceUsage().maxRSS is in kilobytes.
            maxRssBytes: process.resourceUsage().maxRSS * 1024,
            peakSampledRssBytes: sampler.peak.rss,
            peakHeapUsedBytes: sampler.peak.heapUsed,
        };
        process.stdout.write(`${JSON.stringify(report)}\n`);
    } finally {
        sampler.stop();
        await runs.stop();
    }
}

main().catch((error: unknown) => {
    process.stderr.write(
        `migration runner failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
});
