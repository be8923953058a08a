/** The local durable host: public API for the CLI, the HTTP API's local mode and orchestrator tests. */
export {
    LocalDurableHost,
    statusOf,
    type ActivityEvent,
    type HostStats,
    type LocalDurableHostOptions,
} from './host.js';
export type { ActivityContext, ActivityFunction } from './activity-runner.js';
export {
    isTerminal,
    newestFirst,
    RuntimeStatus,
    selectStatuses,
    TERMINAL_STATUSES,
    type InstanceStatus,
    type ListFilter,
    type RunsPort,
    type StartOptions,
    type WaitOptions,
} from '../runs-port.js';
export { replayOnce, stateOfFailure, REPLAY_SCHEMA_V3, type OrchestratorState, type ReplayRequest } from './replay.js';
export {
    episode,
    executionStarted,
    HistoryEventType,
    JsonText,
    orchestratorCompleted,
    orchestratorStarted,
    subOrchestrationCompleted,
    subOrchestrationCreated,
    subOrchestrationFailed,
    taskCompleted,
    taskFailed,
    taskScheduled,
    timerCreated,
    timerFired,
    type HistoryEvent,
} from './history.js';
export { ActionType, readActions, type ActionList, type RequestedTask } from './actions.js';
export { JournalError, journalFileName, readJournal, type JournalRecord } from './journal.js';
