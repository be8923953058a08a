/**
 * The narrow "runs" port the HTTP API and the CLI depend on (docs/architecture.md "Two hosts"): start, query,
 * list, wait for and terminate orchestration instances. The Durable client implements it in Azure and
 * LocalDurableHost implements it on one machine. Shapes follow durable-functions' DurableOrchestrationStatus;
 * nothing here imports the SDK, so any layer may depend on it.
 */

/** The Durable Functions runtime statuses (names as `OrchestrationRuntimeStatus`). */
export const RuntimeStatus = {
    Pending: 'Pending',
    Running: 'Running',
    Completed: 'Completed',
    ContinuedAsNew: 'ContinuedAsNew',
    Failed: 'Failed',
    Terminated: 'Terminated',
} as const;
export type RuntimeStatus = (typeof RuntimeStatus)[keyof typeof RuntimeStatus];

/** Statuses after which an instance never changes again (until replaced by a new start). */
export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set([
    RuntimeStatus.Completed,
    RuntimeStatus.Failed,
    RuntimeStatus.Terminated,
]);

export function isTerminal(status: RuntimeStatus): boolean {
    return TERMINAL_STATUSES.has(status);
}

/** As `DurableOrchestrationStatus`. */
export interface InstanceStatus {
    /** Orchestrator function name. */
    name: string;
    instanceId: string;
    createdTime: Date;
    lastUpdatedTime: Date;
    input: unknown;
    /** The return value; for Failed the failure message; for Terminated the reason. */
    output: unknown;
    runtimeStatus: RuntimeStatus;
    customStatus?: unknown;
    /** Set for sub-orchestrations. */
    parentInstanceId?: string;
}

export interface StartOptions {
    /** Default: a random UUID. */
    instanceId?: string;
    /** JSON-serialisable. */
    input?: unknown;
}

export interface ListFilter {
    runtimeStatus?: readonly RuntimeStatus[];
    createdFrom?: Date;
    createdTo?: Date;
    /** Only top-level instances (no sub-orchestrations). */
    topLevelOnly?: boolean;
}

/** The order `list` answers in: newest first, then by instance id. */
export function newestFirst(a: InstanceStatus, b: InstanceStatus): number {
    return b.createdTime.getTime() - a.createdTime.getTime() || a.instanceId.localeCompare(b.instanceId);
}

/** The statuses `filter` selects, in `list` order, for ports that filter in memory. */
export function selectStatuses(statuses: readonly InstanceStatus[], filter: ListFilter): InstanceStatus[] {
    return statuses
        .filter(
            (s) =>
                (!filter.runtimeStatus || filter.runtimeStatus.includes(s.runtimeStatus)) &&
                (!filter.createdFrom || s.createdTime >= filter.createdFrom) &&
                (!filter.createdTo || s.createdTime <= filter.createdTo) &&
                (!filter.topLevelOnly || s.parentInstanceId === undefined),
        )
        .sort(newestFirst);
}

export interface WaitOptions {
    /** Resolve with the current status after this long even if the instance is still running. */
    timeoutMs?: number;
}

export interface RunsPort {
    /** Starts an instance; rejects when a live instance already has the id. Resolves with the id. */
    startNew(orchestratorName: string, options?: StartOptions): Promise<string>;
    /** Undefined when no instance has the id. */
    getStatus(instanceId: string): Promise<InstanceStatus | undefined>;
    /** Newest first. */
    list(filter?: ListFilter): Promise<InstanceStatus[]>;
    /** Ends a live instance with status Terminated; no effect on a finished one. */
    terminate(instanceId: string, reason: string): Promise<void>;
    /**
     * Resolves with the status once the instance is Completed, Failed or Terminated, or with its current status at
     * the timeout (and when a local host stops).
     */
    waitForCompletion(instanceId: string, options?: WaitOptions): Promise<InstanceStatus>;
}
