/**
 * Starting a run: one orchestration instance of the run orchestrator whose instance id is the run id, with the
 * spec document as its input (the plan activity validates it again). The HTTP API and the scheduler both start
 * runs through here, on whichever host implements the runs port, and each start is logged here, once.
 */
import { createHash } from 'node:crypto';
import type { RunsPort } from './runs-port.js';
import type { RunInput } from '../orchestrators/contracts.js';
import { OrchestratorName } from '../orchestrators/names.js';
import {
    claimRunLease,
    describeConflict,
    leaseScope,
    releaseRunLease,
    type LeaseConflict,
    type LeaseHolder,
} from '../run/run-lease.js';
import type { RunStore } from '../runlog/types.js';
import type { MigrationSpec } from '../spec/index.js';
import { silentLog, type Log } from '../util/log.js';

export type RunTrigger = 'http' | 'schedule' | 'cli';

export async function startRun(
    runs: RunsPort,
    runId: string,
    spec: unknown,
    trigger: RunTrigger,
    log: Log = silentLog,
    /** Who asked (the API's caller); the run's events, summary and view repeat it. */
    requestedBy?: string,
): Promise<string> {
    const input: RunInput = { runId, spec, trigger, ...(requestedBy !== undefined ? { requestedBy } : {}) };
    const started = await runs.startNew(OrchestratorName.run, { instanceId: runId, input });
    const name = (spec as { name?: unknown } | null)?.name;
    const by = requestedBy !== undefined ? `, by ${requestedBy}` : '';
    log('info', `run ${runId} started (spec ${typeof name === 'string' ? name : 'unnamed'}, trigger ${trigger}${by})`);
    return started;
}

/** Another run holds a table the run would write: nothing was started. */
export interface TargetBusy {
    kind: 'target-busy';
    /** One line naming the run that holds it. */
    message: string;
    conflict: LeaseConflict;
}

/**
 * Leases the target tables of `spec` for the run (src/run/run-lease.ts), then starts it with `start`; when another
 * live run holds one of them, starts nothing and says which run. A start that fails lets the leases go again.
 */
export async function startUnderLease(
    store: RunStore,
    spec: MigrationSpec,
    holder: Omit<LeaseHolder, 'spec'>,
    now: Date,
    start: () => Promise<unknown>,
): Promise<TargetBusy | undefined> {
    const scope = leaseScope(spec);
    const conflict = await claimRunLease(store, scope, { ...holder, spec: spec.name }, { now });
    if (conflict) return { kind: 'target-busy', message: describeConflict(conflict, scope.target), conflict };
    try {
        await start();
    } catch (error) {
        await releaseRunLease(store, scope, holder.runId);
        throw error;
    }
    return undefined;
}

/**
 * The run id of a spec's scheduled occurrence: the same shape as any run id (`<spec>-<yyyyMMdd>-<HHmmss>-<4 hex>`),
 * derived from the spec name and the occurrence alone, so two ticks that see the same occurrence name the same
 * instance and the second finds it started.
 */
export function scheduledRunId(spec: string, occurrence: Date): string {
    const iso = occurrence.toISOString();
    const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
    const hex = createHash('sha256').update(`${spec}\n${iso}`).digest('hex').slice(0, 4);
    return `${spec.slice(0, 60)}-${stamp}-${hex}`;
}
