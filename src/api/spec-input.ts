/**
 * A spec in a request body: either the spec document itself or `{ "spec": "<stored name>" }`. A document is
 * validated in full (every problem with its path) and scanned for values that look like secrets: a spec names
 * the setting that holds a secret, and what a run is given is kept in its run folder.
 */
import { CredentialProblemsError } from '../environments/index.js';
import { redactSecrets } from '../dataverse/errors.js';
import { formatPath, validateSpec, type InputProblem, type MigrationSpec } from '../spec/index.js';
import { segment } from '../runlog/layout.js';
import { assertAllowed } from './allow-list.js';
import { badRequest } from './errors.js';
import type { ApiDeps } from './types.js';

export type SpecBody =
    { kind: 'stored'; name: string } | { kind: 'inline'; document: Record<string, unknown>; spec: MigrationSpec };

/** Key=value pairs of connection strings that carry a key or signature. */
const KEY_PAIR = /\b(AccountKey|SharedAccessKey|SharedAccessSignature)=/i;

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string value that looks like a token, a key or a signature, with its path. */
export function secretProblems(document: unknown, path: PropertyKey[] = []): InputProblem[] {
    if (typeof document === 'string') {
        if (redactSecrets(document) === document && !KEY_PAIR.test(document)) return [];
        return [
            {
                path: formatPath(path),
                message:
                    'looks like a secret (a token, key or signature): a spec names the app setting that holds a secret, never the secret itself',
            },
        ];
    }
    if (Array.isArray(document)) return document.flatMap((item, i) => secretProblems(item, [...path, i]));
    if (isRecord(document)) return Object.entries(document).flatMap(([k, v]) => secretProblems(v, [...path, k]));
    return [];
}

export type SpecDocumentResult =
    { ok: true; document: Record<string, unknown>; spec: MigrationSpec } | { ok: false; problems: InputProblem[] };

/** A spec document to keep or run: valid and holding no secret (and without `extra` problems), or every problem. */
export function specDocumentProblems(document: unknown, extra: readonly InputProblem[] = []): SpecDocumentResult {
    const validated = validateSpec(document);
    const problems = [...(validated.ok ? [] : validated.problems), ...secretProblems(document), ...extra];
    if (!validated.ok || problems.length > 0 || !isRecord(document)) return { ok: false, problems };
    return { ok: true, document, spec: validated.spec };
}

/** A spec document: valid, holding no secret (and with `extra` problems none), else 400 with every problem. */
export function checkSpecDocument(
    document: unknown,
    extra: readonly InputProblem[] = [],
): { document: Record<string, unknown>; spec: MigrationSpec } {
    const checked = specDocumentProblems(document, extra);
    if (checked.ok) return { document: checked.document, spec: checked.spec };
    const count = checked.problems.length;
    throw badRequest(`the spec has ${count} problem${count === 1 ? '' : 's'}`, checked.problems);
}

export function checkSpecName(name: string | undefined, where: string): string {
    try {
        return segment(name ?? '', 'spec name');
    } catch {
        throw badRequest('bad spec name', [
            { path: where, message: `'${name ?? ''}' is not a spec name (letters, digits, ., _ or -)` },
        ]);
    }
}

/** The body of POST /api/migrations and POST /api/plans. */
export function parseSpecBody(body: unknown): SpecBody {
    if (body === undefined)
        throw badRequest('the request has no body', [
            { path: '', message: 'send a spec (JSON), or {"spec": "<stored spec name>"} to use a stored spec' },
        ]);
    if (isRecord(body) && 'spec' in body) {
        const extra = Object.keys(body).filter((k) => k !== 'spec');
        const problems: InputProblem[] = extra.map((key) => ({
            path: formatPath([key]),
            message: `unknown key '${key}': a stored-spec request has only "spec"`,
        }));
        if (typeof body.spec !== 'string')
            problems.push({ path: 'spec', message: 'expected the name of a stored spec (a string)' });
        if (problems.length > 0) throw badRequest('the request has problems', problems);
        return { kind: 'stored', name: checkSpecName(body.spec as string, 'spec') };
    }
    return { kind: 'inline', ...checkSpecDocument(body) };
}

/** An inline spec that may run: on the allow-list (403) and with every credential setting it names (400). */
export function assertRunnable(deps: ApiDeps, spec: MigrationSpec): void {
    assertAllowed(deps.env, spec);
    try {
        deps.connect(spec);
    } catch (error) {
        if (error instanceof CredentialProblemsError)
            throw badRequest('the spec names credential settings that are not usable', error.problems);
        throw error;
    }
}
