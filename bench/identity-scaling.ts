/**
 * `identityScaling`: bulk upserts on one simulator under per-user limits, through one client with 1, 2 and 4
 * identities (loopbackUser tokens, each a user of its own to the simulator), rows per second relative to one. Each
 * run has fresh users (a full budget each) and a client registry started afresh. The rate counts the rows the
 * simulator wrote after the first window, so the first window's burst (a fresh user's whole budget at once) does
 * not flatter any run. Issue 22's target: 2 identities at least 1.8x, 4 at least 3.5x.
 */
import { randomUUID } from 'node:crypto';
import { computeCeiling, startSimulator, type LimitsConfig } from 'dataverse-sim';
import { createDataverseClient, dataverseEnvironments, type CredentialSpec, type Row } from '../src/dataverse/index.js';
import { fmt } from './format.js';
import { BENCH_LIMITS } from './limits.js';

/** The bench limits' rates (20 requests/s, 4 s of server time a second) in a 3 s window: runs span several. */
export const IDENTITY_LIMITS: LimitsConfig = {
    ...BENCH_LIMITS,
    windowSeconds: 3,
    maxRequestsPerWindow: 60,
    maxExecutionMsPerWindow: 12_000,
};
const TIME_SCALE = 1;
const BATCH_SIZE = 100;
export const IDENTITY_COUNTS = [1, 2, 4] as const;

const CONTACT = { logicalName: 'contact', entitySetName: 'contacts', primaryIdAttribute: 'contactid' };

export interface IdentityRun {
    identities: number;
    rowsPerSecond: number;
    /** 429s the simulator answered in the run. */
    throttled: number;
    failed: number;
}

export interface IdentityScalingFigures {
    seconds: number;
    /** One identity's ceiling under these limits (rows/s). */
    ceilingRowsPerSecond: number;
    runs: IdentityRun[];
    /** `{"1": 1, "2": x, "4": y}`: each run's rows/s over one identity's. */
    scaling: Record<string, number>;
}

function contacts(n: number): Row[] {
    return Array.from({ length: n }, (_, i) => ({ contactid: randomUUID(), firstname: `Bench${i}`, lastname: 'Row' }));
}

/** Fresh users for a run: `oid`s no earlier run used. */
function users(run: number, count: number): CredentialSpec[] {
    return Array.from({ length: count }, (_, i) => ({
        type: 'loopbackUser' as const,
        oid: `${String(run).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
    }));
}

type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** Rows written and 429s answered so far, from the simulator's gate. */
function gate(sim: Sim): { rowsWritten: number; throttled: number } {
    const { rowsWritten, throttled: t } = sim.stats().gate;
    return { rowsWritten, throttled: t.requests + t.executionTime + t.concurrency };
}

async function measure(sim: Sim, run: number, identities: number, seconds: number): Promise<IdentityRun> {
    dataverseEnvironments.reset();
    const [first, ...more] = users(run, identities) as [CredentialSpec, ...CredentialSpec[]];
    const client = createDataverseClient({
        url: sim.url,
        credential: first,
        ...(more.length > 0 ? { additionalCredentials: more } : {}),
        maxConcurrency: 52,
        writeBatchSize: BATCH_SIZE,
    });
    const slice = BATCH_SIZE * 16 * identities;
    const started = performance.now();
    let failed = 0;
    // Two writers: one slice's last chunks never leave the identities idle while the next slice starts.
    const writer = async () => {
        while (performance.now() - started < seconds * 1000) {
            const results = await client.upsertMultiple(CONTACT, contacts(slice), { batchSize: BATCH_SIZE });
            failed += results.filter((r) => !r.ok).length;
        }
    };
    const writers = Promise.all([writer(), writer()]);
    // Counted from the end of the first window: a fresh user's first window is a burst of its whole budget.
    await new Promise((resolve) => setTimeout(resolve, IDENTITY_LIMITS.windowSeconds * TIME_SCALE * 1000));
    const from = gate(sim);
    const fromAt = performance.now();
    await writers;
    const to = gate(sim);
    return {
        identities,
        rowsPerSecond: (to.rowsWritten - from.rowsWritten) / ((performance.now() - fromAt) / 1000),
        throttled: to.throttled - from.throttled,
        failed,
    };
}

export async function identityScaling(seconds = 15): Promise<IdentityScalingFigures> {
    const sim = await startSimulator({ schema: 'crm', limits: IDENTITY_LIMITS, timeScale: TIME_SCALE });
    try {
        const runs: IdentityRun[] = [];
        for (const [i, identities] of IDENTITY_COUNTS.entries())
            runs.push(await measure(sim, i + 1, identities, seconds));
        const one = runs[0]?.rowsPerSecond ?? 0;
        const scaling = Object.fromEntries(
            runs.map((r) => [String(r.identities), one > 0 ? Math.round((r.rowsPerSecond / one) * 100) / 100 : 0]),
        );
        return {
            seconds,
            ceilingRowsPerSecond: computeCeiling(IDENTITY_LIMITS, TIME_SCALE, BATCH_SIZE).rowsPerSecond,
            runs,
            scaling,
        };
    } finally {
        dataverseEnvironments.reset();
        await sim.close();
    }
}

export function identityLines(f: IdentityScalingFigures): string[] {
    return [
        `identities: bulk upserts B=${BATCH_SIZE} under per-user limits (window ${IDENTITY_LIMITS.windowSeconds} s, time scale ${TIME_SCALE}), ${f.seconds} s a run, one identity's ceiling ${fmt(f.ceilingRowsPerSecond)} rows/s`,
        ...f.runs.map(
            (r) =>
                `  ${r.identities} identit${r.identities === 1 ? 'y  ' : 'ies'} ${fmt(r.rowsPerSecond).padStart(7)} rows/s  ${fmt(f.scaling[String(r.identities)] ?? 0, 2)}x  429s ${r.throttled}  failed ${r.failed}`,
        ),
    ];
}
