/**
 * Pages of a table as primary-key ranges `(lo, hi]`, found by walking only the primary keys in the
 * server's order. GUIDs are never compared here: Dataverse orders `uniqueidentifier` as SQL Server
 * does (last six bytes first), and the only order that matches its `gt`/`le` is the one it returns.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { isGuid } from '../dataverse/odata-url.js';

/** `(lo, hi]` over the server's key order; `lo` null = from the first row, `hi` null = to the last. */
export interface KeyRange {
    lo: string | null;
    hi: string | null;
}

export interface PageBoundaries {
    /** Consecutive ranges covering every key; the last is open-ended so rows added during a run are not missed. */
    ranges: KeyRange[];
    /** Rows matching the filter when the keys were walked. */
    rowCount: number;
}

/** Most keys one request returns (Prefer: odata.maxpagesize). */
export const KEY_WALK_PAGE_SIZE = 5000;

/**
 * Walks `$select=<pk>&$orderby=<pk> asc` (with the user filter, so counts match what is copied) and
 * keeps every `pageSize`-th key as a boundary. Memory stays flat: only boundaries are kept.
 */
export async function pageBoundaries(
    client: DataverseClient,
    table: { entitySetName: string; primaryId: string },
    pageSize: number,
    filter?: string,
    options: { signal?: AbortSignal } = {},
): Promise<PageBoundaries> {
    const { ranges, rowCount } = await keyChunk(client, table, pageSize, {
        ...(filter !== undefined ? { filter } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ranges, rowCount };
}

export interface KeyChunk extends PageBoundaries {
    /** The last boundary when more keys follow (the next chunk starts after it); null at the end. */
    next: string | null;
}

export interface KeyChunkOptions {
    filter?: string;
    /** Start after this key (exclusive); null or absent: from the first row. */
    after?: string | null;
    /** At most this many pages; absent: to the end. */
    maxPages?: number;
    signal?: AbortSignal;
}

/**
 * A part of the key walk: up to `maxPages` pages of keys after `after`, so copying can start on the
 * first pages of a large table while the rest of its keys are still being walked. The chunk that
 * reaches the end ends with the open-ended range, like a whole walk; a chunk that stops short ends on
 * its last boundary and names it as `next`.
 */
export async function keyChunk(
    client: DataverseClient,
    table: { entitySetName: string; primaryId: string },
    pageSize: number,
    options: KeyChunkOptions = {},
): Promise<KeyChunk> {
    if (!Number.isInteger(pageSize) || pageSize < 1)
        throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
    const maxPages = options.maxPages ?? Infinity;
    if (!(maxPages >= 1)) throw new RangeError(`maxPages must be at least 1, got ${maxPages}`);
    const pk = table.primaryId;
    const after = options.after ?? null;
    if (after !== null && !isGuid(after)) throw new TypeError(`'${after}' is not a GUID to walk ${pk} after`);
    const parts = [...(after !== null ? [`${pk} gt ${after}`] : []), ...(options.filter ? [options.filter] : [])];
    const filter = parts.length <= 1 ? parts[0] : parts.map((p) => `(${p})`).join(' and ');
    const limit = maxPages * pageSize;
    const boundaries: string[] = [];
    let rowCount = 0;
    let lastKey: string | undefined;
    let more = false;
    const pages = client.queryPages(
        table.entitySetName,
        { select: [pk], orderBy: `${pk} asc`, ...(filter !== undefined ? { filter } : {}) },
        { pageSize: KEY_WALK_PAGE_SIZE, ...(options.signal ? { signal: options.signal } : {}) },
    );
    walk: for await (const rows of pages) {
        for (const row of rows) {
            const key = row[pk];
            if (typeof key !== 'string' || key === '') {
                throw new Error(`${table.entitySetName}: a row without its primary key '${pk}' in the key walk`);
            }
            if (rowCount === limit) {
                more = true;
                break walk; // stops reading: the next chunk walks on from here
            }
            rowCount++;
            lastKey = key;
            if (rowCount % pageSize === 0) boundaries.push(key);
        }
    }
    const ranges: KeyRange[] = [];
    let lo: string | null = after;
    if (more) {
        for (const hi of boundaries) {
            ranges.push({ lo, hi });
            lo = hi;
        }
        return { ranges, rowCount, next: lo };
    }
    // A boundary on the very last row would only add an empty page before the open-ended one.
    if (boundaries.length > 0 && boundaries[boundaries.length - 1] === lastKey) boundaries.pop();
    for (const hi of boundaries) {
        ranges.push({ lo, hi });
        lo = hi;
    }
    ranges.push({ lo, hi: null });
    return { ranges, rowCount, next: null };
}

/** `(pk gt lo and pk le hi) and (userFilter)`; GUID literals unquoted, as OData v4 writes them. */
export function pageFilter(range: KeyRange, pk: string, userFilter?: string): string | undefined {
    for (const key of [range.lo, range.hi]) {
        if (key !== null && !isGuid(key)) throw new Error(`page boundary '${key}' of ${pk} is not a GUID`);
    }
    const bounds: string[] = [];
    if (range.lo !== null) bounds.push(`${pk} gt ${range.lo}`);
    if (range.hi !== null) bounds.push(`${pk} le ${range.hi}`);
    const parts = [...(bounds.length > 0 ? [bounds.join(' and ')] : []), ...(userFilter ? [userFilter] : [])];
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' and ');
}
