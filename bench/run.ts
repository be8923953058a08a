/**
 * `npm run bench`: the numbers that matter, measured here rather than asserted in tests (not run in CI).
 *   load       simulator load time and heap per row; key walk throughput (foundation.ts)
 *   bulk       bulk upsert throughput as a fraction of the limits' ceiling, beside row-by-row upserts
 *   migration  a whole crm migration between simulator processes: rows/s, ceiling ratio, replay share,
 *              peak RSS growth at 10x the rows, speedup over the naive DynamicsWebApi way (migration.ts)
 *   identities bulk upserts through 1, 2 and 4 identities (application users): identityScaling (identity-scaling.ts)
 *   content    files copied by the content phase's transfer at 8 and 32 MB: MB/s, peak RSS and arrayBuffers
 *              (content.ts): memory flat in file size
 *   replay     orchestration replay cost per page at 1k, 10k and 100k pages through the SDK (replay.ts)
 * Parts run alone when named (`node dist/bench/run.js migration`); `--json` prints one JSON object of all
 * figures on stdout (progress goes to stderr). Run with --expose-gc (the npm script does) for heap figures.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { bulkUpserts, simulatorLoad } from './foundation.js';
import { hasGc } from './format.js';
import { contentBench } from './content.js';
import { identityLines, identityScaling } from './identity-scaling.js';
import { migrationBench } from './migration.js';
import { replayBench } from './replay.js';
import { BenchUsageError, parseBenchArgs, type BenchOptions } from './options.js';
import {
    bulkLines,
    contentLines,
    loadLines,
    migrationLines,
    replayLines,
    toJson,
    type BenchResults,
} from './report.js';

async function main(options: BenchOptions): Promise<void> {
    const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
    const results: BenchResults = {
        machine: { node: process.version, cpus: cpus().length, loadAverage: { start: loadavg()[0] ?? 0, end: 0 } },
    };
    say(`dataverse-migrate benchmarks (node ${process.version}${hasGc ? '' : ', heap numbers without --expose-gc'})\n`);
    if (options.parts.includes('load')) {
        results.load = [];
        for (const rows of [10_000, 100_000]) {
            const figures = await simulatorLoad(rows);
            results.load.push(figures);
            loadLines(figures).forEach(say);
        }
        say('');
    }
    if (options.parts.includes('bulk')) {
        results.bulk = await bulkUpserts();
        bulkLines(results.bulk).forEach(say);
        say('');
    }
    if (options.parts.includes('migration')) {
        results.migrationTimeScale = options.timeScale;
        results.migration = await migrationBench({
            rows: options.rows,
            naiveRows: options.naiveRows,
            timeScale: options.timeScale,
            seed: options.seed,
            workDir: resolve(options.workDir),
            log: (line) => process.stderr.write(`  ${line}\n`),
        });
        migrationLines(results.migration, options.timeScale).forEach(say);
        say('');
    }
    if (options.parts.includes('identities')) {
        results.identities = await identityScaling();
        identityLines(results.identities).forEach(say);
        say('');
    }
    if (options.parts.includes('content')) {
        results.content = await contentBench({
            files: options.files,
            sizesMb: [8, 32],
            log: (line) => process.stderr.write(`  ${line}\n`),
        });
        contentLines(results.content).forEach(say);
        say('');
    }
    if (options.parts.includes('replay')) {
        results.replay = await replayBench((line) => process.stderr.write(`  ${line}\n`));
        replayLines(results.replay).forEach(say);
    }
    results.machine.loadAverage.end = loadavg()[0] ?? 0;
    if (options.json) process.stdout.write(`${JSON.stringify(toJson(results), null, 2)}\n`);
}

let options: BenchOptions | undefined;
try {
    options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
}
if (options) {
    main(options).catch((error: unknown) => {
        process.stderr.write(
            `bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 1;
    });
}
