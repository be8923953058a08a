/**
 * The runs port over the Durable client, for the HTTP and timer functions in Azure. It keeps the port's contract
 * where the client differs: a missing instance is `undefined` (durable-functions 3.x throws on the extension's
 * 404), a start with the id of a live instance is refused (the extension would replace it unless host.json says
 * `overridableExistingInstanceStates: NonRunningStates`; the spec lease closes the race in between), and
 * `waitForCompletion` polls.
 */
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import {
    isTerminal,
    newestFirst,
    RuntimeStatus,
    type InstanceStatus,
    type ListFilter,
    type RunsPort,
    type StartOptions,
    type WaitOptions,
} from './runs-port.js';

const POLL_MS = 1_000;

/** `Suspended` and `Canceled` have no place in the port: a suspended instance is live, a canceled one ended. */
function runtimeStatusOf(status: string): RuntimeStatus {
    if (status === 'Suspended') return RuntimeStatus.Running;
    if (status === 'Canceled') return RuntimeStatus.Terminated;
    return (Object.values(RuntimeStatus) as string[]).includes(status)
        ? (status as RuntimeStatus)
        : RuntimeStatus.Running;
}

/** getStatusBy answers with the extension's JSON (dates as text); getStatus with class instances. */
export function instanceStatusOf(status: DurableOrchestrationStatus): InstanceStatus {
    const view: InstanceStatus = {
        name: status.name,
        instanceId: status.instanceId,
        createdTime: new Date(status.createdTime),
        lastUpdatedTime: new Date(status.lastUpdatedTime),
        input: status.input ?? undefined,
        output: status.output ?? undefined,
        runtimeStatus: runtimeStatusOf(String(status.runtimeStatus)),
    };
    if (status.customStatus !== undefined && status.customStatus !== null) view.customStatus = status.customStatus;
    return view;
}

function isMissing(error: unknown): boolean {
    return error instanceof Error && /HTTP 404 response/.test(error.message);
}

export function durableRunsPort(client: DurableClient): RunsPort {
    const getStatus = async (instanceId: string): Promise<InstanceStatus | undefined> => {
        try {
            return instanceStatusOf(await client.getStatus(instanceId, { showInput: true }));
        } catch (error) {
            if (isMissing(error)) return undefined;
            throw error;
        }
    };
    return {
        async startNew(orchestratorName: string, options: StartOptions = {}): Promise<string> {
            if (options.instanceId !== undefined) {
                const existing = await getStatus(options.instanceId);
                if (existing && !isTerminal(existing.runtimeStatus))
                    throw new Error(`an orchestration instance with id '${options.instanceId}' is already running`);
            }
            return client.startNew(orchestratorName, {
                ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}),
                ...(options.input !== undefined ? { input: options.input } : {}),
            });
        },
        getStatus,
        async list(filter: ListFilter = {}): Promise<InstanceStatus[]> {
            const statuses = await client.getStatusBy({
                createdTimeFrom: filter.createdFrom ?? new Date(0),
                ...(filter.createdTo ? { createdTimeTo: filter.createdTo } : {}),
                ...(filter.runtimeStatus
                    ? { runtimeStatus: [...filter.runtimeStatus] as DurableOrchestrationStatus['runtimeStatus'][] }
                    : {}),
            });
            return statuses
                .map(instanceStatusOf)
                .filter((s) => !filter.topLevelOnly || !s.instanceId.includes(':'))
                .sort(newestFirst);
        },
        terminate: (instanceId, reason) => client.terminate(instanceId, reason),
        async waitForCompletion(instanceId: string, options: WaitOptions = {}): Promise<InstanceStatus> {
            const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
            for (;;) {
                const status = await getStatus(instanceId);
                if (!status) throw new Error(`no orchestration instance '${instanceId}'`);
                if (isTerminal(status.runtimeStatus) || Date.now() >= deadline) return status;
                await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
            }
        },
    };
}
