/** Stored specs on their own schedules: occurrences, due specs, one run per spec, and each spec's status. */
export {
    dueOccurrence,
    nextOccurrence,
    nextOccurrences,
    parseSchedule,
    previousOccurrence,
    ScheduleError,
    type Schedule,
} from './ncrontab.js';
export { credentialProblem, type CredentialProblem, type EnvironmentSide } from './credentials.js';
export {
    isFinishedState,
    RUN_STATES,
    runState,
    type RunLookup,
    type RunState,
    type RunStateInfo,
} from '../host/run-state.js';
export { currentSpecStatus, recordSpecStatus, refreshSpecStatus } from './spec-status.js';
export { startSpecRun, type SpecRunDeps, type SpecRunOutcome, type SpecRunRequest } from './spec-runs.js';
export { deleteStoredSpec, type SpecDeleteOutcome } from './spec-delete.js';
export { putStoredSpec, type SpecPutResult } from './spec-put.js';
export { describeStoredSpec, type StoredSpecView } from './spec-view.js';
export { scheduledRunId, startRun, startUnderLease, type RunTrigger, type TargetBusy } from '../host/start-run.js';
export { runTick, tickWindow, type TickDeps, type TickEntry, type TickReport, type TickWindow } from './tick.js';
export { startTicker, type Ticker } from './ticker.js';
