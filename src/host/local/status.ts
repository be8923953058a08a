/**
 * What others see of an execution: the DurableOrchestrationStatus-like view that getStatus, list and
 * waitForCompletion answer, and the message a finished sub-orchestration sends its parent.
 */
import { RuntimeStatus, type InstanceStatus } from '../runs-port.js';
import type { Execution } from './execution.js';
import type { Message } from './journal.js';
import { firstLine, fromOptionalJsonText } from './json.js';

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

/** SubOrchestrationInstanceCompleted/Failed for the parent of a finished child; undefined for anything else. */
export function parentMessageOf(exec: Execution): Message | undefined {
    const taskId = exec.start.parent?.taskId;
    const outcome = exec.outcome;
    if (taskId === undefined || !outcome) return undefined;
    const who = `Orchestrator function '${exec.start.name}'`;
    switch (outcome.status) {
        case 'Completed':
            return { kind: 'subCompleted', taskId, result: outcome.output ?? 'null' };
        case 'Failed':
            // The reason keeps the first line, as an activity failure's does; the details keep it all.
            return {
                kind: 'subFailed',
                taskId,
                reason: `${who} failed: ${firstLine(outcome.error)}`,
                details: outcome.details ?? outcome.error,
            };
        case 'Terminated':
            return {
                kind: 'subFailed',
                taskId,
                reason: `${who} was terminated: ${outcome.reason}`,
                details: outcome.reason,
            };
    }
}
