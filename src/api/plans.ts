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
import type { MigrationSpec } from '../spec/index.js';
import { parseQuery, readJsonBody } from './body.js';
import { notFound } from './errors.js';
import { assertRunnable, checkSpecDocument, parseSpecBody } from './spec-input.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

export const plansQuery = z.object({ diff: z.enum(['true', 'false']).optional() });

export async function createPlan(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const { diff } = parseQuery(request, plansQuery);
    const body = parseSpecBody(await readJsonBody(request, deps));
    let spec;
    if (body.kind === 'stored') spec = await storedSpec(deps, body.name);
    else spec = body.spec;
    const document = await planDocument(deps, spec, diff === 'true');
    return { status: document.problems.length === 0 ? 200 : 422, json: document };
}

/** A stored spec, validated as a run would validate it (404 when there is none). */
export async function storedSpec(deps: ApiDeps, name: string): Promise<MigrationSpec> {
    const stored = await deps.specs.get(name);
    if (stored === undefined) throw notFound(`no stored spec '${name}'`);
    return checkSpecDocument(stored.spec).spec;
}

/** The plan of a spec (and with `diff`, the dry run) as the API answers it; the dashboard shows the same. */
export async function planDocument(deps: ApiDeps, spec: MigrationSpec, diff: boolean) {
    assertRunnable(deps, spec);
    const clients = deps.connect(spec);
    // Estimates from the service's cheap counts: a request must answer in seconds on any size of table.
    const { plan, estimates, requests } = await preparePlan(spec, clients, { counts: 'estimate' });
    const valid = plan.problems.length === 0;
    // The columns runs found the target rewriting are left out, as a run leaves them out.
    const changes =
        diff && valid
            ? await dryRun(spec, clients, {
                  samples: 5,
                  noticed: await readPlatformOwned(deps.store, spec.target.url),
              })
            : undefined;
    return {
        spec: spec.name,
        source: plan.sourceUrl,
        target: plan.targetUrl,
        ...planSummaryJson(plan, estimates, requests),
        ...(changes ? { diff: { tables: changes.tables, manyToMany: changes.manyToMany, stops: changes.stops } } : {}),
    };
}
