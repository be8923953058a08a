/** The run's first phase: the plan activity, and an empty summary for every table it plans. */
import { emptyCounts } from '../../run/outcomes.js';
import { emptyTableSummary } from '../../run/summary.js';
import { activity, one } from '../call.js';
import { showProgress, type RunState } from './state.js';

export function* planPhase(run: RunState) {
    showProgress(run, { phase: 'plan' });
    const plan = yield* one(
        activity(run.context, 'planRun', {
            runId: run.runId,
            spec: run.input.spec,
            trigger: run.input.trigger,
            ...(run.input.requestedBy !== undefined ? { requestedBy: run.input.requestedBy } : {}),
            startedAt: run.startedAt.toISOString(),
            ...(run.input.retryOf ? { retryOf: run.input.retryOf } : {}),
        }),
    );
    run.plan = plan;
    if (plan.problems.length > 0)
        run.stop = { status: 'invalid', reason: `the plan has ${plan.problems.length} problems: nothing was written` };
    for (const [name, planned] of Object.entries(plan.tables)) {
        run.tables[name] = emptyTableSummary(planned.mode, {
            deleteMissing: planned.deleteMissing,
            manyToMany: (planned.relationships?.length ?? 0) > 0,
            content: planned.content === true,
        });
        run.tables[name].copy = { ...emptyCounts(), created: 0, updated: 0, cleared: 0 };
    }
    return plan;
}
