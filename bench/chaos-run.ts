/**
 * One run of the chaos suite: the crm migration between two simulator processes under the bench limits,
 * time-compressed, with the chaos faults on both sides (or none, for the clean run the others are compared with),
 * run as `dataverse-migrate run` runs it (migration-runner.js in a child process), then `verify`. Unlike the
 * benchmark's measured migration, a run that fails or a target that differs is a result to report, not an error.
 * The simulators' counters are read before verify, so they are the run's alone.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LimitsConfig } from 'dataverse-sim';
import { chaosFaults, type Side } from './chaos-faults.js';
import { crmSpec, type CrmSpecOptions } from './crm-spec.js';
import { spawnMigrationRunner, type ClientCounters } from './migration-child.js';
import { startPair, type SimProcessStats } from './sim-process.js';
import { verifyRun, type VerifyFigures } from './verify-run.js';

export interface ChaosRunOptions {
    label: string;
    rows: number;
    /** Seed of the generated source data, the same for every run of a suite. */
    dataSeed: number;
    /** Seed of the faults; none for the clean run. */
    faultSeed?: number;
    limits: { config: LimitsConfig; path: string };
    timeScale: number;
    workDir: string;
    /** The crm spec's page and write batch sizes, when not the bench's. */
    spec?: CrmSpecOptions;
}

/** What one side's simulator counted during the run. */
export interface SideCounts {
    /** Web API requests, faulted and throttled ones included. */
    requests: number;
    /** Requests that may write (every method but GET; a $batch is one POST). */
    writes: number;
    /** Injected faults by class (serverErrorBeforeWork, serverErrorAfterWork, unavailable, reset, slow, sqlTimeout, deadlock). */
    faults: Record<string, number>;
    throttled: number;
    /** Business rows the simulator holds after the run (the source's, or what the target received). */
    rows: Record<string, number>;
}

export type VerifyVerdictName = 'identical' | 'different' | 'error';

export interface ChaosRunFigures {
    label: string;
    faultSeed: number | null;
    seconds: number;
    /** What `dataverse-migrate run` would exit with (0 every row made it, 1 otherwise). */
    exitCode: number;
    status: string;
    reason?: string;
    /** Source rows the copy phase read, and rows of any phase that failed. */
    read: number;
    failedRows: number;
    source: SideCounts;
    target: SideCounts;
    /** The run's own clients' counters: attempts and retries by kind. */
    clients: { source: ClientCounters; target: ClientCounters };
    verify: { verdict: VerifyVerdictName; figures?: VerifyFigures; detail?: string };
}

/** The tables the crm spec copies, whose row counts show a lost or doubled row at a glance. */
const COUNTED_TABLES = ['account', 'contact', 'lead', 'opportunity', 'accountleads', 'contactleads'] as const;

function sideCounts(stats: SimProcessStats): SideCounts {
    const t = stats.gate.throttled;
    return {
        requests: stats.requests,
        writes: Object.entries(stats.methods).reduce((n, [method, count]) => (method === 'GET' ? n : n + count), 0),
        faults: stats.gate.faults,
        throttled: t.requests + t.executionTime + t.concurrency,
        rows: Object.fromEntries(COUNTED_TABLES.map((table) => [table, stats.tables[table]?.rows ?? 0])),
    };
}

async function verdictOf(specPath: string): Promise<ChaosRunFigures['verify']> {
    try {
        const { figures, stdout } = await verifyRun(specPath);
        return figures.identical
            ? { verdict: 'identical', figures }
            : { verdict: 'different', figures, detail: stdout };
    } catch (error) {
        // verify itself failed (say, a read that kept failing): the run cannot be called identical.
        return { verdict: 'error', detail: error instanceof Error ? error.message : String(error) };
    }
}

async function writeFaultFiles(dir: string, seed: number): Promise<Record<Side, string>> {
    const paths = { source: join(dir, 'faults-source.json'), target: join(dir, 'faults-target.json') };
    for (const side of ['source', 'target'] as const) {
        await writeFile(paths[side], `${JSON.stringify(chaosFaults(seed, side), null, 2)}\n`);
    }
    return paths;
}

export async function chaosRun(options: ChaosRunOptions): Promise<ChaosRunFigures> {
    const dir = join(options.workDir, options.label);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const faults = options.faultSeed === undefined ? undefined : await writeFaultFiles(dir, options.faultSeed);
    const pair = await startPair({
        rows: options.rows,
        seed: options.dataSeed,
        limits: options.limits.path,
        timeScale: options.timeScale,
        ...(faults ? { faults: faults.source, targetFaults: faults.target } : {}),
    });
    try {
        const specPath = join(dir, 'spec.json');
        const spec = crmSpec(`chaos-${options.label}`, pair.source.url, pair.target.url, options.spec);
        await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);
        const report = await spawnMigrationRunner({ specPath, logDir: join(dir, 'log') });
        const [source, target] = await Promise.all([pair.source.stats(), pair.target.stats()]);
        const verify = await verdictOf(specPath);
        // A run that ended without a summary says why in the orchestration's output.
        const reason = report.summary ? report.summary.reason : JSON.stringify(report.output);
        return {
            label: options.label,
            faultSeed: options.faultSeed ?? null,
            seconds: report.wallMs / 1000,
            exitCode: report.exitCode,
            status: report.summary?.status ?? report.runtimeStatus,
            ...(reason !== undefined ? { reason } : {}),
            read: report.summary?.totals.read ?? 0,
            failedRows: report.summary?.failedRows ?? 0,
            source: sideCounts(source),
            target: sideCounts(target),
            clients: report.clients,
            verify,
        };
    } finally {
        await pair.stop();
    }
}
