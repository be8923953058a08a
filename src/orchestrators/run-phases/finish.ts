/** The run's last phase, whatever stopped it: the summary, written by the finish activity. */
import { requestsOf } from '../../run/outcomes.js';
import { finishedRun } from '../../run/summary.js';
import { activity, one } from '../call.js';
import { showProgress, type RunState } from './state.js';

export function* finishPhase(run: RunState) {
    showProgress(run, { phase: 'finish' });
    const summary = finishedRun({
        runId: run.runId,
        trigger: run.input.trigger,
        ...(run.input.requestedBy !== undefined ? { requestedBy: run.input.requestedBy } : {}),
        startedAt: run.startedAt,
        finishedAt: run.context.df.currentUtcDateTime,
        ...(run.plan ? { plan: { ...run.plan, requests: requestsOf(run.plan) } } : {}),
        tables: run.tables,
        manyToMany: run.manyToMany,
        disassociated: run.disassociated,
        ...(run.stop ? { stop: run.stop } : {}),
        ...(run.refusedDeletes ? { refusedDeletes: run.refusedDeletes } : {}),
    });
    return yield* one(activity(run.context, 'finishRun', summary));
}
