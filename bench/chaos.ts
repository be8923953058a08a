/**
 * `npm run chaos`: the chaos suite (issue 14). A clean crm migration between two simulator processes under the bench
 * limits, time-compressed, then the same migration of the same data once per fault seed with every simulator fault
 * class on both sides (chaos-faults.ts). Prints one table row per run as it ends (faults by class, retries, write and
 * total requests against the clean run, exit code, verify's verdict), then which runs failed; `--json` prints one
 * JSON object instead (progress on stderr). Exits 1 when the clean run or any chaos run fails its checks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chaosRun, type ChaosRunFigures } from './chaos-run.js';
import { CHAOS_RATES } from './chaos-faults.js';
import { ChaosUsageError, parseChaosArgs, type ChaosOptions } from './chaos-options.js';
import { judge, MAX_WRITE_RATIO, TABLE_HEADER, tableRow, toChaosJson } from './chaos-report.js';
import { BENCH_LIMITS } from './limits.js';

async function main(options: ChaosOptions): Promise<number> {
    const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
    const workDir = resolve(options.workDir);
    await mkdir(workDir, { recursive: true });
    const limitsPath = join(workDir, 'limits.json');
    await writeFile(limitsPath, `${JSON.stringify(BENCH_LIMITS, null, 2)}\n`);
    const common = {
        rows: options.rows,
        dataSeed: options.dataSeed,
        limits: { config: BENCH_LIMITS, path: limitsPath },
        timeScale: options.timeScale,
        workDir,
        spec: {
            ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
            ...(options.writeBatchSize !== undefined ? { writeBatchSize: options.writeBatchSize } : {}),
        },
    };

    say(
        `chaos suite: crm migration of ${options.rows} rows (data seed ${options.dataSeed}, spec options ${JSON.stringify(common.spec)}), bench limits at time scale ${options.timeScale}`,
    );
    say(`faults on both sides: ${JSON.stringify(CHAOS_RATES)}\n`);
    const clean = await chaosRun({ ...common, label: 'clean' });
    TABLE_HEADER.forEach(say);
    say(tableRow(clean, clean, options.rows));
    const cleanProblems = [
        ...(clean.exitCode !== 0 ? [`exit ${clean.exitCode} (${clean.status})`] : []),
        ...(clean.verify.verdict !== 'identical' ? [`verify ${clean.verify.verdict}`] : []),
    ];
    if (cleanProblems.length > 0) {
        say(`\nthe clean run failed (${cleanProblems.join(', ')}): nothing to compare with`);
        return 1;
    }

    const runs: ChaosRunFigures[] = [];
    for (let seed = options.firstSeed; seed < options.firstSeed + options.seeds; seed++) {
        const run = await chaosRun({ ...common, label: `seed-${seed}`, faultSeed: seed });
        runs.push(run);
        say(tableRow(run, clean, options.rows));
    }

    const failed = runs.flatMap((run) => {
        const verdict = judge(run, clean, options.rows);
        if (verdict.passed) return [];
        const detail = run.verify.verdict === 'identical' ? '' : `\n${run.verify.detail ?? ''}`;
        return [`seed ${run.faultSeed}: ${verdict.problems.join('; ')}${detail}`];
    });
    say(
        failed.length === 0
            ? `\nall ${runs.length} chaos runs exited 0, verified identical and wrote at most ${MAX_WRITE_RATIO}x the clean run's requests`
            : `\n${failed.length} of ${runs.length} chaos runs FAILED:\n${failed.join('\n')}`,
    );
    if (options.json) {
        const results = { rows: options.rows, timeScale: options.timeScale, clean, runs };
        process.stdout.write(`${JSON.stringify(toChaosJson(results), null, 2)}\n`);
    }
    return failed.length === 0 ? 0 : 1;
}

let options: ChaosOptions | undefined;
try {
    options = parseChaosArgs(process.argv.slice(2));
} catch (error) {
    if (!(error instanceof ChaosUsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
}
if (options) {
    main(options).then(
        (code) => (process.exitCode = code),
        (error: unknown) => {
            process.stderr.write(
                `chaos FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
            );
            process.exitCode = 1;
        },
    );
}
