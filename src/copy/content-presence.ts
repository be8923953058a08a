/**
 * Which rows of a page hold content, read from the rows themselves, so that a row with no content on either side
 * costs no content request: an image column reads as its thumbnail (null when the row has no image: "retrieved with
 * the row as a thumbnail only", files-images-overview.md), a note's `filesize` is null or 0 without a document. A
 * file column reads as its file id on the service but has no property in the simulator, so its presence is unknown
 * and every row is asked. One read per side, column kind and id chunk, instead of two requests per row and column.
 */
import type { ContentColumn, TablePlan } from '../plan/types.js';
import { filterBudget, idFilters } from './addressing.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import type { DataverseClient } from '../dataverse/client-types.js';

/** Per column (source logical name), the lower-case ids of each side that hold content; absent: not known. */
export type ContentPresence = Map<string, { source: Set<string>; target: Set<string> }>;

/** The row property that tells whether a column holds content, or undefined when the row cannot tell. */
function indicatorOf(column: ContentColumn, side: 'source' | 'target'): string | undefined {
    if (column.kind === 'image') return side === 'source' ? column.source : column.target;
    if (column.kind === 'note') return 'filesize';
    return undefined;
}

async function idsWithContent(
    client: DataverseClient,
    entitySet: string,
    primaryId: string,
    indicator: string,
    ids: readonly string[],
    options: ReadOptions,
): Promise<Set<string>> {
    const select = [primaryId, indicator];
    const rows = await readFiltered(
        client,
        entitySet,
        select,
        idFilters(primaryId, ids, filterBudget(select)),
        options,
    );
    const present = new Set<string>();
    for (const row of rows) {
        const value = row[indicator];
        if (value !== null && value !== undefined && value !== '' && value !== 0)
            present.add(String(row[primaryId]).toLowerCase());
    }
    return present;
}

/** What the rows of both sides say about each column's content, for the columns whose rows can say it. */
export async function contentPresence(
    clients: { source: DataverseClient; target: DataverseClient },
    table: TablePlan,
    columns: readonly ContentColumn[],
    ids: { source: readonly string[]; target: readonly string[] },
    options: ReadOptions,
): Promise<ContentPresence> {
    const presence: ContentPresence = new Map();
    await Promise.all(
        columns.map(async (column) => {
            const sourceIndicator = indicatorOf(column, 'source');
            const targetIndicator = indicatorOf(column, 'target');
            if (!sourceIndicator || !targetIndicator) return;
            const [source, target] = await Promise.all([
                ids.source.length === 0
                    ? new Set<string>()
                    : idsWithContent(
                          clients.source,
                          table.source.entitySetName,
                          table.source.primaryId,
                          sourceIndicator,
                          ids.source,
                          options,
                      ),
                ids.target.length === 0
                    ? new Set<string>()
                    : idsWithContent(
                          clients.target,
                          table.target.entitySetName,
                          table.target.primaryId,
                          targetIndicator,
                          ids.target,
                          options,
                      ),
            ]);
            presence.set(column.source, { source, target });
        }),
    );
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
