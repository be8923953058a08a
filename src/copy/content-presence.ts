/**
 * Which rows of a page hold content, read from the rows themselves, so that a row with no content on either side
 * costs no content request: a file column reads as its file id, null without a file (file-column-data.md "Retrieve
 * file column data": `"sample_filecolumn": "<file id>"`); an image column as its thumbnail, null without an image
 * ("retrieved with the row as a thumbnail only", files-images-overview.md); a note's or e-mail attachment's
 * `filesize` is null or 0 without a file. One read per side and id chunk for every content column of the table,
 * instead of two requests per row and column.
 */
import type { ContentColumn, TablePlan } from '../plan/types.js';
import { filterBudget, idFilters } from './addressing.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import type { DataverseClient, Row } from '../dataverse/client-types.js';

/** Per column (source logical name), the lower-case ids of each side that hold content. */
export type ContentPresence = Map<string, { source: Set<string>; target: Set<string> }>;

/** The row property that tells whether a column holds content. */
export function indicatorOf(column: ContentColumn, side: 'source' | 'target'): string {
    if (column.kind === 'note' || column.kind === 'attachment') return 'filesize';
    return side === 'source' ? column.source : column.target;
}

/** True when a row's indicator says it holds content (a file id, a thumbnail, a non-zero size). */
export function holdsContent(row: Row, indicator: string): boolean {
    const value = row[indicator];
    return value !== null && value !== undefined && value !== '' && value !== 0;
}

async function readIndicators(
    client: DataverseClient,
    endpoint: TablePlan['source'],
    indicators: readonly string[],
    ids: readonly string[],
    options: ReadOptions,
): Promise<Row[]> {
    if (ids.length === 0) return [];
    const select = [endpoint.primaryId, ...new Set(indicators)];
    return readFiltered(
        client,
        endpoint.entitySetName,
        select,
        idFilters(endpoint.primaryId, ids, filterBudget(select)),
        options,
    );
}

function idsHolding(rows: readonly Row[], primaryId: string, indicator: string): Set<string> {
    const present = new Set<string>();
    for (const row of rows) if (holdsContent(row, indicator)) present.add(String(row[primaryId]).toLowerCase());
    return present;
}

/** What the rows of both sides say about each content column: one read per side for all of them. */
export async function contentPresence(
    clients: { source: DataverseClient; target: DataverseClient },
    table: TablePlan,
    columns: readonly ContentColumn[],
    ids: { source: readonly string[]; target: readonly string[] },
    options: ReadOptions,
): Promise<ContentPresence> {
    const presence: ContentPresence = new Map();
    if (columns.length === 0) return presence;
    const [sourceRows, targetRows] = await Promise.all([
        readIndicators(
            clients.source,
            table.source,
            columns.map((c) => indicatorOf(c, 'source')),
            ids.source,
            options,
        ),
        readIndicators(
            clients.target,
            table.target,
            columns.map((c) => indicatorOf(c, 'target')),
            ids.target,
            options,
        ),
    ]);
    for (const column of columns)
        presence.set(column.source, {
            source: idsHolding(sourceRows, table.source.primaryId, indicatorOf(column, 'source')),
            target: idsHolding(targetRows, table.target.primaryId, indicatorOf(column, 'target')),
        });
    return presence;
}

/** True when the rows say neither side of this row holds content in this column: nothing to compare or copy. */
export function neitherHasContent(
    presence: ContentPresence,
    column: ContentColumn,
    sourceId: string,
    targetId: string,
): boolean {
    const known = presence.get(column.source);
    return (
        known !== undefined && !known.source.has(sourceId.toLowerCase()) && !known.target.has(targetId.toLowerCase())
    );
}
