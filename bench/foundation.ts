/**
 * The foundation benchmarks, measured in this process against in-process simulators:
 *  - `load`: simulator load time and heap per row (generated crm data), and the key walk that finds page
 *    boundaries (limits off: the client + server cost of planning pages);
 *  - `bulk`: bulk upsert throughput under the bench limits as a fraction of the ceiling they imply, beside a
 *    naive row-by-row baseline measured in the same run.
 * Heap numbers follow a collection when the process runs with --expose-gc (the npm script passes it).
 */
import { randomUUID } from 'node:crypto';
import { createDataverseClient, type Row } from '../src/dataverse/index.js';
import { pageBoundaries } from '../src/plan/pages.js';
import { computeCeiling, startSimulator, type BindingLimit } from 'dataverse-sim';
import { heapMb } from './format.js';
import { BENCH_LIMITS } from './limits.js';

/** Time scale of the bulk-upsert part: its ceiling (a few thousand rows/s) stays within one client's reach. */
export const BULK_TIME_SCALE = 0.08;

export interface LoadFigures {
    rows: number;
    loadMs: number;
    heapBytesPerRow: number;
    keyWalk: { keys: number; ms: number; keysPerSecond: number; pages: number };
}

export interface BulkFigures {
    batchSize: number;
    rowsPerSecond: number;
    ceilingRowsPerSecond: number;
    bindingLimit: BindingLimit;
    achievedOverCeiling: number;
    throttled: number;
    failed: number;
}

export interface BulkPartFigures {
    timeScale: number;
    naiveRowsPerSecond: number;
    bulk: BulkFigures[];
}

const CONTACT = { logicalName: 'contact', entitySetName: 'contacts', primaryIdAttribute: 'contactid' };

export async function simulatorLoad(rows: number): Promise<LoadFigures> {
    const before = heapMb();
    const started = performance.now();
    const sim = await startSimulator({ schema: 'crm', rows, seed: 1 });
    try {
        const loadMs = performance.now() - started;
        const total = Object.values(sim.stats().tables).reduce((n, t) => n + t.rows, 0);
        const heapBytesPerRow = ((heapMb() - before) * 2 ** 20) / total;

        const client = createDataverseClient({ url: sim.url });
        const walkStart = performance.now();
        const pages = await pageBoundaries(client, { entitySetName: 'contacts', primaryId: 'contactid' }, 5000);
        const ms = performance.now() - walkStart;
        return {
            rows: total,
            loadMs,
            heapBytesPerRow,
            keyWalk: {
                keys: pages.rowCount,
                ms,
                keysPerSecond: (pages.rowCount / ms) * 1000,
                pages: pages.ranges.length,
            },
        };
    } finally {
        await sim.close();
    }
}

function contacts(n: number): Row[] {
    return Array.from({ length: n }, (_, i) => ({ contactid: randomUUID(), firstname: `Bench${i}`, lastname: 'Row' }));
}

async function writeThroughput(batchSize: number, seconds: number): Promise<BulkFigures> {
    const ceiling = computeCeiling(BENCH_LIMITS, BULK_TIME_SCALE, batchSize);
    const sim = await startSimulator({ schema: 'crm', limits: BENCH_LIMITS, timeScale: BULK_TIME_SCALE });
    try {
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
        const rowsPerSecond = written / ((performance.now() - started) / 1000);
        const t = sim.stats().gate.throttled;
        return {
            batchSize,
            rowsPerSecond,
            ceilingRowsPerSecond: ceiling.rowsPerSecond,
            bindingLimit: ceiling.bindingLimit,
            achievedOverCeiling: rowsPerSecond / ceiling.rowsPerSecond,
            throttled: t.requests + t.executionTime + t.concurrency,
            failed,
        };
    } finally {
        await sim.close();
    }
}

async function naiveUpserts(seconds: number): Promise<number> {
    const sim = await startSimulator({ schema: 'crm', limits: BENCH_LIMITS, timeScale: BULK_TIME_SCALE });
    try {
        const client = createDataverseClient({ url: sim.url, maxConcurrency: 1 });
        const started = performance.now();
        let written = 0;
        while (performance.now() - started < seconds * 1000) {
            const [row] = contacts(1) as [Row];
            await client.upsert(CONTACT, row.contactid as string, row);
            written++;
        }
        return written / ((performance.now() - started) / 1000);
    } finally {
        await sim.close();
    }
}

export async function bulkUpserts(): Promise<BulkPartFigures> {
    const naiveRowsPerSecond = await naiveUpserts(5);
    const bulk: BulkFigures[] = [];
    for (const batchSize of [10, 100]) bulk.push(await writeThroughput(batchSize, 12));
    return { timeScale: BULK_TIME_SCALE, naiveRowsPerSecond, bulk };
}
