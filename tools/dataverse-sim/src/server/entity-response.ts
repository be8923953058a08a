/** What the entity-set routes' responses share: the `@odata.context` of a `$select`, batch and Prefer headers. */
import type { Preferences } from '../odata/prefer.js';
import type { RouteContext } from './call-context.js';
import type { SimRequest } from './http-types.js';
import { JSON_CONTENT_TYPE } from './http-types.js';

/** The `$select` text as the client wrote it, for `@odata.context` (`$metadata#accounts(name,revenue)`). */
export function selectSuffix(req: SimRequest): string {
    const select = new URLSearchParams(req.url.search).get('$select');
    return select ? `(${select})` : '';
}

/** Collections inside `$batch` are answered as streamed JSON (research §0; the execute-batch doc examples). */
export function collectionType(ctx: RouteContext): Record<string, string> {
    return ctx.inBatch ? { 'Content-Type': `${JSON_CONTENT_TYPE}; odata.streaming=true` } : {};
}

/** One `Preference-Applied` header line per applied preference, as the service sends them (research §0). */
export function preferenceApplied(prefs: Preferences): Record<string, string[]> {
    return prefs.applied.length > 0 ? { 'Preference-Applied': [...prefs.applied] } : {};
}
