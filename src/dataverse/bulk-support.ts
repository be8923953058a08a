/**
 * Whether a table takes a bulk message, asked once instead of learnt from a failed chunk: the query "Use bulk operation
 * messages" documents (Availability with standard tables, Web API):
 * `sdkmessagefilters?$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq
 * @table&@message='CreateMultiple'&@table='sample_example'`: one row when the table supports the message, an empty
 * value otherwise.
 */
import type { DataverseClient } from './client-types.js';
import { odataString } from './odata-url.js';

/** The bulk messages the copy engine writes with. */
export const BULK_WRITE_MESSAGES = ['UpsertMultiple', 'UpdateMultiple'] as const;
export type BulkWriteMessage = (typeof BULK_WRITE_MESSAGES)[number];
export type BulkSupport = Record<BulkWriteMessage, boolean>;

export async function bulkMessageAvailable(
    client: DataverseClient,
    table: string,
    message: string,
    options: { signal?: AbortSignal } = {},
): Promise<boolean> {
    const query =
        'sdkmessagefilters?$select=sdkmessagefilterid' +
        '&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq @table' +
        `&@message=${encodeURIComponent(odataString(message))}&@table=${encodeURIComponent(odataString(table))}`;
    const body = await client.get<{ value?: unknown[] }>(query, options);
    return (body.value?.length ?? 0) > 0;
}

/** Which of the engine's bulk messages a table takes (one request per message, at once). */
export async function bulkSupport(
    client: DataverseClient,
    table: string,
    options: { signal?: AbortSignal } = {},
): Promise<BulkSupport> {
    const answers = await Promise.all(BULK_WRITE_MESSAGES.map((m) => bulkMessageAvailable(client, table, m, options)));
    return { UpsertMultiple: answers[0]!, UpdateMultiple: answers[1]! };
}
