/**
 * What `npm run chaos` prints: each run as a row of a Markdown table (so the README can show it as printed), with
 * the faults the simulators injected by class, the run's retries, write and total requests against the clean run,
 * the exit code and verify's verdict; and whether each chaos run passed: exit 0, verify identical, write requests
 * at most 1.3x the clean run's.
 */
import type { ChaosRunFigures, SideCounts } from './chaos-run.js';
import { fmt, round } from './format.js';

/** The most write requests a chaos run may send, as a multiple of the clean run's. */
export const MAX_WRITE_RATIO = 1.3;

export interface ChaosVerdict {
    passed: boolean;
    /** What failed, when something did. */
    problems: string[];
    writeRatio: number;
    requestRatio: number;
}

const writesOf = (run: ChaosRunFigures) => run.source.writes + run.target.writes;
const requestsOf = (run: ChaosRunFigures) => run.source.requests + run.target.requests;

export function judge(run: ChaosRunFigures, clean: ChaosRunFigures, rows: number): ChaosVerdict {
    const writeRatio = writesOf(run) / writesOf(clean);
    const requestRatio = requestsOf(run) / requestsOf(clean);
    const problems: string[] = [];
    if (run.exitCode !== 0) problems.push(`exit ${run.exitCode} (${run.status}${run.reason ? `: ${run.reason}` : ''})`);
    if (run.read !== rows) problems.push(`read ${run.read} of ${rows} source rows`);
    if (run.verify.verdict !== 'identical') problems.push(`verify ${run.verify.verdict}`);
    if (writeRatio > MAX_WRITE_RATIO) problems.push(`write requests ${fmt(writeRatio, 2)}x the clean run's`);
    return { passed: problems.length === 0, problems, writeRatio, requestRatio };
}

const FAULT_COLUMNS: [string, (f: Record<string, number>) => number][] = [
    ['5xx', (f) => (f.serverErrorBeforeWork ?? 0) + (f.serverErrorAfterWork ?? 0)],
    ['503', (f) => f.unavailable ?? 0],
    ['reset', (f) => f.reset ?? 0],
    ['slow', (f) => f.slow ?? 0],
    ['sql timeout', (f) => f.sqlTimeout ?? 0],
    ['deadlock', (f) => f.deadlock ?? 0],
];

/** Faults of both sides by class, e.g. `5xx 12 (7 after commit) · 503 4 · ...`; classes that never fired left out. */
function faultsText(source: SideCounts, target: SideCounts): string {
    const both: Record<string, number> = {};
    for (const side of [source.faults, target.faults]) {
        for (const [key, n] of Object.entries(side)) both[key] = (both[key] ?? 0) + n;
    }
    const parts = FAULT_COLUMNS.flatMap(([name, count]) => {
        const n = count(both);
        if (n === 0) return [];
        return name === '5xx' ? [`5xx ${n} (${both.serverErrorAfterWork ?? 0} after commit)`] : [`${name} ${n}`];
    });
    return parts.length > 0 ? parts.join(' · ') : 'none';
}

function retriesText(run: ChaosRunFigures): string {
    const { source, target } = run.clients;
    const transient = source.transientRetries + target.transientRetries;
    const deadlocks = source.deadlockRetries + target.deadlockRetries;
    const waits = source.outageRetries + target.outageRetries;
    const throttled = source.throttled + target.throttled;
    return `${transient} (${deadlocks} deadlock) · 503 waits ${waits} · 429 ${throttled}`;
}

export const TABLE_HEADER = [
    '| run | exit | verify | s | faults injected (source + target) | retries (transient · 503 waits · 429) | write requests | total requests |',
    '| --- | ---: | --- | ---: | --- | --- | ---: | ---: |',
];

export function tableRow(run: ChaosRunFigures, clean: ChaosRunFigures, rows: number): string {
    const name = run.faultSeed === null ? 'clean' : `seed ${run.faultSeed}`;
    const verdict = run === clean ? undefined : judge(run, clean, rows);
    const ratio = (r: number | undefined) => (r === undefined ? '' : ` (${fmt(r, 2)}x)`);
    return `| ${name} | ${run.exitCode} | ${run.verify.verdict} | ${fmt(run.seconds, 1)} | ${faultsText(run.source, run.target)} | ${retriesText(run)} | ${fmt(writesOf(run))}${ratio(verdict?.writeRatio)} | ${fmt(requestsOf(run))}${ratio(verdict?.requestRatio)} |`;
}

export interface ChaosResults {
    rows: number;
    timeScale: number;
    clean: ChaosRunFigures;
    runs: ChaosRunFigures[];
}

/** One JSON object: every run's figures and verdict, and whether the suite passed. */
export function toChaosJson(results: ChaosResults) {
    const verdicts = results.runs.map((run) => judge(run, results.clean, results.rows));
    return {
        passed: verdicts.every((v) => v.passed),
        rows: results.rows,
        timeScale: results.timeScale,
        maxWriteRatio: MAX_WRITE_RATIO,
        clean: results.clean,
        runs: results.runs.map((run, i) => {
            const v = verdicts[i] as ChaosVerdict;
            return { ...run, ...v, writeRatio: round(v.writeRatio, 3), requestRatio: round(v.requestRatio, 3) };
        }),
    };
}
