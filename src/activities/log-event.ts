/** The logEvent activity: one line the orchestrator wants in the run's events log (a phase, a stop, a cancel). */
import { appendEvents } from '../run/events.js';
import type { ActivityDeps } from '../run/run-context.js';
import type { LogEventInput } from './contract.js';

export async function logEvent(deps: ActivityDeps, input: LogEventInput): Promise<null> {
    await appendEvents(deps.store, input.runId, [input.event], deps.now);
    return null;
}
