/**
 * One measured migration: a crm source with `rows` generated rows and its empty counterpart, each a simulator
 * process under the bench limits, the migration in a child process, then the simulators' own accounting of what
 * the run cost them (admitted requests, modeled server time) turned into the shortest time their limits allow,
 * and `verify` to prove the target identical. Rates are business rows of the source per second of the run's
 * wall time (plan to summary).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SPEC_DEFAULTS } from '../src/spec/index.js';
import { modeledServerMs, type LimitsConfig } from 'dataverse-sim';
import { BENCH_PAGE_SIZE, crmSpec, type CrmSpecOptions } from './crm-spec.js';
import { runMigrationChild, type RunnerReport } from './migration-child.js';
import { shortestTime, type ShortestTime } from './shortest-time.js';
import { startPair, type SimProcess } from './sim-process.js';
import { verifyIdentical, type VerifyFigures } from './verify-run.js';

/** Ids per request of the key walk that lists pages (the Web API's largest page). */
const KEY_WALK_PAGE = 5000;

/** Service protection limits of both simulators, and the same as a file for the simulator CLI. */
export interface MeasureLimits {
    config: LimitsConfig;
    path: string;
}

export interface MeasureOptions {
    label: string;
    rows: number;
    seed: number;
    limits: MeasureLimits;
    timeScale: number;
    workDir: string;
    spec?: CrmSpecOptions;
    activities?: number;
}

export interface SimCost {
    requests: number;
    admitted: number;
    throttled: number;
    executionMs: number;
    /** Rows the simulator wrote (creates, updates, state changes, close activities, associations). */
    rowsWritten: number;
    shortest: ShortestTime;
}

export interface MeasuredMigration {
    rows: number;
    seconds: number;
    rowsPerSecond: number;
    /** Row writes sent to the target per source row: 1 is every row written once, a follow-up write adds to it. */
    rowWritesPerRow: number;
    /** The larger of the two simulators' shortest times (real seconds), and it over the run's time. */
    ceiling: { shortestSeconds: number; ratio: number };
    source: SimCost;
    target: SimCost;
    report: RunnerReport;
    verify: VerifyFigures;
}

/**
 * Upper bounds of the largest single request at each side, for the one-request overrun a window allows. The
 * source's largest is a key-walk page (5000 ids); the target's a read of a page's rows or a chunk of
 * `writeBatchSize` writes counted twice (a close message writes the row and its close activity).
 */
function largestRequestMs(limits: LimitsConfig, spec: CrmSpecOptions, side: 'source' | 'target'): number {
    const pageSize = spec.pageSize ?? BENCH_PAGE_SIZE;
    const writeBatchSize = spec.writeBatchSize ?? SPEC_DEFAULTS.writeBatchSize;
    const reads = side === 'source' ? Math.max(KEY_WALK_PAGE, pageSize) : pageSize;
    const writes = side === 'source' ? 0 : 2 * writeBatchSize;
    return Math.max(
        modeledServerMs(limits, { rowsRead: reads, rowsWritten: 0 }),
        modeledServerMs(limits, { rowsRead: 0, rowsWritten: writes }),
    );
}

async function costAt(sim: SimProcess, options: MeasureOptions, side: 'source' | 'target'): Promise<SimCost> {
    const stats = await sim.stats();
    const users = Object.keys(stats.gate.requestsPerUser);
    // The limits are per user; one budget is what the arithmetic below assumes.
    if (users.length > 1) throw new Error(`${sim.url}: requests from ${users.length} users; expected one identity`);
    const t = stats.gate.throttled;
    const usage = {
        requests: stats.gate.admitted,
        executionMs: stats.gate.totalExecutionMs,
        maxRequestMs: largestRequestMs(options.limits.config, options.spec ?? {}, side),
    };
    return {
        requests: stats.gate.requests,
        admitted: stats.gate.admitted,
        throttled: t.requests + t.executionTime + t.concurrency,
        executionMs: stats.gate.totalExecutionMs,
        rowsWritten: stats.gate.rowsWritten,
        shortest: shortestTime(options.limits.config, options.timeScale, usage),
    };
}

export async function measureMigration(options: MeasureOptions): Promise<MeasuredMigration> {
    const dir = join(options.workDir, options.label);
    // A fresh folder per measurement: the previous bench's run logs are not this one's.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const pair = await startPair({
        rows: options.rows,
        seed: options.seed,
        limits: options.limits.path,
        timeScale: options.timeScale,
    });
    try {
        const specPath = join(dir, 'spec.json');
        const spec = crmSpec(`bench-${options.label}`, pair.source.url, pair.target.url, options.spec);
        await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);
        const report = await runMigrationChild({
            specPath,
            logDir: join(dir, 'log'),
            ...(options.activities !== undefined ? { activities: options.activities } : {}),
        });
        const [source, target] = await Promise.all([
            costAt(pair.source, options, 'source'),
            costAt(pair.target, options, 'target'),
        ]);
        const verify = await verifyIdentical(specPath);
        const rows = report.summary.totals.read;
        if (rows !== options.rows) {
            throw new Error(`migration ${report.runId} read ${rows} rows; the source has ${options.rows}`);
        }
        const seconds = report.wallMs / 1000;
        const shortestSeconds = Math.max(source.shortest.seconds, target.shortest.seconds);
        return {
            rows,
            seconds,
            rowsPerSecond: rows / seconds,
            rowWritesPerRow: target.rowsWritten / rows,
            ceiling: { shortestSeconds, ratio: shortestSeconds / seconds },
            source,
            target,
            report,
            verify,
        };
    } finally {
        await pair.stop();
    }
}
