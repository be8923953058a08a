/**
 * POST /api/plans: the dry run. The spec (a body or a stored spec) is planned against both environments, as
 * `dataverse-migrate plan --json` does: tiers with row and page estimates, deferred lookups, many-to-many,
 * deletes, warnings and problems. Nothing is written anywhere. 200 when the plan is valid, 422 with the same
 * document when it has problems.
 */
import { preparePlan } from '../plan/prepare.js';
import { planSummaryJson } from '../plan/summary.js';
import { readJsonBody } from './body.js';
import { notFound } from './errors.js';
import { assertRunnable, checkSpecDocument, parseSpecBody } from './spec-input.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

export async function createPlan(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const body = parseSpecBody(await readJsonBody(request, deps));
    let spec;
    if (body.kind === 'stored') {
        const stored = await deps.specs.get(body.name);
        if (stored === undefined) throw notFound(`no stored spec '${body.name}'`);
        spec = checkSpecDocument(stored.spec).spec;
    } else spec = body.spec;
    assertRunnable(deps, spec);
    const { plan, estimates } = await preparePlan(spec, deps.connect(spec));
    const summary = planSummaryJson(plan);
    const tiers = summary.tiers.map((tier) => ({
        tables: tier.tables.map((t) => ({ ...t, ...(estimates[t.name] ?? {}) })),
    }));
    return {
        status: plan.problems.length > 0 ? 422 : 200,
        json: { spec: spec.name, source: plan.sourceUrl, target: plan.targetUrl, ...summary, tiers },
    };
}
