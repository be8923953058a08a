/**
 * The migration benchmark (issue 7): a whole crm migration between two simulator processes under the bench
 * limits, time-compressed; its rows/s and ceiling ratio (the shortest time the simulators' limits allow for the
 * requests and server time the run needed, over the run's time); the local host's replay share; the naive
 * DynamicsWebApi migration on a smaller source of the same shape, under the same limits, compared in rows/s; and
 * peak RSS of the migrating process at `memoryRows` and ten times that, without limits (the pipeline then runs as
 * fast as it can, so memory is at its worst). Every migration is checked (`verify`, or row counts for the naive).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_LIMITS } from './limits.js';
import { measureMigration, type MeasuredMigration } from './measure-migration.js';
import { naiveMigration, type NaiveResult } from './naive-migration.js';
import { readRunTimeline, type RunTimeline } from './run-timeline.js';
import { startPair, type SimProcess } from './sim-process.js';

export interface MigrationBenchOptions {
    rows: number;
    /** The smaller run of the memory pair; the larger has ten times the rows. */
    memoryRows: number;
    naiveRows: number;
    timeScale: number;
    seed: number;
    workDir: string;
    log: (line: string) => void;
}

export interface NaiveFigures extends NaiveResult {
    rowsPerSecond: number;
    /** Modeled server time of the target over the naive run's time: the rest is client and loopback overhead. */
    serverTimeShare: number;
}

export interface MigrationFigures {
    main: MeasuredMigration;
    /** main.ceiling, which a run under limits always has. */
    ceiling: { shortestSeconds: number; ratio: number };
    timeline: RunTimeline;
    memory: { small: MeasuredMigration; large: MeasuredMigration };
    naive: NaiveFigures;
    speedupVsNaive: number;
    rssGrowth: number;
    replayShare: number;
}

/** The business tables and intersect tables the naive migration must leave with the source's row counts. */
const COUNTED_TABLES = ['account', 'contact', 'lead', 'opportunity', 'accountleads', 'contactleads'] as const;

async function rowCounts(sim: SimProcess): Promise<Record<string, number>> {
    const stats = await sim.stats();
    return Object.fromEntries(COUNTED_TABLES.map((t) => [t, stats.tables[t]?.rows ?? -1]));
}

async function naiveBaseline(options: MigrationBenchOptions, limitsPath: string): Promise<NaiveFigures> {
    const pair = await startPair({
        rows: options.naiveRows,
        seed: options.seed,
        limits: limitsPath,
        timeScale: options.timeScale,
    });
    try {
        const result = await naiveMigration(pair.source.url, pair.target.url);
        const [source, target, targetStats] = await Promise.all([
            rowCounts(pair.source),
            rowCounts(pair.target),
            pair.target.stats(),
        ]);
        const wrong = COUNTED_TABLES.filter((t) => source[t] !== target[t]);
        if (wrong.length > 0) {
            throw new Error(
                `naive migration is incomplete: ${wrong.map((t) => `${t} source ${source[t]} target ${target[t]}`).join(', ')}`,
            );
        }
        return {
            ...result,
            rowsPerSecond: result.rows / result.seconds,
            serverTimeShare: (targetStats.gate.totalExecutionMs * options.timeScale) / 1000 / result.seconds,
        };
    } finally {
        await pair.stop();
    }
}

export async function migrationBench(options: MigrationBenchOptions): Promise<MigrationFigures> {
    await mkdir(options.workDir, { recursive: true });
    const limitsPath = join(options.workDir, 'limits.json');
    await writeFile(limitsPath, `${JSON.stringify(BENCH_LIMITS, null, 2)}\n`);
    const common = { seed: options.seed, timeScale: options.timeScale, workDir: options.workDir };

    options.log(`migration of ${options.rows.toLocaleString('en-US')} rows under limits (then verify)...`);
    const mainLabel = `limits-${options.rows}`;
    const main = await measureMigration({
        ...common,
        label: mainLabel,
        rows: options.rows,
        limits: { config: BENCH_LIMITS, path: limitsPath },
    });
    if (!main.ceiling) throw new Error('internal error: a run under limits has no ceiling');
    const timeline = await readRunTimeline(join(options.workDir, mainLabel, 'log'), main.report.runId);

    options.log(`naive DynamicsWebApi migration of ${options.naiveRows.toLocaleString('en-US')} rows...`);
    const naive = await naiveBaseline(options, limitsPath);

    const memoryRun = (rows: number) => {
        options.log(`migration of ${rows.toLocaleString('en-US')} rows without limits, for peak RSS...`);
        return measureMigration({ ...common, label: `memory-${rows}`, rows, limits: 'none' });
    };
    const small = await memoryRun(options.memoryRows);
    const large = await memoryRun(options.memoryRows * 10);

    return {
        main,
        ceiling: main.ceiling,
        timeline,
        memory: { small, large },
        naive,
        speedupVsNaive: main.rowsPerSecond / naive.rowsPerSecond,
        rssGrowth: large.report.maxRssBytes / small.report.maxRssBytes,
        replayShare: main.report.host.replayMs / main.report.host.wallMs,
    };
}
