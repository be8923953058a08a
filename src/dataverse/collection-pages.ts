/**
 * Reading an OData collection page by page: GET the first URL, then each `@odata.nextLink` unchanged with the same
 * headers (the service requires both), every page checked with zod before anyone reads it. Shared by plain queries
 * and change-tracking reads, whose last page carries `@odata.deltaLink` instead of a nextLink.
 */
import { z } from 'zod';
import type { Row } from './client-types.js';
import { unexpectedResponse } from './errors.js';
import type { DataverseHttp } from './http.js';

/** A row is a JSON object; checked without copying it (pages hold up to 5000 rows). */
const rowSchema = z.custom<Row>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    error: 'expected every entry of "value" to be a JSON object',
});

const collectionPageSchema = z.object({
    value: z.array(rowSchema, { error: 'expected a "value" array' }),
    '@odata.nextLink': z.string().optional(),
    '@odata.deltaLink': z.string().optional(),
});

export type CollectionPage = z.output<typeof collectionPageSchema>;

export interface FollowOptions {
    headers?: Record<string, string>;
    signal?: AbortSignal;
}

/** Every page from `firstPath` on, in order; ends after the page without a nextLink. */
export async function* followNextLinks(
    http: DataverseHttp,
    firstPath: string,
    options: FollowOptions,
): AsyncIterable<CollectionPage> {
    let next: string | undefined = firstPath;
    while (next !== undefined) {
        const { body } = await http.sendJson<unknown>({
            method: 'GET',
            path: next,
            headers: options.headers,
            signal: options.signal,
        });
        const parsed = collectionPageSchema.safeParse(body);
        if (!parsed.success) {
            throw unexpectedResponse(http.urlPath(next), parsed.error.issues, 'collection response');
        }
        yield parsed.data;
        next = parsed.data['@odata.nextLink'];
    }
}
