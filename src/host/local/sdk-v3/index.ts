/**
 * The local host's adapter to durable-functions v3, the one folder that knows the SDK's shapes (history events,
 * V3 actions, task ids, `$OutOfProcData$`, its testing module). The host calls replayEpisode only; the other
 * exports let orchestrator tests drive the SDK episode by episode. A move to durable-functions v4 replaces this
 * folder (README "The SDK seam").
 */
export { replayEpisode, type Episode, type EpisodeRequest } from './episode.js';
/** What the host registers as an orchestrator: a v3 generator function (v4 runs the same ones through an adapter). */
export type { OrchestrationHandler } from 'durable-functions';
export { replayOnce, stateOfFailure, type OrchestratorState, type ReplayRequest } from './replay.js';
export {
    episode,
    executionStarted,
    JsonText,
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
