/**
 * The columns a note's or an e-mail attachment's block upload carries in its `Target`, read from the target row the
 * copy phase wrote (its values already mapped, its lookups already rebound). The block download gives the file name
 * but no MIME type (InitializeAnnotationBlocksDownload / InitializeAttachmentBlocksDownload answer FileName and
 * FileSizeInBytes only, attachment-annotation-files.md), so the upload names the target row's own `filename` and
 * `mimetype`, which the copy phase wrote as ordinary columns. An attachment's upload carries every copied column: its
 * block messages "can only be used to create a new attachment. If you try to update an existing attachment with these
 * messages you will get an error that the record already exists" (same page), so its row is created anew by the upload.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import type { ColumnMapping, ContentColumn, TablePlan } from '../plan/types.js';
import { filterBudget, idFilters } from './addressing.js';
import { actualLookup } from './lookups.js';
import { readFiltered, type ReadOptions } from './page-read.js';
import { isPlatformOwned, targetSelect } from './row-plan.js';
import { ContentRowError } from './content-transfer.js';

/** The navigation property and entity set a lookup value pointing to `table` is bound through in the target. */
function bindingOf(column: ColumnMapping, table: string): { navigation: string; entitySet: string } | undefined {
    for (const t of column.lookup?.targets ?? []) {
        const b = t.binding;
        if (b.kind === 'unresolved' || !t.navigationProperty) continue;
        const targetTable = 'targetTable' in b ? b.targetTable : b.table;
        if (targetTable === table) return { navigation: t.navigationProperty, entitySet: b.targetEntitySet };
    }
    return undefined;
}

/** A target row's copied columns as a write payload: plain values as read, lookups as `@odata.bind`. */
export function rowAsTarget(table: TablePlan, row: Row): Row {
    const out: Row = {};
    for (const column of table.columns) {
        if (isPlatformOwned(table, column)) continue;
        if (column.kind !== 'lookup') {
            if (row[column.target] !== undefined && row[column.target] !== null)
                out[column.target] = row[column.target];
            continue;
        }
        const value = actualLookup(row, column.target);
        if (!value) continue;
        const binding = value.table ? bindingOf(column, value.table) : undefined;
        if (!binding)
            throw new ContentRowError(
                'ContentUnbindable',
                `'${table.name}.${column.target}' points to a ${value.table ?? 'table'} row the run cannot bind again (${value.id}): the attachment's body cannot be uploaded`,
            );
        out[`${binding.navigation}@odata.bind`] = `/${binding.entitySet}(${value.id})`;
    }
    return out;
}

/** What the upload's Target carries besides the row's id, read from the target row; undefined when it is gone. */
export async function uploadColumns(
    client: DataverseClient,
    table: TablePlan,
    column: ContentColumn,
    targetId: string,
    options: ReadOptions,
): Promise<Row | undefined> {
    const { primaryId, entitySetName } = table.target;
    const select = column.kind === 'attachment' ? targetSelect(table) : [primaryId, 'filename', 'mimetype'];
    const [row] = await readFiltered(
        client,
        entitySetName,
        select,
        idFilters(primaryId, [targetId], filterBudget(select)),
        options,
    );
    if (!row) return undefined;
    if (column.kind === 'attachment') return rowAsTarget(table, row);
    const out: Row = {};
    for (const name of ['filename', 'mimetype'])
        if (typeof row[name] === 'string' && row[name] !== '') out[name] = row[name];
    return out;
}
