/**
 * The runs port on this machine, for `dataverse-migrate run`, `serve`, the benchmarks and the end-to-end tests:
 * one local durable host per process playing the product's orchestrators and activity table over a file run
 * store, each run's journals in its own run folder (`<root>/runs/<runId>/history`, beside the rest of the run),
 * so an interrupted run resumes by replay. Finished runs are read back from their journals, and runs a previous
 * process left unfinished can be resumed. The same orchestrators and activities run in Azure under the
 * Functions host (durable-runs.ts).
 */
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createActivities } from '../activities/index.js';
import { cancelledReason, readCancelRequest } from '../run/cancel.js';
import { appendEvents } from '../run/events.js';
import { LeaseKeeper } from '../run/lease-keeper.js';
import { ActivityMemo } from './activity-memo.js';
import { completedActivities } from './local/completed-activities.js';
import { createConnector, type Connector, type EnvironmentClients } from '../environments/index.js';
import type { RunInput } from '../orchestrators/contracts.js';
import { orchestrators } from '../orchestrators/index.js';
import { OrchestratorName } from '../orchestrators/names.js';
import type { RunSummary } from '../run/summary.js';
import { runPaths, segment } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';
import type { MigrationSpec } from '../spec/index.js';
import {
    isTerminal,
    LocalDurableHost,
    RuntimeStatus,
    type ActivityEvent,
    type HostStats,
    type InstanceStatus,
    type JournalPlacement,
    type ListFilter,
    type RunsPort,
    type StartOptions,
    type WaitOptions,
} from './local/index.js';

export interface LocalRunsOptions {
    store: RunStore;
    /** Root of the file run store; a run's journals go in `runs/<runId>/history` under it. */
    root: string;
    /** Where credential settings are read from. */
    env: NodeJS.ProcessEnv;
    /** Activities at once across all runs of the process (each holds about two pages of rows). Default 8. */
    maxConcurrentActivities?: number;
    /** Row JSON the copy pages of all runs hold at once (default: src/copy/page-budget.ts). */
    pageBytes?: number;
    onActivity?: (event: ActivityEvent) => void;
    onStatus?: (instanceId: string, customStatus: unknown) => void;
    userAgent?: string;
    /** Clients shared with the API (serve); default: the runs' own, one set per environment pair. */
    connect?: Connector;
}

export interface LocalRunResult {
    status: InstanceStatus;
    /** The run's summary, when the run orchestrator got to write it. */
    summary?: RunSummary;
    /** The host stopped before the run finished: its journal holds what completed, `resume` continues it. */
    stopped: boolean;
    stats: HostStats;
}

/** The run an instance belongs to: sub-orchestration ids are `<runId>:<phase>:...`. */
function runOf(instanceId: string): string {
    const colon = instanceId.indexOf(':');
    return colon < 0 ? instanceId : instanceId.slice(0, colon);
}

/** Journals by run: an instance's journal is in its run's `history` folder. */
function runFolders(root: string): JournalPlacement {
    return {
        folderOf: (instanceId) => join(root, runPaths(runOf(instanceId)).history),
        folders: async () => (await runIds(root)).map((id) => join(root, runPaths(id).history)),
    };
}

function isRunFolderName(name: string): boolean {
    try {
        segment(name, 'run id');
        return true;
    } catch {
        return false;
    }
}

/** Run folders under the root (folders whose names cannot be run ids are left alone). */
async function runIds(root: string): Promise<string[]> {
    const entries = await readdir(join(root, 'runs'), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && isRunFolderName(e.name)).map((e) => e.name);
}

/** What continuing a run did: resumed an unfinished one, continued an ended one, or found it finished. */
export type ContinueOutcome =
    | { kind: 'resumed' }
    | { kind: 'continued'; from: string; reused: number }
    | { kind: 'finished'; summary?: RunSummary };

/** The folders a run's earlier executions were moved to when it was continued: `history-1`, `history-2`, ... */
async function archivedHistories(root: string, runId: string): Promise<string[]> {
    const folder = join(root, runPaths(runId).root);
    const names = await readdir(folder).catch(() => [] as string[]);
    const numbered = names.map((n) => /^history-(\d+)$/.exec(n)).filter((m) => m !== null);
    return numbered.sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => join(folder, m[0]));
}

export class LocalRuns implements RunsPort {
    private readonly host: LocalDurableHost;
    private readonly memo = new ActivityMemo();
    private readonly leases: LeaseKeeper;
    /** Clients by environment pair, shared by every activity (one limiter per environment). */
    private readonly connector: Connector;

    constructor(private readonly options: LocalRunsOptions) {
        this.connector = options.connect ?? createConnector(options.env, options.userAgent ?? 'dataverse-migrate');
        this.leases = new LeaseKeeper({ store: options.store });
        this.host = new LocalDurableHost({
            orchestrators,
            activities: this.memo.wrap(
                createActivities({
                    store: options.store,
                    connect: (spec) => this.connector(spec),
                    leases: this.leases,
                    ...(options.pageBytes !== undefined ? { pageBytes: options.pageBytes } : {}),
                }),
            ),
            journalDir: runFolders(options.root),
            maxConcurrentActivities: options.maxConcurrentActivities ?? 8,
            ...(options.onActivity ? { onActivity: options.onActivity } : {}),
            ...(options.onStatus ? { onStatus: options.onStatus } : {}),
        });
    }

    // ---- RunsPort ----

    async startNew(orchestratorName: string, options: StartOptions = {}): Promise<string> {
        const id = options.instanceId;
        if (id === undefined || id.includes(':'))
            throw new TypeError('LocalRuns.startNew needs the run id as instanceId (without a colon)');
        runPaths(id); // refuses an id that cannot name a run folder
        return this.host.startNew(orchestratorName, options);
    }

    getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
        return this.host.getStatus(instanceId);
    }

    list(filter: ListFilter = {}): Promise<InstanceStatus[]> {
        return this.host.list(filter);
    }

    terminate(instanceId: string, reason: string): Promise<void> {
        return this.host.terminate(instanceId, reason);
    }

    /** Resolves at the end of the run, or with its current status when the host stops first. */
    waitForCompletion(instanceId: string, options: WaitOptions = {}): Promise<InstanceStatus> {
        return this.host.waitForCompletion(instanceId, options);
    }

    // ---- runs on this machine ----

    async start(runId: string, input: RunInput): Promise<void> {
        await this.startNew(OrchestratorName.run, { instanceId: runId, input });
    }

    /** Continues a run from its journals (no effect on a run already live here). */
    resume(runId: string): Promise<void> {
        return this.host.resume(runId);
    }

    /**
     * Continues a run, whatever stopped it. An unfinished run (its process was killed, or stopped by a second
     * Ctrl-C) resumes from its journals. A run that ended cancelled or failed (an outage, a threshold) starts
     * again as a new execution of the same run: its journals move aside, a cancel request is consumed, and every
     * activity that completed before takes its result instead of running again, so only what did not finish
     * runs and the counts add up over every attempt. Failed rows it had reported no longer count toward the
     * failure thresholds. A run that succeeded is left as it is.
     */
    async continueRun(runId: string): Promise<ContinueOutcome> {
        const status = await this.host.getStatus(runId);
        if (!status) throw new Error(`no journal for run '${runId}' in ${this.options.root}`);
        if (!isTerminal(status.runtimeStatus)) {
            await this.host.resume(runId);
            return { kind: 'resumed' };
        }
        const { store, root } = this.options;
        const summary = await store.readJson<RunSummary>(runPaths(runId).summary);
        if (status.runtimeStatus === RuntimeStatus.Completed && summary?.status === 'succeeded')
            return { kind: 'finished', summary };
        const from = summary?.status ?? status.runtimeStatus;
        const history = join(root, runPaths(runId).history);
        const archives = await archivedHistories(root, runId);
        await rename(history, join(root, runPaths(runId).root, `history-${archives.length + 1}`));
        const completed = [];
        for (const folder of await archivedHistories(root, runId))
            completed.push(...(await completedActivities(folder)));
        const reused = this.memo.remember(runId, completed);
        const cancel = await readCancelRequest(store, runId);
        if (cancel) await store.delete(runPaths(runId).cancel);
        await appendEvents(store, runId, [
            {
                type: 'resumed',
                message: `continued after it ended ${from}${summary?.reason ? ` (${summary.reason})` : ''}${cancel ? `; the cancel request is consumed (${cancelledReason(cancel)})` : ''}`,
                reused,
            },
        ]);
        const input = { ...(status.input as RunInput), acknowledgedFailedRows: summary?.failedRows ?? 0 };
        await this.startNew(OrchestratorName.run, { instanceId: runId, input });
        return { kind: 'continued', from, reused };
    }

    /** Resumes every run whose journal says it was still going (the process that ran it stopped); their ids. */
    async resumeUnfinished(): Promise<string[]> {
        const resumed: string[] = [];
        for (const id of await runIds(this.options.root)) {
            const status = await this.host.getStatus(id);
            if (!status || isTerminal(status.runtimeStatus)) continue;
            await this.host.resume(id);
            resumed.push(id);
        }
        return resumed;
    }

    async wait(runId: string): Promise<LocalRunResult> {
        const status = await this.host.waitForCompletion(runId);
        const summary = status.runtimeStatus === RuntimeStatus.Completed ? (status.output as RunSummary) : undefined;
        return {
            status,
            ...(summary ? { summary } : {}),
            stopped: !isTerminal(status.runtimeStatus),
            stats: this.host.stats(),
        };
    }

    /** The clients of a spec's environments (also for progress displays that show throttling). */
    connect(spec: MigrationSpec): EnvironmentClients {
        return this.connector(spec);
    }

    /** Throttled (429) responses seen by the runs' clients so far. */
    throttled(): number {
        let n = 0;
        for (const c of this.connector.pairs()) n += c.source.stats().throttled + c.target.stats().throttled;
        return n;
    }

    stats(): HostStats {
        return this.host.stats();
    }

    /** Stops every run in progress; their journals keep what completed, so a later process resumes them. */
    /** Stops the host; the runs it was playing no longer write, so their target leases go too. */
    async stop(): Promise<void> {
        await this.host.stop();
        await this.leases.releaseAll();
    }
}
