/**
 * The service's cheap row counts, as the Web API offers them (Count rows, research §1.1): the unbound function
 * RetrieveTotalRecordCount (every named table's total, from a snapshot within the last 24 hours, in one request) and a
 * `$count=true` query (exact up to 5,000 matching rows, with the annotations that say whether there are more). Both
 * read at most one row, so a plan can size any table in seconds; exact page lists stay the run's key walk.
 */
import { z } from 'zod';
import type { DataverseClient } from './client-types.js';
import { unexpectedResponse } from './errors.js';
import { buildQueryString, preferHeader } from './odata-url.js';

/** `@odata.count` stops here; past it the limit-exceeded annotation is true. */
export const COUNT_LIMIT = 5000;

const TOTAL = 'Microsoft.Dynamics.CRM.totalrecordcount';
const EXCEEDED = 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded';

const count = z.number().int().nonnegative();

const totalRecordCountResponse = z.object({
    EntityRecordCountCollection: z.object({ Keys: z.array(z.string()), Values: z.array(count) }),
});

const countedPage = z.object({
    '@odata.count': count,
    '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': z.boolean().optional(),
});

/**
 * Total rows per table (logical names) from the service's snapshot, which may be up to 24 hours old: rows written
 * since are not in it. One request for every name; the names go in a parameter alias as the documentation's sample
 * sends them. Tables the answer leaves out are absent from the map.
 */
export async function retrieveTotalRecordCounts(
    client: DataverseClient,
    logicalNames: readonly string[],
    options: { signal?: AbortSignal } = {},
): Promise<Map<string, number>> {
    if (logicalNames.length === 0) return new Map();
    const path = `RetrieveTotalRecordCount(EntityNames=@p1)?@p1=${encodeURIComponent(JSON.stringify(logicalNames))}`;
    const body = await client.get<unknown>(path, options.signal ? { signal: options.signal } : {});
    const parsed = totalRecordCountResponse.safeParse(body);
    if (!parsed.success) throw unexpectedResponse('RetrieveTotalRecordCount', parsed.error.issues, 'count response');
    const { Keys, Values } = parsed.data.EntityRecordCountCollection;
    const counts = new Map<string, number>();
    Keys.forEach((key, i) => {
        const value = Values[i];
        if (value !== undefined) counts.set(key.toLowerCase(), value);
    });
    return counts;
}

export interface FilteredCount {
    /** Rows matching the filter, at most COUNT_LIMIT. */
    count: number;
    /** More than COUNT_LIMIT rows match: `count` is only the limit. */
    limitExceeded: boolean;
}

/**
 * Rows of a table matching `filter`, exact up to 5,000: `$count=true` on a one-row page (the count ignores the page
 * size), with the annotations that tell exactly 5,000 from more. A filter the service rejects fails here as it would
 * in the run (a 400 naming the filter's fault).
 */
export async function countMatchingRows(
    client: DataverseClient,
    table: { entitySetName: string; primaryId: string },
    filter: string | undefined,
    options: { signal?: AbortSignal } = {},
): Promise<FilteredCount> {
    const query = buildQueryString(
        { select: [table.primaryId], ...(filter !== undefined ? { filter } : {}) },
        { $count: 'true' },
    );
    const prefer = preferHeader({ pageSize: 1, annotations: `${TOTAL},${EXCEEDED}` });
    const body = await client.get<unknown>(`${table.entitySetName}${query}`, {
        ...(prefer ? { headers: { Prefer: prefer } } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
    });
    const parsed = countedPage.safeParse(body);
    if (!parsed.success) throw unexpectedResponse(table.entitySetName, parsed.error.issues, 'count response');
    const counted = parsed.data['@odata.count'];
    // Without the annotation (an older service), a count at the limit may hide more rows: say so.
    const exceeded = parsed.data['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] ?? counted >= COUNT_LIMIT;
    return { count: Math.min(counted, COUNT_LIMIT), limitExceeded: exceeded };
}
