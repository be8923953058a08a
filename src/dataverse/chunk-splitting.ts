/**
 * A bulk chunk the service rolled back (sql-errors.ts). After a SQL timeout the chunk is halved and the halves are
 * sent one after the other, down to single rows: the service's advice is "reduce the batch size", and the halves add
 * no load at once. A single row that still times out after its retries, or a chunk whose deadlock outlasted its
 * retries, fails its rows with the service's message. Rolled back means nothing of it was written, so its rows may be
 * sent again as they are. Anything else is the caller's to handle. What a table's timeouts taught is kept
 * (LearnedChunkSizes), so that its next chunks start at a size that went through, not at one that times out: each
 * timeout may have cost the service minutes.
 */
import type { WriteResult } from './client-types.js';
import type { DataverseError } from './errors.js';
import { isRolledBackWrite, isSqlTimeout } from './sql-errors.js';

/** Items of a bulk write, with the index of the first in the whole input. */
export interface Chunk<T> {
    start: number;
    items: T[];
}

/** Told of each chunk that went through, and of each one that timed out, by its number of rows. */
export interface ChunkLearner {
    succeeded(rows: number): void;
    timedOut(rows: number): void;
}

/** `write(chunk)`, halving the chunk on each SQL timeout; one result per item, in order. */
export async function writeSplitting<T>(
    chunk: Chunk<T>,
    write: (chunk: Chunk<T>) => Promise<WriteResult[]>,
    learner?: ChunkLearner,
): Promise<WriteResult[]> {
    try {
        const results = await write(chunk);
        learner?.succeeded(chunk.items.length);
        return results;
    } catch (error) {
        if (!isRolledBackWrite(error)) throw error;
        if (isSqlTimeout(error) && chunk.items.length > 1) {
            learner?.timedOut(chunk.items.length);
            const half = Math.ceil(chunk.items.length / 2);
            const first = await writeSplitting(
                { start: chunk.start, items: chunk.items.slice(0, half) },
                write,
                learner,
            );
            const rest = await writeSplitting(
                { start: chunk.start + half, items: chunk.items.slice(half) },
                write,
                learner,
            );
            return [...first, ...rest];
        }
        return failedRows(chunk, error as DataverseError);
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

/** Chunks of the learned size in a row before the size is doubled again (the database may have been busy only). */
export const GROW_AFTER_SUCCESSES = 20;

/**
 * Rows per chunk as SQL timeouts taught them, per key (an action and a table): after a timeout, the size of the halves;
 * after GROW_AFTER_SUCCESSES chunks of that size went through, twice that, up to the configured size again.
 */
export class LearnedChunkSizes {
    private readonly learned = new Map<string, { size: number; successes: number }>();

    /** Rows per chunk for `key`: the configured size, or less after SQL timeouts. */
    sizeFor(key: string, configured: number): number {
        const learned = this.learned.get(key);
        return learned ? Math.min(configured, learned.size) : configured;
    }

    learner(key: string): ChunkLearner {
        return {
            timedOut: (rows) => {
                const half = Math.max(1, Math.ceil(rows / 2));
                const learned = this.learned.get(key);
                if (!learned || half < learned.size) this.learned.set(key, { size: half, successes: 0 });
            },
            succeeded: (rows) => {
                const learned = this.learned.get(key);
                if (!learned || rows < learned.size) return;
                if (++learned.successes < GROW_AFTER_SUCCESSES) return;
                learned.size *= 2;
                learned.successes = 0;
            },
        };
    }
}
