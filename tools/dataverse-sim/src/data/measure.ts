/**
 * Measures generation time and heap per row (kept out of the test suite).
 * Build, then, one size per process: node --expose-gc tools/dataverse-sim/dist/data/measure.js 1000000
 */
import { crmSchema } from './crm-schema.js';
import { generateDataset } from './generate.js';

function heapUsed(): number {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
}

{
    const rows = Number(process.argv[2] ?? 100_000);
    const before = heapUsed();
    const start = process.hrtime.bigint();
    const data = generateDataset(crmSchema(), { rows, seed: 1 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const bytes = heapUsed() - before;
    const total = Object.values(data.rows).reduce((n, r) => n + r.length, 0);
    console.log(
        `${rows} rows: ${(ms / 1000).toFixed(1)} s, heap ${(bytes / 2 ** 20).toFixed(0)} MiB, ` +
            `${(bytes / rows).toFixed(0)} bytes/row (${total} rows incl. system)`,
    );
}
