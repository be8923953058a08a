/**
 * `npm run bench`: numbers that matter for the foundation, measured here rather than asserted in tests.
 *  1. Simulator load time and heap per row (generated crm data).
 *  2. Key walk (page boundaries) throughput, limits off: the client + server cost of planning pages.
 *  3. Bulk upsert throughput under service protection limits, as a fraction of the ceiling the
 *     simulator's limits imply, beside a naive row-by-row baseline measured in the same run.
 * Run with --expose-gc (the npm script does) so heap numbers are after a collection.
 */
import { randomUUID } from 'node:crypto';
import { createDataverseClient, type Row } from '../src/dataverse/index.js';
import { pageBoundaries } from '../src/plan/pages.js';
import { computeCeiling, startSimulator, type LimitsConfig } from '../tools/dataverse-sim/src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
}

function fmt(n: number, digits = 0): string {
    return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function simulatorLoad(rows: number): Promise<void> {
    const before = heapMb();
    const started = performance.now();
    const sim = await startSimulator({ schema: 'crm', rows, seed: 1 });
    const ms = performance.now() - started;
    const total = Object.values(sim.stats().tables).reduce((n, t) => n + t.rows, 0);
    const perRow = ((heapMb() - before) * 2 ** 20) / total;
    console.log(
        `simulator load   ${fmt(total).padStart(9)} rows  ${fmt(ms).padStart(6)} ms  ${fmt(perRow).padStart(5)} bytes heap/row`,
    );

    const client = createDataverseClient({ url: sim.url });
    const walkStart = performance.now();
    const pages = await pageBoundaries(client, { entitySetName: 'contacts', primaryId: 'contactid' }, 5000);
    const walkMs = performance.now() - walkStart;
    console.log(
        `key walk         ${fmt(pages.rowCount).padStart(9)} keys  ${fmt(walkMs).padStart(6)} ms  ${fmt((pages.rowCount / walkMs) * 1000).padStart(9)} keys/s, ${pages.ranges.length} pages`,
    );
    await sim.close();
}

/** A window short enough to reach steady state in seconds; the documented ratios otherwise. */
const BENCH_LIMITS: LimitsConfig = {
    windowSeconds: 30,
    maxRequestsPerWindow: 600,
    maxExecutionMsPerWindow: 120_000,
    maxConcurrentRequests: 52,
    dopHint: 48,
    keepSendingPenaltySeconds: 1,
    serverTime: { fixedMsPerRequest: 50, msPerRowRead: 1, msPerRowWritten: 10 },
};
const TIME_SCALE = 0.08;
const CONTACT = { logicalName: 'contact', entitySetName: 'contacts', primaryIdAttribute: 'contactid' };

function contacts(n: number): Row[] {
    return Array.from({ length: n }, (_, i) => ({ contactid: randomUUID(), firstname: `Bench${i}`, lastname: 'Row' }));
}

async function writeThroughput(batchSize: number, seconds: number): Promise<void> {
    const ceiling = computeCeiling(BENCH_LIMITS, TIME_SCALE, batchSize);
    const sim = await startSimulator({ schema: 'crm', limits: BENCH_LIMITS, timeScale: TIME_SCALE });
    const client = createDataverseClient({ url: sim.url, maxConcurrency: 52, writeBatchSize: batchSize });
    // Enough rows for `seconds` at the ceiling; written in slices so the run ends near its budget.
    const slice = Math.max(batchSize * 8, Math.round(ceiling.rowsPerSecond));
    const started = performance.now();
    let written = 0;
    let failed = 0;
    while (performance.now() - started < seconds * 1000) {
        const results = await client.upsertMultiple(CONTACT, contacts(slice), { batchSize });
        written += results.filter((r) => r.ok).length;
        failed += results.filter((r) => !r.ok).length;
    }
    const elapsed = (performance.now() - started) / 1000;
    const achieved = written / elapsed;
    const throttled = sim.stats().gate.throttled;
    console.log(
        `bulk upsert B=${String(batchSize).padEnd(4)} ${fmt(achieved).padStart(7)} rows/s  ceiling ${fmt(ceiling.rowsPerSecond).padStart(7)} (${ceiling.bindingLimit})  achieved/ceiling ${fmt(achieved / ceiling.rowsPerSecond, 2)}  429s ${throttled.requests + throttled.executionTime + throttled.concurrency}  failed ${failed}`,
    );
    await sim.close();
}

async function naiveBaseline(seconds: number): Promise<number> {
    const sim = await startSimulator({ schema: 'crm', limits: BENCH_LIMITS, timeScale: TIME_SCALE });
    const client = createDataverseClient({ url: sim.url, maxConcurrency: 1 });
    const started = performance.now();
    let written = 0;
    for (const row of contacts(1_000_000)) {
        if (performance.now() - started > seconds * 1000) break;
        await client.upsert(CONTACT, row.contactid as string, row);
        written++;
    }
    const rate = written / ((performance.now() - started) / 1000);
    console.log(`naive row-by-row ${fmt(rate).padStart(7)} rows/s  (one request per row, one at a time)`);
    await sim.close();
    return rate;
}

async function main(): Promise<void> {
    console.log(
        `dataverse-migrate benchmarks (node ${process.version}${gc ? '' : ', heap numbers without --expose-gc'})\n`,
    );
    for (const rows of [10_000, 100_000]) await simulatorLoad(rows);
    console.log(
        `\nwrites under limits: window ${BENCH_LIMITS.windowSeconds} s, ${BENCH_LIMITS.maxRequestsPerWindow} requests, ${BENCH_LIMITS.maxExecutionMsPerWindow / 1000} s execution per window, time scale ${TIME_SCALE}`,
    );
    const naive = await naiveBaseline(5);
    for (const batchSize of [10, 100]) await writeThroughput(batchSize, 12);
    console.log(`\n(bulk vs naive: compare the rows/s columns; naive ${fmt(naive)} rows/s)`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
