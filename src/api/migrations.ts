/**
 * /api/migrations: start a run (a spec body or a stored spec), the history newest first, one run's status, its
 * events log, its failed rows as CSV, and cancel (at the next page boundary, through the run store's cancel
 * marker, so it works the same on every host; activities in flight finish).
 */
import { z } from 'zod';
import { requestCancel } from '../run/cancel.js';
import { newRunId } from '../run/run-id.js';
import { failedRowsCsv, MAX_RUNS_LIMIT, readRunFailedRows, runPaths } from '../runlog/index.js';
import { formatPath } from '../spec/index.js';
import {
    isFinishedState,
    startRun,
    startSpecRun,
    startUnderLease,
    type SpecRunOutcome,
    type TargetBusy,
} from '../schedule/index.js';

import { specRunDeps } from './allow-list.js';
import { parseQuery, readJsonBody } from './body.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { apiBase, runLinks, specUrl } from './links.js';
import { knownRun, routeRunId, runView } from './run-view.js';
import { assertRunnable, parseSpecBody } from './spec-input.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

function accepted(request: ApiRequest, runId: string, spec: string): ApiResponse {
    const links = runLinks(request, runId);
    return {
        status: 202,
        headers: { Location: links.statusUrl, 'Retry-After': '10' },
        json: { id: runId, spec, status: 'pending', ...links },
    };
}

/** What a stored spec's start answers, when it did not start. */
function notStarted(request: ApiRequest, name: string, outcome: Exclude<SpecRunOutcome, { kind: 'started' }>): never {
    switch (outcome.kind) {
        case 'running':
        case 'already-started':
            throw new ApiError(409, 'already-running', `spec '${name}' has a run in progress: ${outcome.runId}`, {
                runId: outcome.runId,
                ...runLinks(request, outcome.runId),
            });
        case 'busy':
            throw new ApiError(409, 'busy', `spec '${name}' is being started by another request or tick: try again`);
        case 'target-busy':
            throw targetBusy(request, outcome);
        case 'not-found':
            throw notFound(`no stored spec '${name}'`);
        case 'invalid':
            throw badRequest(`the stored spec '${name}' has ${outcome.problems.length} problems`, outcome.problems);
        case 'not-allowed':
            throw new ApiError(403, 'environment-not-allowed', `environment ${outcome.url} is not on the allow-list`, {
                url: outcome.url,
            });
        case 'credentials-required':
            throw new ApiError(422, 'credentials-required', outcome.detail, {
                environments: outcome.environments,
                specUrl: specUrl(request, name),
            });
    }
}

/** 409: another run holds a table of the target (its lease); the problem names that run. */
function targetBusy(request: ApiRequest, busy: TargetBusy): ApiError {
    const { table, heldBy } = busy.conflict;
    return new ApiError(409, 'target-busy', busy.message, {
        table,
        heldBy: { ...heldBy.holder, acquiredAt: heldBy.acquiredAt, expiresAt: heldBy.expiresAt },
        ...runLinks(request, heldBy.holder.runId),
    });
}

export async function startMigration(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const body = parseSpecBody(await readJsonBody(request, deps));
    if (body.kind === 'stored') {
        const runId = newRunId(body.name, deps.now());
        const outcome = await startSpecRun(specRunDeps(deps), body.name, {
            trigger: 'http',
            runId,
            requestedBy: request.caller.name,
        });
        if (outcome.kind !== 'started') notStarted(request, body.name, outcome);
        return accepted(request, runId, body.name);
    }
    assertRunnable(deps, body.spec);
    const runId = newRunId(body.spec.name, deps.now());
    const who = request.caller.name;
    const busy = await startUnderLease(deps.store, body.spec, { runId, who }, deps.now(), () =>
        startRun(deps.runs, runId, body.document, 'http', deps.log, who),
    );
    if (busy) throw targetBusy(request, busy);
    return accepted(request, runId, body.spec.name);
}

const specNameParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: 'expected a spec name' });

const historyQuery = z.object({
    limit: z.coerce.number().int().min(1).max(MAX_RUNS_LIMIT).default(50),
    cursor: z.string().min(1).max(2048).optional(),
    spec: specNameParam.optional(),
});

export async function listMigrations(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const query = parseQuery(request, historyQuery);
    let page;
    try {
        page = await deps.store.listRuns({
            limit: query.limit,
            ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
            ...(query.spec !== undefined ? { spec: query.spec } : {}),
        });
    } catch (error) {
        // The store refuses a cursor it did not give out (or one of another spec filter).
        if (error instanceof TypeError && query.cursor !== undefined)
            throw badRequest('bad cursor', [{ path: 'query.cursor', message: error.message }]);
        throw error;
    }
    const runs = page.runs.map((run) => ({ ...run, ...runLinks(request, run.runId) }));
    let nextUrl: string | undefined;
    if (page.cursor !== undefined) {
        const next = new URL(`${apiBase(request)}/migrations`);
        next.searchParams.set('limit', String(query.limit));
        if (query.spec !== undefined) next.searchParams.set('spec', query.spec);
        next.searchParams.set('cursor', page.cursor);
        nextUrl = next.href;
    }
    return { status: 200, json: { runs, ...(page.cursor !== undefined ? { cursor: page.cursor, nextUrl } : {}) } };
}

export async function getMigration(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    return { status: 200, json: await runView(request, deps, routeRunId(request)) };
}

const logQuery = z.object({ format: z.enum(['json', 'jsonl']).default('json') });

export async function getMigrationLog(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const runId = routeRunId(request);
    const { format } = parseQuery(request, logQuery);
    const lines = await deps.store.readLines(runPaths(runId).events);
    if (lines.length === 0) await knownRun(deps, runId);
    if (format === 'jsonl')
        return {
            status: 200,
            headers: {
                'Content-Type': 'application/x-ndjson; charset=utf-8',
                'Content-Disposition': `attachment; filename="${runId}-events.jsonl"`,
            },
            text: lines.map((line) => `${line}\n`).join(''),
        };
    return { status: 200, json: { id: runId, events: lines.map((line) => JSON.parse(line) as unknown) } };
}

const errorsQuery = z.object({
    table: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, { error: 'expected a Dataverse logical name (lower case letters, digits, _)' })
        .optional(),
});

export async function getMigrationErrors(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const runId = routeRunId(request);
    const { table } = parseQuery(request, errorsQuery);
    const rows = await readRunFailedRows(deps.store, runId, table);
    if (rows.length === 0) await knownRun(deps, runId);
    return {
        status: 200,
        headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="${runId}-errors${table ? `-${table}` : ''}.csv"`,
        },
        text: failedRowsCsv(rows),
    };
}

const cancelBody = z.object({ reason: z.string().max(500).optional() }).strict();

export async function cancelMigration(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const runId = routeRunId(request);
    const raw = await readJsonBody(request, deps);
    const parsed = cancelBody.safeParse(raw ?? {});
    if (!parsed.success)
        throw badRequest(
            'the cancel request has problems',
            parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
        );
    const info = await knownRun(deps, runId);
    if (isFinishedState(info.state))
        throw new ApiError(409, 'already-finished', `run ${runId} has finished (${info.state}): nothing to cancel`, {
            status: info.state,
        });
    await requestCancel(deps.store, runId, { by: request.caller.name, reason: parsed.data.reason }, deps.now());
    return {
        status: 202,
        headers: { Location: runLinks(request, runId).statusUrl },
        json: {
            id: runId,
            status: info.state,
            cancelRequested: true,
            message: 'the run stops at the next page boundary; pages in flight finish',
            ...runLinks(request, runId),
        },
    };
}
