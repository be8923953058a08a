/**
 * A migration run on this machine: the orchestrators and the activity table played by the local
 * durable host over a run store, with the host's journal in the run's own folder, so an interrupted
 * run resumes by replay. Used by `dataverse-migrate run`, by `serve` and by the end-to-end tests;
 * the same orchestrators and activities run in Azure under the Functions host.
 */
import { join } from 'node:path';
import { createActivities } from '../activities/index.js';
import { createConnector, type Connector, type EnvironmentClients } from '../environments/index.js';
import type { RunSummary } from '../run/summary.js';
import { orchestrators } from '../orchestrators/index.js';
import { OrchestratorName } from '../orchestrators/names.js';
import type { RunInput } from '../orchestrators/contracts.js';
import type { RunStore } from '../runlog/types.js';
import type { MigrationSpec } from '../spec/index.js';
import { LocalDurableHost, type ActivityEvent, type HostStats, type InstanceStatus } from './local/index.js';

export interface LocalRunOptions {
    store: RunStore;
    /** Folder of the journal; the CLI uses `<store root>/runs/<runId>/history`. */
    journalDir: string;
    /** Where credential settings are read from. */
    env: NodeJS.ProcessEnv;
    /** Activities at once (each holds about two pages of rows). Default 8. */
    maxConcurrentActivities?: number;
    onActivity?: (event: ActivityEvent) => void;
    onStatus?: (instanceId: string, customStatus: unknown) => void;
    userAgent?: string;
    /** Clients shared with other runs of the process (serve); default: this run's own. */
    connect?: Connector;
}

export interface LocalRunResult {
    status: InstanceStatus;
    /** The run's summary, when the run orchestrator got to write it. */
    summary?: RunSummary;
    stats: HostStats;
}

/** The journal folder of a run in a filesystem run store rooted at `root`. */
export function journalDirFor(root: string, runId: string): string {
    return join(root, 'runs', runId, 'history');
}

export class LocalRun {
    readonly host: LocalDurableHost;
    /** Clients by environment pair, shared by every activity of the run (one limiter per environment). */
    private readonly connector: Connector;

    constructor(options: LocalRunOptions) {
        this.connector = options.connect ?? createConnector(options.env, options.userAgent ?? 'dataverse-migrate');
        const activities = createActivities({
            store: options.store,
            connect: (spec) => this.connect(spec),
        });
        this.host = new LocalDurableHost({
            orchestrators,
            activities,
            journalDir: options.journalDir,
            maxConcurrentActivities: options.maxConcurrentActivities ?? 8,
            ...(options.onActivity ? { onActivity: options.onActivity } : {}),
            ...(options.onStatus ? { onStatus: options.onStatus } : {}),
        });
    }

    /** The clients of a spec's environments (also for progress displays that show throttling). */
    connect(spec: MigrationSpec): EnvironmentClients {
        return this.connector(spec);
    }

    /** Throttled (429) responses seen by this run's clients so far. */
    throttled(): number {
        let n = 0;
        for (const c of this.connector.pairs()) n += c.source.stats().throttled + c.target.stats().throttled;
        return n;
    }

    async start(runId: string, input: RunInput): Promise<void> {
        await this.host.startNew(OrchestratorName.run, { instanceId: runId, input });
    }

    async resume(runId: string): Promise<void> {
        await this.host.resume(runId);
    }

    async wait(runId: string): Promise<LocalRunResult> {
        const status = await this.host.waitForCompletion(runId);
        const summary = status.runtimeStatus === 'Completed' ? (status.output as RunSummary) : undefined;
        return { status, ...(summary ? { summary } : {}), stats: this.host.stats() };
    }

    stop(): Promise<void> {
        return this.host.stop();
    }
}
