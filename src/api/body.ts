/**
 * Request bodies: refused past MAX_REQUEST_BODY_BYTES (413, before reading when Content-Length says so), then
 * parsed as JSON with the line and column of a syntax error. Query strings: parsed with a zod schema, every
 * problem listed with its parameter (`query.limit`). Unknown parameters are ignored: `code` carries the function
 * key in Azure.
 */
import type { z } from 'zod';
import { readSetting } from '../settings/index.js';
import { formatPath } from '../spec/index.js';
import { badRequest, PayloadTooLargeError } from './errors.js';
import type { ApiDeps, ApiRequest } from './types.js';

function lineColumn(text: string, offset: number): string {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** The body as JSON; undefined when the request has no body at all. */
export async function readJsonBody(request: ApiRequest, deps: ApiDeps): Promise<unknown> {
    const limit = readSetting(deps.env, 'MAX_REQUEST_BODY_BYTES');
    const declared = Number(request.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
    const text = (await request.readBody(limit)).replace(/^\uFEFF/, '');
    if (text.trim() === '') return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const position = /position (\d+)/.exec(message);
        const at = position ? ` at ${lineColumn(text, Number(position[1]))}` : '';
        // V8 quotes the text around the error in some messages: keep only the reason, which never holds the body.
        const reason = message.split(/, "|, \.\.\.| in JSON at /)[0]?.slice(0, 80) ?? '';
        throw badRequest('the request body is not valid JSON', [
            { path: '', message: `the body is not valid JSON${at}: ${reason}` },
        ]);
    }
}

export function parseQuery<S extends z.ZodType>(request: ApiRequest, schema: S): z.output<S> {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const result = schema.safeParse(query);
    if (result.success) return result.data;
    throw badRequest(
        'the query string has problems',
        result.error.issues.map((issue) => ({ path: formatPath(['query', ...issue.path]), message: issue.message })),
    );
}
