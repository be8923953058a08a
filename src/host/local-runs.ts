/**
 * The runs port on one machine (`serve`, and the API's tests): one LocalRun per run, each with its journal in
 * its own run folder (`<root>/runs/<runId>/history`), as `dataverse-migrate run` keeps it, routed by instance id
 * (sub-orchestrations `<runId>:...` belong to their run). Finished runs are read back from their journals, and
 * runs a previous process left unfinished are resumed from theirs.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { journalDirFor, LocalRun } from './local-run.js';
import {
    isTerminal,
    LocalDurableHost,
    selectStatuses,
    type InstanceStatus,
    type ListFilter,
    type RunsPort,
    type StartOptions,
    type WaitOptions,
} from './local/index.js';
import { orchestrators } from '../orchestrators/index.js';
import type { Connector } from '../environments/index.js';
import type { RunStore } from '../runlog/types.js';

export interface LocalRunsOptions {
    store: RunStore;
    /** Root of the run folders holding the journals (the file run store's root). */
    journalRoot: string;
    /** Where credential settings are read from. */
    env: NodeJS.ProcessEnv;
    /** Activities at once per run (default 8). */
    maxConcurrentActivities?: number;
    userAgent?: string;
    /** Clients shared by every run (and the API): one token cache and limiter per environment. */
    connect?: Connector;
}

/** The run an instance id belongs to: sub-orchestration ids are `<runId>:<phase>:...`. */
function runOf(instanceId: string): string {
    const colon = instanceId.indexOf(':');
    return colon < 0 ? instanceId : instanceId.slice(0, colon);
}

export class LocalRuns implements RunsPort {
    private readonly live = new Map<string, LocalRun>();
    /** Final statuses of instances this process saw finish (journals stay the record). */
    private readonly finished = new Map<string, InstanceStatus>();
    private stopping = false;

    constructor(private readonly options: LocalRunsOptions) {}

    async startNew(orchestratorName: string, options: StartOptions = {}): Promise<string> {
        const id = options.instanceId;
        if (id === undefined || id.includes(':'))
            throw new TypeError('LocalRuns.startNew needs the run id as instanceId (without a colon)');
        if (this.stopping) throw new Error('the local runs host has been stopped');
        if (this.live.has(id)) throw new Error(`an orchestration instance with id '${id}' is already running`);
        const run = this.newRun(id);
        this.live.set(id, run);
        try {
            await run.host.startNew(orchestratorName, options);
        } catch (error) {
            this.live.delete(id);
            await run.stop();
            throw error;
        }
        this.finished.delete(id);
        this.watch(id, run);
        return id;
    }

    async getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
        const run = this.live.get(runOf(instanceId));
        if (run) return run.host.getStatus(instanceId);
        const known = this.finished.get(instanceId);
        if (known) return known;
        const status = await this.readStatus(instanceId);
        if (status && isTerminal(status.runtimeStatus)) this.finished.set(instanceId, status);
        return status;
    }

    async list(filter: ListFilter = {}): Promise<InstanceStatus[]> {
        const ids = await this.runIds();
        const statuses = (await Promise.all(ids.map((id) => this.getStatus(id)))).filter(
            (s): s is InstanceStatus => s !== undefined,
        );
        return selectStatuses(statuses, filter);
    }

    async terminate(instanceId: string, reason: string): Promise<void> {
        const run = this.live.get(runOf(instanceId));
        if (run) return run.host.terminate(instanceId, reason);
        const host = this.reader(runOf(instanceId));
        try {
            await host.terminate(instanceId, reason);
        } finally {
            await host.stop();
            this.finished.delete(instanceId);
        }
    }

    async waitForCompletion(instanceId: string, options: WaitOptions = {}): Promise<InstanceStatus> {
        const run = this.live.get(runOf(instanceId));
        if (run) return run.host.waitForCompletion(instanceId, options);
        const status = await this.getStatus(instanceId);
        if (!status) throw new Error(`no orchestration instance '${instanceId}'`);
        return status;
    }

    /** Resumes every run whose journal says it was still going (the process that ran it stopped); their ids. */
    async resumeUnfinished(): Promise<string[]> {
        const resumed: string[] = [];
        for (const id of await this.runIds()) {
            if (this.live.has(id)) continue;
            const status = await this.readStatus(id);
            if (!status || isTerminal(status.runtimeStatus)) continue;
            const run = this.newRun(id);
            this.live.set(id, run);
            try {
                await run.resume(id);
            } catch (error) {
                this.live.delete(id);
                await run.stop();
                throw error;
            }
            this.watch(id, run);
            resumed.push(id);
        }
        return resumed;
    }

    /** Stops every live run; their journals keep what completed, so a later process resumes them. */
    async stop(): Promise<void> {
        this.stopping = true;
        const runs = [...this.live.values()];
        this.live.clear();
        await Promise.all(runs.map((run) => run.stop()));
    }

    private newRun(runId: string): LocalRun {
        return new LocalRun({
            store: this.options.store,
            journalDir: journalDirFor(this.options.journalRoot, runId),
            env: this.options.env,
            ...(this.options.maxConcurrentActivities !== undefined
                ? { maxConcurrentActivities: this.options.maxConcurrentActivities }
                : {}),
            userAgent: this.options.userAgent ?? 'dataverse-migrate-serve',
            ...(this.options.connect ? { connect: this.options.connect } : {}),
        });
    }

    /** When a run finishes: keep its final status and release its host (and the journal folder's lock). */
    private watch(runId: string, run: LocalRun): void {
        void run.host.waitForCompletion(runId).then(
            async (status) => {
                if (this.live.get(runId) !== run) return;
                this.finished.set(runId, status);
                this.live.delete(runId);
                await run.stop();
            },
            () => undefined,
        );
    }

    /** A host that only reads a run's journals. */
    private reader(runId: string): LocalDurableHost {
        return new LocalDurableHost({
            orchestrators,
            activities: {},
            journalDir: journalDirFor(this.options.journalRoot, runId),
        });
    }

    private async readStatus(instanceId: string): Promise<InstanceStatus | undefined> {
        const host = this.reader(runOf(instanceId));
        try {
            return await host.getStatus(instanceId);
        } finally {
            await host.stop();
        }
    }

    private async runIds(): Promise<string[]> {
        const entries = await readdir(join(this.options.journalRoot, 'runs'), { withFileTypes: true }).catch(() => []);
        return entries.filter((e) => e.isDirectory()).map((e) => e.name);
    }
}
