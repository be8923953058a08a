/**
 * A bulk chunk the service rolled back (sql-errors.ts). After a SQL timeout the chunk is halved and the halves are
 * sent one after the other, down to single rows: the service's advice is "reduce the batch size", and the halves add
 * no load at once. A single row that still times out after its retries, or a chunk whose deadlock outlasted its
 * retries, fails its rows with the service's message. Rolled back means nothing of it was written, so its rows may be
 * sent again as they are. Anything else is the caller's to handle.
 */
import type { WriteResult } from './client-types.js';
import type { DataverseError } from './errors.js';
import { isRolledBackWrite, isSqlTimeout } from './sql-errors.js';

/** Items of a bulk write, with the index of the first in the whole input. */
export interface Chunk<T> {
    start: number;
    items: T[];
}

/** `write(chunk)`, halving the chunk on each SQL timeout; one result per item, in order. */
export async function writeSplitting<T>(
    chunk: Chunk<T>,
    write: (chunk: Chunk<T>) => Promise<WriteResult[]>,
): Promise<WriteResult[]> {
    try {
        return await write(chunk);
    } catch (error) {
        if (isSqlTimeout(error) && chunk.items.length > 1) {
            const half = Math.ceil(chunk.items.length / 2);
            const first = await writeSplitting({ start: chunk.start, items: chunk.items.slice(0, half) }, write);
            const rest = await writeSplitting({ start: chunk.start + half, items: chunk.items.slice(half) }, write);
            return [...first, ...rest];
        }
        if (isRolledBackWrite(error)) return failedRows(chunk, error as DataverseError);
        throw error;
    }
}

function failedRows<T>(chunk: Chunk<T>, error: DataverseError): WriteResult[] {
    return chunk.items.map((_, i) => ({
        index: chunk.start + i,
        ok: false,
        status: error.status,
        ...(error.code !== undefined ? { code: error.code } : {}),
        message: error.serviceMessage,
    }));
}
