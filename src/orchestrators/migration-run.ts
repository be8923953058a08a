/**
 * The run orchestrator. The order matters on real Dataverse: plan (and reference matches); the schema tables loaded
 * as new need; the tiers
 * in order, every table of a tier at once, each table's pages at once, the next tier only after the
 * last page of the previous one; then the deferred lookups, the states, the many-to-many rows, the
 * deletes (checked against the safety share before the first one); then the summary. It stops
 * cleanly at a tier or phase boundary when the failure threshold is passed or a cancel was requested,
 * and writes the summary whatever happens. Deterministic: only SDK tasks and currentUtcDateTime;
 * child instance ids are derived from its own. Each phase is a generator of its own (run-phases/), joined here.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { crashStop } from '../run/stop-rules.js';
import { deletePhase } from './run-phases/deletes.js';
import { finishPhase } from './run-phases/finish.js';
import { followUpPhase } from './run-phases/follow-up.js';
import { planPhase } from './run-phases/plan-phase.js';
import { schemaPhase } from './run-phases/schema.js';
import { logEvent, newRunState } from './run-phases/state.js';
import { tierPhase } from './run-phases/tiers.js';

export const migrationRun: OrchestrationHandler = function* (context: OrchestrationContext) {
    const run = newRunState(context);
    try {
        const plan = yield* planPhase(run);
        if (!run.stop) yield* schemaPhase(run);
        if (!run.stop) yield* tierPhase(run, plan);
        if (!run.stop) yield* followUpPhase(run, plan);
        if (!run.stop) yield* deletePhase(run, plan);
        if (run.stop?.status === 'cancelled') yield* logEvent(run, { type: 'cancelled', message: run.stop.reason });
    } catch (error) {
        // An activity that failed after its retries, or returned a failure no retry mends: the run is
        // failed, and the summary is still written.
        run.stop = crashStop(error);
    }
    return yield* finishPhase(run);
};
