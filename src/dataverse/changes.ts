/**
 * Change-tracking reads (research dataverse-webapi.md §6, anchors-2.md §6.5). The initial read is the collection
 * with `Prefer: odata.track-changes`: every row, page by page, and the deltaLink on the last page. A later read GETs
 * that deltaLink (with the same page size preference) and follows nextLinks until the new deltaLink: changed rows
 * as plain rows, deleted rows as `$deletedEntity` entries that carry only the id. The deltaLink is kept opaque.
 */
import type { ChangePage, ReadChangesOptions, Row } from './client-types.js';
import { followNextLinks } from './collection-pages.js';
import { DataverseError } from './errors.js';
import type { DataverseHttp } from './http.js';
import { buildQueryString, preferHeader } from './odata-url.js';

export async function* readChangePages(
    http: DataverseHttp,
    entitySetName: string,
    query: { select: string[] },
    options: ReadChangesOptions = {},
): AsyncIterable<ChangePage> {
    const { deltaLink } = options;
    if (deltaLink !== undefined && !/[?&]\$deltatoken=/i.test(deltaLink)) {
        throw new TypeError(`the deltaLink '${deltaLink}' has no $deltatoken: pass the @odata.deltaLink as it came`);
    }
    const prefer = preferHeader({
        // The delta request itself needs no track-changes preference: its token says what to track.
        trackChanges: deltaLink === undefined,
        pageSize: options.pageSize,
        annotations: options.annotations,
    });
    const first = deltaLink ?? `${entitySetName}${buildQueryString({ select: query.select })}`;
    const path = http.urlPath(first);
    const headers = prefer ? { Prefer: prefer } : undefined;
    for await (const page of followNextLinks(http, first, { headers, signal: options.signal })) {
        const change: ChangePage = splitEntries(page.value, path);
        const next = page['@odata.deltaLink'];
        if (next !== undefined) change.deltaLink = next;
        else if (page['@odata.nextLink'] === undefined) {
            throw new DataverseError({
                kind: 'protocol',
                status: 200,
                method: 'GET',
                path,
                message: `the last page has no @odata.deltaLink: is change tracking enabled for ${entitySetName}?`,
            });
        }
        yield change;
    }
}

/** Rows apart from `$deletedEntity` entries (`{"@odata.context": "...$deletedEntity", "id": ..., "reason": ...}`). */
function splitEntries(entries: Row[], path: string): ChangePage {
    const rows: Row[] = [];
    const deleted: string[] = [];
    for (const entry of entries) {
        const context = entry['@odata.context'];
        if (typeof context !== 'string' || !context.endsWith('$deletedEntity')) {
            rows.push(entry);
            continue;
        }
        if (typeof entry.id !== 'string') {
            throw new DataverseError({
                kind: 'protocol',
                status: 200,
                method: 'GET',
                path,
                message: 'a $deletedEntity entry has no "id"',
            });
        }
        deleted.push(entry.id);
    }
    return { rows, deleted };
}
