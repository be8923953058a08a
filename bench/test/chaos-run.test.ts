/**
 * The chaos suite's check, small enough for CI: the crm spec on a few hundred rows between two in-process
 * simulators under the bench limits (time-compressed), once clean and once with the chaos suite's faults on both
 * sides (every class: 5xx before and after the commit, 503 with Retry-After, resets, slow answers, SQL timeouts,
 * deadlocks). The faulted run exits 0 with a succeeded summary and no failed row, verify says identical, and it sends
 * at most 1.3x the clean run's write requests (the simulators count requests by method; a $batch is one POST).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson, simulatorPair, verifyJson, writeSpec, type Sim } from '../../test/integration/run-helpers.js';
import { chaosFaults } from '../chaos-faults.js';
import { MAX_WRITE_RATIO } from '../chaos-report.js';
import { crmSpec } from '../crm-spec.js';
import { BENCH_LIMITS } from '../limits.js';

const ROWS = 400;
const TIME_SCALE = 0.02;
/** Small pages and chunks, so a few hundred rows still make pages of one table write at once (deadlocks need that). */
const SPEC_OPTIONS = { pageSize: 100, writeBatchSize: 25 };

const writesOf = (sim: Sim) =>
    Object.entries(sim.stats().methods).reduce((n, [method, count]) => (method === 'GET' ? n : n + count), 0);
const faultsOf = (sim: Sim) => Object.values(sim.stats().faults).reduce((a, b) => a + b, 0);

async function migrate(faultSeed?: number) {
    const common = { schema: 'crm' as const, rows: ROWS, seed: 42, limits: BENCH_LIMITS, timeScale: TIME_SCALE };
    const pair = await simulatorPair(
        { ...common, ...(faultSeed !== undefined ? { faults: chaosFaults(faultSeed, 'source') } : {}) },
        { ...common, empty: true, ...(faultSeed !== undefined ? { faults: chaosFaults(faultSeed, 'target') } : {}) },
    );
    const specPath = await writeSpec(pair, crmSpec('chaos', pair.source.url, pair.target.url, SPEC_OPTIONS));
    const run = await runJson(pair, specPath);
    // Counted before verify, whose reads are not the run's.
    const counts = {
        writes: writesOf(pair.source) + writesOf(pair.target),
        faults: [faultsOf(pair.source), faultsOf(pair.target)],
    };
    return { pair, specPath, run, counts };
}

let clean: Awaited<ReturnType<typeof migrate>>;
let chaos: Awaited<ReturnType<typeof migrate>>;

beforeAll(async () => {
    clean = await migrate();
    chaos = await migrate(1);
}, 120_000);

afterAll(async () => {
    await Promise.all([clean?.pair.close(), chaos?.pair.close()]);
});

describe('a seeded chaos run (every fault class on both sides)', () => {
    it('exits 0 with every row copied, verifies identical and writes at most 1.3x the clean run', async () => {
        expect(clean.run.code, clean.run.stderr).toBe(0);
        expect(clean.counts.faults).toEqual([0, 0]);

        const { code, summary, stderr } = chaos.run;
        expect(code, stderr).toBe(0);
        expect(summary).toMatchObject({ status: 'succeeded', failedRows: 0, totals: { read: ROWS, failed: 0 } });
        // Faults were met on both sides: the source's reads and the target's reads and writes.
        expect(chaos.counts.faults[0]).toBeGreaterThan(0);
        expect(chaos.counts.faults[1]).toBeGreaterThan(0);
        expect((await verifyJson(chaos.pair, chaos.specPath)).report.identical).toBe(true);
        // No fewer writes than the clean run; whether a fault lands on a write rather than a read depends on the
        // order concurrent requests reach the simulator (a machine under load measured equal counts), so not more.
        expect(chaos.counts.writes).toBeGreaterThanOrEqual(clean.counts.writes);
        expect(chaos.counts.writes).toBeLessThanOrEqual(MAX_WRITE_RATIO * clean.counts.writes);
    }, 60_000);
});
