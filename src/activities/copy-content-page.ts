/**
 * The copyContentPage activity, per page of a table with content columns (files, images, note bodies): for every row
 * the copy phase left in the target, each content column made equal to the source's (copy/content-transfer.ts),
 * at most CONTENT_TRANSFERS transfers at once, each holding one block (at most 4 MB) at a time. A row counts written
 * when any of its content moved or was cleared, unchanged when all of it was already there; a row whose content fails
 * (a file over the target's size limit, a blocked extension: the service's code and message) is a failed row in the
 * run's error log, never the run's failure. Safe to run again: every transfer compares before it writes.
 */
import type { WriteTable } from '../dataverse/client-types.js';
import { isDataverseError, describeError } from '../dataverse/index.js';
import { contentPresence, neitherHasContent } from '../copy/content-presence.js';
import { contentRef, contentTargetIds } from '../copy/content-targets.js';
import { ContentRowError, syncContent, type ContentOutcome } from '../copy/content-transfer.js';
import { uploadColumns } from '../copy/content-upload-target.js';
import { addressIdentity } from '../copy/row-plan.js';
import type { ContentColumn, TablePlan } from '../plan/types.js';
import type { RunContext } from '../run/run-context.js';
import { contentWorkKind, readWork } from '../run/work.js';
import { eachLimited } from '../util/each-limited.js';
import type { ActivityOptions, PhasePageInput } from './contract.js';
import { runPhasePage, type PhasePageOutcome } from './phase-page.js';
import type { ContentItem } from './work-items.js';

/** Transfers at once per page: memory is about this many blocks in flight (plus their Base64 text) per page. */
export const CONTENT_TRANSFERS = 4;

function writeTable(table: TablePlan): WriteTable {
    return {
        logicalName: table.target.logicalName,
        entitySetName: table.target.entitySetName,
        primaryIdAttribute: table.target.primaryId,
    };
}

/**
 * What a note's or attachment's upload carries (copy/content-upload-target.ts): the target row's filename and
 * mimetype; an attachment's row, which its upload can only create, is deleted first and put back (without body) when
 * the upload fails. A file or image column's upload names the source file's MIME type (CommitFileBlocksUpload
 * `MimeType`), which its block download does not give: its `$value` answers it as a header.
 */
function uploadPreparer(
    ctx: RunContext,
    table: TablePlan,
    column: ContentColumn,
    ids: { source: string; target: string },
    signal?: AbortSignal,
) {
    const id = ids.target;
    if (column.kind === 'file' || column.kind === 'image')
        return {
            async prepareUpload() {
                const info = await ctx.source.columnFileInfo(table.source.entitySetName, ids.source, column.source, {
                    signal,
                });
                return info?.mimeType ? { mimeType: info.mimeType } : {};
            },
        };
    return {
        async prepareUpload() {
            const columns = await uploadColumns(ctx.target, table, column, id, { signal });
            if (!columns)
                throw new ContentRowError(
                    'ContentRowGone',
                    `the ${table.target.logicalName} row ${id} is not in the target`,
                );
            if (column.kind === 'note') return { columns };
            await ctx.target.delete(writeTable(table), id, { signal });
            return {
                columns,
                undo: async () => {
                    await ctx.target.create(writeTable(table), id, columns, { signal });
                },
            };
        },
    };
}

/** How the target's content of a column is removed: a file by DELETE of its value, an image or a body by null. */
function clearer(ctx: RunContext, table: TablePlan, column: ContentColumn, id: string, signal?: AbortSignal) {
    return async () => {
        if (column.kind === 'file')
            await ctx.target.deleteColumnValue(table.target.entitySetName, id, column.target, { signal });
        else await ctx.target.update(writeTable(table), id, { [column.target]: null }, { signal });
    };
}

export function copyContentPage(
    ctx: RunContext,
    input: PhasePageInput,
    { signal }: ActivityOptions = {},
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    const columns = table.content ?? [];
    return runPhasePage<ContentItem>(ctx, input, {
        phase: 'content',
        load: () => readWork<ContentItem>(ctx, contentWorkKind(input.kind), table.name, input.page),
        async apply(items, counts, failures) {
            counts.bytesRead = 0;
            counts.bytesWritten = 0;
            const ids = await contentTargetIds(
                ctx.target,
                table,
                items.map((i) => i.address),
                { signal },
            );
            const presence = await contentPresence(
                { source: ctx.source, target: ctx.target },
                table,
                columns,
                {
                    source: items.map((i) => i.sourceId),
                    target: items.flatMap((i) => ids.get(addressIdentity(i.address)) ?? []),
                },
                { signal },
            );
            await eachLimited(items, Math.min(CONTENT_TRANSFERS, ctx.plan.options.maxConcurrency), async (item) => {
                const targetId = ids.get(addressIdentity(item.address));
                if (!targetId) {
                    failures.add({
                        sourceId: item.sourceId,
                        status: 404,
                        code: '0x80040217',
                        message: `the row is not in the target: its content was not copied`,
                    });
                    return;
                }
                const outcomes: ContentOutcome[] = [];
                for (const column of columns) {
                    if (neitherHasContent(presence, column, item.sourceId, targetId)) {
                        outcomes.push({ action: 'unchanged', bytesRead: 0, bytesWritten: 0 });
                        continue;
                    }
                    try {
                        outcomes.push(
                            await syncContent(
                                { client: ctx.source, ref: contentRef(table, column, 'source', item.sourceId) },
                                {
                                    client: ctx.target,
                                    ref: contentRef(table, column, 'target', targetId),
                                    clear: clearer(ctx, table, column, targetId, signal),
                                    ...uploadPreparer(
                                        ctx,
                                        table,
                                        column,
                                        { source: item.sourceId, target: targetId },
                                        signal,
                                    ),
                                },
                                { signal, fileName: `${column.source}.bin` },
                            ),
                        );
                    } catch (error) {
                        if (signal?.aborted) throw error;
                        if (error instanceof ContentRowError) {
                            failures.add({
                                sourceId: item.sourceId,
                                status: 0,
                                code: error.code,
                                column: column.source,
                                message: error.message,
                            });
                            return;
                        }
                        if (!isDataverseError(error) || error.status === 0 || error.status >= 500) throw error;
                        // The service refused this row's content (too big, a blocked extension...): the row fails.
                        failures.add({
                            sourceId: item.sourceId,
                            status: error.status,
                            ...(error.code ? { code: error.code } : {}),
                            column: column.source,
                            message: error.serviceMessage ?? describeError(error),
                        });
                        return;
                    }
                }
                for (const o of outcomes) {
                    counts.bytesRead! += o.bytesRead;
                    counts.bytesWritten! += o.bytesWritten;
                }
                if (outcomes.some((o) => o.action !== 'unchanged')) counts.written++;
                else {
                    counts.skipped++;
                    counts.unchanged++;
                }
            });
        },
    });
}
