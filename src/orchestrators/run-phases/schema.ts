/**
 * The schema phase, between the plan and the tiers, only for a plan that creates something (tables loaded as `new`):
 * one createSchema activity. Problems it returns (a refusal, a key whose index failed) stop the run before a row is
 * copied.
 */
import { activity, one } from '../call.js';
import { showProgress, type RunState } from './state.js';

export function* schemaPhase(run: RunState) {
    if (!run.plan?.schemaOperations) return;
    showProgress(run, { phase: 'plan' });
    const outcome = yield* one(activity(run.context, 'createSchema', { runId: run.runId }));
    if (outcome.problems.length > 0)
        run.stop = {
            status: 'failed',
            reason: `creating the schema failed, nothing was copied: ${outcome.problems.map((p) => p.message).join('; ')}`,
        };
}
