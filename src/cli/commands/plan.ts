/** `dataverse-migrate plan`: validate the spec against both environments and show the tiered plan. */
import { planSummaryJson, renderPlan } from '../../plan/summary.js';
import { preparePlan } from '../../plan/prepare.js';
import { computeSubset, subsetEstimates } from '../../copy/subset.js';
import { clientsForSpec } from '../clients.js';
import { ExitCode, type CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { requireSpec } from '../spec-input.js';

export interface PlanCommandOptions {
    spec?: string;
    json?: boolean;
    /** Walk every primary key for exact counts instead of estimating them from the service's counts. */
    exact?: boolean;
}

export async function planCommand(options: PlanCommandOptions, io: CliIo): Promise<ExitCode> {
    const { spec } = await requireSpec(options.spec, io);
    const clients = clientsForSpec(spec, io);
    const progress = createProgress(io, { json: options.json === true });
    const bars = new Map<string, ReturnType<typeof progress.task>>();
    let prepared;
    try {
        prepared = await preparePlan(spec, clients, {
            counts: options.exact === true ? 'exact' : 'estimate',
            progress: {
                keys(table, rows, done) {
                    let bar = bars.get(table);
                    if (!bar) bars.set(table, (bar = progress.task(table, { unit: 'rows' })));
                    bar.update(rows);
                    if (done) bar.done();
                },
            },
        });
    } finally {
        progress.stop();
    }
    const { plan, requests } = prepared;
    // A subset: each table's count is the rows it takes, read from the source now (ids only).
    const estimates =
        spec.subset && plan.problems.length === 0
            ? subsetEstimates(plan, await computeSubset(plan, spec.subset, clients.source))
            : prepared.estimates;
    if (options.json) {
        io.stdout(`${JSON.stringify(planSummaryJson(plan, estimates, requests), null, 2)}\n`);
    } else {
        const text = renderPlan(plan, estimates, requests);
        if (plan.problems.length > 0) io.stderr(`${text}\n`);
        else io.stdout(`${text}\n`);
    }
    return plan.problems.length > 0 ? ExitCode.BadInput : ExitCode.Success;
}
