/**
 * What state a run is in, as people read it: from the run's summary when it finished (the summary outlives the
 * Durable instance, whose history may be purged), else from its orchestration instance. Both the API's run view
 * and the status of a stored spec read it here, so a run and its spec never disagree.
 */
import type { RunSummary } from '../run/summary.js';
import { RuntimeStatus, type InstanceStatus, type RunsPort } from './runs-port.js';
import { runPaths } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';

export const RUN_STATES = ['pending', 'in-progress', 'succeeded', 'failed', 'cancelled', 'invalid'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunLookup {
    runs: RunsPort;
    store: RunStore;
}

export interface RunStateInfo {
    runId: string;
    state: RunState;
    /** Undefined when the run's instance is gone and its summary is what remains. */
    instance?: InstanceStatus;
    summary?: RunSummary;
    failedRows?: number;
    /** Why it failed or was cancelled, for people (never a secret: messages are the run's own). */
    detail?: string;
}

/** States after which a run never changes again. */
export function isFinishedState(state: RunState): boolean {
    return state !== 'pending' && state !== 'in-progress';
}

function fromSummary(summary: RunSummary): Pick<RunStateInfo, 'state' | 'failedRows' | 'detail'> {
    const state: RunState = summary.status === 'running' ? 'in-progress' : summary.status;
    return {
        state,
        failedRows: summary.failedRows,
        ...(summary.reason !== undefined ? { detail: summary.reason } : {}),
    };
}

function fromInstance(instance: InstanceStatus): Pick<RunStateInfo, 'state' | 'detail'> {
    switch (instance.runtimeStatus) {
        case RuntimeStatus.Pending:
            return { state: 'pending' };
        case RuntimeStatus.Running:
        case RuntimeStatus.ContinuedAsNew:
            return { state: 'in-progress' };
        case RuntimeStatus.Terminated:
            return { state: 'cancelled', detail: `terminated: ${String(instance.output)}` };
        case RuntimeStatus.Failed:
            return { state: 'failed', detail: String(instance.output) };
        case RuntimeStatus.Completed:
            // The run orchestrator's last step writes the summary; completed without one means it was lost.
            return { state: 'failed', detail: 'the run completed but wrote no summary' };
    }
}

/** The state of run `runId`, or undefined when neither the host nor the run store knows it. */
export async function runState(lookup: RunLookup, runId: string): Promise<RunStateInfo | undefined> {
    const [summary, instance] = await Promise.all([
        lookup.store.readJson<RunSummary>(runPaths(runId).summary),
        lookup.runs.getStatus(runId),
    ]);
    if (summary !== undefined) return { runId, ...fromSummary(summary), summary, ...(instance ? { instance } : {}) };
    if (instance !== undefined) return { runId, ...fromInstance(instance), instance };
    return undefined;
}
