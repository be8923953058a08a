/** The DurableOrchestrationStatus-like view of an execution, as getStatus, list and waitForCompletion answer. */
import { RuntimeStatus, type InstanceStatus } from '../runs-port.js';
import type { Execution } from './execution.js';
import { fromOptionalJsonText } from './json.js';

export function statusOf(exec: Execution): InstanceStatus {
    const start = exec.start;
    const status: InstanceStatus = {
        name: start.name,
        instanceId: start.instanceId,
        createdTime: new Date(start.at),
        lastUpdatedTime: exec.lastUpdatedTime,
        input: fromOptionalJsonText(start.input),
        output: undefined,
        runtimeStatus: exec.episodes === 0 && !exec.outcome ? RuntimeStatus.Pending : RuntimeStatus.Running,
    };
    if (start.parent) status.parentInstanceId = start.parent.instanceId;
    if (exec.customStatus !== undefined) status.customStatus = JSON.parse(exec.customStatus);
    const outcome = exec.outcome;
    if (outcome?.status === 'Completed') {
        status.runtimeStatus = RuntimeStatus.Completed;
        status.output = fromOptionalJsonText(outcome.output);
    } else if (outcome?.status === 'Failed') {
        status.runtimeStatus = RuntimeStatus.Failed;
        status.output = `Orchestrator function '${start.name}' failed: ${outcome.error}`;
    } else if (outcome?.status === 'Terminated') {
        status.runtimeStatus = RuntimeStatus.Terminated;
        status.output = outcome.reason;
    }
    return status;
}
