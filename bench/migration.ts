/**
 * The migration benchmark (issue 7): a whole crm migration between two simulator processes under the bench
 * limits, time-compressed; its rows/s and ceiling ratio (the shortest time the simulators' limits allow for the
 * requests and server time the run needed, over the run's time); the local host's replay share; the naive
 * DynamicsWebApi migration on a smaller source of the same shape, under the same limits, compared in rows/s; and
 * peak RSS of the migrating process against the same migration of a tenth of the rows. Every migration is
 * checked (`verify`, or row counts for the naive one).
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
    timeline: RunTimeline;
    /** The same migration at a tenth of the rows, for peak RSS growth. */
    small: MeasuredMigration;
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
    const limited = { ...common, limits: { config: BENCH_LIMITS, path: limitsPath } };
    const main = await measureMigration({ ...limited, label: mainLabel, rows: options.rows });
    const timeline = await readRunTimeline(join(options.workDir, mainLabel, 'log'), main.report.runId);

    const smallRows = Math.round(options.rows / 10);
    options.log(`migration of ${smallRows.toLocaleString('en-US')} rows under limits, for peak RSS at a tenth...`);
    const small = await measureMigration({ ...limited, label: `limits-${smallRows}`, rows: smallRows });

    options.log(`naive DynamicsWebApi migration of ${options.naiveRows.toLocaleString('en-US')} rows...`);
    const naive = await naiveBaseline(options, limitsPath);

    return {
        main,
        timeline,
        small,
        naive,
        speedupVsNaive: main.rowsPerSecond / naive.rowsPerSecond,
        rssGrowth: main.report.maxRssBytes / small.report.maxRssBytes,
        replayShare: main.report.host.replayMs / main.report.host.wallMs,
    };
}
