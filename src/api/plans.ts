/**
 * POST /api/plans: the plan of a spec (a body or a stored spec) against both environments, as
 * `dataverse-migrate plan --json` makes it: tiers with row and page estimates (from the service's
 * counts, never a key walk), deferred lookups, many-to-many,
 * deletes, warnings and problems. With `?diff=true`, also the dry run of `run --dry-run`: both sides read,
 * and per table what a run would create, update, delete and fail, and whether a threshold would stop it.
 * Nothing is written anywhere. 200 when the plan is valid, 422 with the same document when it has problems.
 */
import { z } from 'zod';
import { preparePlan } from '../plan/prepare.js';
import { planSummaryJson } from '../plan/summary.js';
import { dryRun } from '../verify/dry-run.js';
import { readPlatformOwned } from '../run/platform-owned.js';
import { parseQuery, readJsonBody } from './body.js';
import { notFound } from './errors.js';
import { assertRunnable, checkSpecDocument, parseSpecBody } from './spec-input.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

const plansQuery = z.object({ diff: z.enum(['true', 'false']).optional() });

export async function createPlan(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const { diff } = parseQuery(request, plansQuery);
    const body = parseSpecBody(await readJsonBody(request, deps));
    let spec;
    if (body.kind === 'stored') {
        const stored = await deps.specs.get(body.name);
        if (stored === undefined) throw notFound(`no stored spec '${body.name}'`);
        spec = checkSpecDocument(stored.spec).spec;
    } else spec = body.spec;
    assertRunnable(deps, spec);
    const clients = deps.connect(spec);
    // Estimates from the service's cheap counts: a request must answer in seconds on any size of table.
    const { plan, estimates } = await preparePlan(spec, clients, { counts: 'estimate' });
    const valid = plan.problems.length === 0;
    // The columns runs found the target rewriting are left out, as a run leaves them out.
    const changes =
        diff === 'true' && valid
            ? await dryRun(spec, clients, {
                  samples: 5,
                  noticed: await readPlatformOwned(deps.store, spec.target.url),
              })
            : undefined;
    return {
        status: valid ? 200 : 422,
        json: {
            spec: spec.name,
            source: plan.sourceUrl,
            target: plan.targetUrl,
            ...planSummaryJson(plan, estimates),
            ...(changes
                ? { diff: { tables: changes.tables, manyToMany: changes.manyToMany, stops: changes.stops } }
                : {}),
        },
    };
}
