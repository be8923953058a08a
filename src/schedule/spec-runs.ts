/**
 * Starting a stored spec, one run per spec at a time. The spec's lease (a blob lease in Azure, a lock file
 * locally) closes the check-then-start race between ticks, hosts and HTTP starts: under it, the spec's last run
 * is checked, the environments are checked against the allow-list and for working credentials, the run is started
 * and the spec's status says so. A scheduled occurrence has an instance id of its own (start-run.ts), so an
 * occurrence seen twice starts once.
 */
import type { EnvironmentClients } from '../environments/index.js';
import type { RunsPort } from '../host/runs-port.js';
import type { RunStore } from '../runlog/types.js';
import type { InputProblem } from '../spec/index.js';
import { validateSpec, type MigrationSpec } from '../spec/index.js';
import type { SpecStore, StoredSpec } from '../specstore/index.js';
import { credentialProblem, type EnvironmentSide } from './credentials.js';
import { isFinishedState, runState } from '../host/run-state.js';
import { isLive, refreshSpecStatus } from './spec-status.js';
import { startRun, startUnderLease, type RunTrigger, type TargetBusy } from '../host/start-run.js';
import type { Log } from '../util/log.js';

export interface SpecRunDeps {
    specs: SpecStore;
    runs: RunsPort;
    store: RunStore;
    /** Builds the Dataverse clients of a spec (may throw CredentialProblemsError). */
    connect(spec: MigrationSpec): EnvironmentClients;
    /** The first environment URL of the spec that is not on the allow-list, or undefined. */
    disallowedUrl(spec: MigrationSpec): string | undefined;
    now(): Date;
    /** Limit of the token and WhoAmI check per environment (default 30 s). */
    credentialTimeoutMs?: number;
    /** Receives each run started; silent when absent. */
    log?: Log;
}

export interface SpecRunRequest {
    trigger: RunTrigger;
    runId: string;
    /** Who asked, for a start through the API. */
    requestedBy?: string;
    /** Scheduled refreshes run incrementally (change tracking after the first full run). */
    incremental?: boolean;
}

export type SpecRunOutcome =
    | { kind: 'started'; runId: string }
    /** The spec's previous run is still pending or in progress: one run per spec at a time. */
    | { kind: 'running'; runId: string }
    /** This occurrence's run was started already (by an earlier tick). */
    | { kind: 'already-started'; runId: string }
    /** Another tick or start holds the spec's lease right now. */
    | { kind: 'busy' }
    /** Another run (of this spec or another) writes a table of the same target: its lease names it. */
    | TargetBusy
    | { kind: 'not-found' }
    | { kind: 'invalid'; problems: InputProblem[] }
    | { kind: 'not-allowed'; url: string }
    | { kind: 'credentials-required'; environments: EnvironmentSide[]; detail: string };

/** Leases last 15 to 60 s; the credential check is the slow part and stays well inside this. */
const LEASE_MS = 60_000;

export async function startSpecRun(deps: SpecRunDeps, name: string, request: SpecRunRequest): Promise<SpecRunOutcome> {
    const lease = await deps.specs.lease(name, LEASE_MS);
    if (lease === undefined) return { kind: 'busy' };
    try {
        const stored = await deps.specs.get(name);
        if (stored === undefined) return { kind: 'not-found' };
        return await startLeased(deps, stored, request);
    } finally {
        await lease.release();
    }
}

async function startLeased(deps: SpecRunDeps, stored: StoredSpec, request: SpecRunRequest): Promise<SpecRunOutcome> {
    const { specs, runs } = deps;
    const name = stored.name;
    const current = await refreshSpecStatus(deps, specs, stored);
    if (isLive(current.status) && current.lastRunId !== undefined) return { kind: 'running', runId: current.lastRunId };
    const previous = await runState(deps, request.runId);
    if (previous !== undefined)
        return isFinishedState(previous.state)
            ? { kind: 'already-started', runId: request.runId }
            : { kind: 'running', runId: request.runId };

    const validated = validateSpec(stored.spec);
    if (!validated.ok) {
        await specs.updateStatus(name, {
            status: 'failed',
            statusDetail: `the stored spec has ${validated.problems.length} problems: put it again`,
        });
        return { kind: 'invalid', problems: validated.problems };
    }
    const spec = validated.spec;
    const url = deps.disallowedUrl(spec);
    if (url !== undefined) {
        await specs.updateStatus(name, {
            status: 'failed',
            statusDetail: `environment ${url} is not on the allow-list (DATAVERSE_ALLOWED_URLS)`,
        });
        return { kind: 'not-allowed', url };
    }
    const problem = await credentialProblem(spec, (s) => deps.connect(s), {
        ...(deps.credentialTimeoutMs !== undefined ? { timeoutMs: deps.credentialTimeoutMs } : {}),
    });
    if (problem !== undefined) {
        await specs.updateStatus(name, { status: 'credentials-required', statusDetail: problem.detail.slice(0, 2000) });
        return { kind: 'credentials-required', ...problem };
    }

    const document = request.incremental
        ? { ...stored.spec, options: { ...asRecord(stored.spec.options), incremental: true } }
        : stored.spec;
    const busy = await startUnderLease(
        deps.store,
        spec,
        {
            runId: request.runId,
            who: request.trigger === 'schedule' ? 'the schedule' : (request.requestedBy ?? 'the HTTP API'),
        },
        deps.now(),
        () => startRun(runs, request.runId, document, request.trigger, deps.log, request.requestedBy),
    );
    if (busy) return busy;
    await specs.updateStatus(name, {
        status: 'pending',
        lastRunId: request.runId,
        lastRunAt: deps.now().toISOString(),
        failedRows: null,
        statusDetail: null,
    });
    return { kind: 'started', runId: request.runId };
}

function asRecord(value: unknown): Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
}
