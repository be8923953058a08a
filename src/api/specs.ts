/**
 * /api/specs: stored specs, each with its schedule, its next occurrence, its last run and its status. A put is
 * validated like a run's spec (every problem at once, no secret, environments on the allow-list) and may carry
 * If-Match with the ETag of a read; responses carry the ETag.
 */
import { deleteStoredSpec, describeStoredSpec, putStoredSpec } from '../schedule/index.js';
import { SpecStoreError, type StoredSpec } from '../specstore/index.js';
import { assertAllowed } from './allow-list.js';
import { readJsonBody } from './body.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { runLinks, specUrl } from './links.js';
import { checkSpecDocument, checkSpecName } from './spec-input.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

async function specView(request: ApiRequest, deps: ApiDeps, stored: StoredSpec, withDocument: boolean) {
    const view = await describeStoredSpec(deps, deps.specs, stored, deps.now());
    const { updatedAt, etag, ...rest } = view;
    return {
        ...rest,
        ...(view.lastRunId !== undefined ? { lastRun: runLinks(request, view.lastRunId).statusUrl } : {}),
        updatedAt,
        etag,
        url: specUrl(request, stored.name),
        ...(withDocument ? { spec: stored.spec } : {}),
    };
}

/** Both spec stores give ETags quoted, as HTTP headers carry them. */
const quoted = (etag: string) => (etag.startsWith('"') ? etag : `"${etag}"`);

/** An ETag as a client sends it back (weak, unquoted or quoted) in the form the spec stores compare. */
export function specEtag(given: string): string {
    return quoted(given.trim().replace(/^W\//, ''));
}

function ifMatchOf(request: ApiRequest): { ifMatch?: string } {
    const header = request.headers.get('if-match');
    return header === null ? {} : { ifMatch: specEtag(header) };
}

function storeError(error: unknown, name: string): never {
    if (error instanceof SpecStoreError && error.code === 'conflict')
        throw new ApiError(412, 'precondition-failed', `spec '${name}' changed since it was read: read it again`);
    if (error instanceof SpecStoreError && error.code === 'not-found') throw notFound(`no stored spec '${name}'`);
    throw error;
}

export async function putSpec(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const name = checkSpecName(request.params.name, 'name');
    const body = await readJsonBody(request, deps);
    if (body === undefined)
        throw badRequest('the request has no body', [{ path: '', message: 'send the spec (JSON)' }]);
    const given = typeof body === 'object' && body !== null ? (body as { name?: unknown }).name : undefined;
    const mismatch =
        typeof given === 'string' && given !== name
            ? [{ path: 'name', message: `the spec is named '${given}' but is put as '${name}'` }]
            : [];
    const { document, spec } = checkSpecDocument(body, mismatch);
    assertAllowed(deps.env, spec);
    let put;
    try {
        put = await putStoredSpec(deps.specs, name, document, spec, ifMatchOf(request));
    } catch (error) {
        storeError(error, name);
    }
    const { stored, created } = put;
    return {
        status: created ? 201 : 200,
        headers: { ETag: quoted(stored.etag), ...(created ? { Location: specUrl(request, name) } : {}) },
        json: await specView(request, deps, stored, false),
    };
}

export async function getSpec(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const name = checkSpecName(request.params.name, 'name');
    const stored = await deps.specs.get(name);
    if (stored === undefined) throw notFound(`no stored spec '${name}'`);
    return { status: 200, headers: { ETag: quoted(stored.etag) }, json: await specView(request, deps, stored, true) };
}

export async function listSpecs(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const stored = await deps.specs.list();
    const specs = await Promise.all(stored.map((s) => specView(request, deps, s, false)));
    return { status: 200, json: { specs } };
}

/** 204; 409 while the spec's run is pending or in progress (the run would lose its spec and the spec its history). */
export async function deleteSpec(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    const name = checkSpecName(request.params.name, 'name');
    let outcome;
    try {
        outcome = await deleteStoredSpec(deps, deps.specs, name, ifMatchOf(request));
    } catch (error) {
        storeError(error, name);
    }
    switch (outcome.kind) {
        case 'deleted':
            return { status: 204 };
        case 'not-found':
            throw notFound(`no stored spec '${name}'`);
        case 'running':
            throw new ApiError(
                409,
                'run-in-progress',
                `spec '${name}' has a run in progress (${outcome.runId}): cancel it or wait for it to finish, then delete the spec`,
                { runId: outcome.runId, ...runLinks(request, outcome.runId) },
            );
        case 'busy':
            throw new ApiError(409, 'busy', `spec '${name}' is being started by another request or tick: try again`);
    }
}
