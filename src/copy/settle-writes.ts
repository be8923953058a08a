/**
 * Writes whose answer was lost are settled by reading, never by sending the same payload again. The client reports
 * such a write as ambiguous (a 500/502/504, a reset, a timeout: the service may have applied it); `recheck` reads the
 * target for those items and says, per item, that it is done (the target holds what was wanted), what to write now,
 * or why it fails. A bounded number of write rounds, each after a read; an item still unsettled after the last one
 * fails with a message that says so. Used by every writing activity, each with its own read.
 */
import type { WriteResult } from '../dataverse/client-types.js';

/** Write rounds per item: the first write and up to four more, each after a read of the target. */
export const MAX_WRITE_ROUNDS = 5;

/** Why an item failed, as the error log records it. */
export interface WriteFailure {
    status?: number;
    code?: string;
    column?: string;
    message: string;
}

/** What a read of the target says about an item whose write was ambiguous (`item` may carry a new decision). */
export type Recheck<T> =
    { item: T; then: 'done' } | { item: T; then: 'write' } | { item: T; then: 'fail'; failure: WriteFailure };

export interface SettleIo<T> {
    /** Writes the items: one result per item, in order. */
    write(items: readonly T[]): Promise<readonly WriteResult[]>;
    /** Reads the target for items whose write was ambiguous: one answer per item, in order. */
    recheck(items: readonly T[]): Promise<ReadonlyArray<Recheck<T>>>;
}

/**
 * Per input item, in order, with the item as it was last decided. `written`: a write succeeded, or a write whose
 * answer was lost turned out, read back, to have done it (`settledByReading`); `unchanged`: the service answered that
 * nothing needed doing (a row already gone, a pair already related); `failed`: the service refused it, the read
 * said it fails, or its outcome stayed unknown.
 */
export type Settled<T> =
    | { item: T; outcome: 'written'; settledByReading: boolean }
    | { item: T; outcome: 'unchanged' }
    | { item: T; outcome: 'failed'; failure: WriteFailure };

export async function writeSettled<T>(
    items: readonly T[],
    io: SettleIo<T>,
    rounds: number = MAX_WRITE_ROUNDS,
): Promise<Array<Settled<T>>> {
    const settled = new Array<Settled<T> | undefined>(items.length);
    let pending = items.map((item, index) => ({ index, item }));
    for (let round = 1; pending.length > 0; round++) {
        const results = await io.write(pending.map((p) => p.item));
        const unknown: Array<{ index: number; item: T; result: WriteResult }> = [];
        pending.forEach(({ index, item }, i) => {
            const result = results[i] ?? { index: i, ok: false, message: 'no result for this write' };
            if (result.ambiguous) unknown.push({ index, item, result });
            else if (result.ok && result.unchanged) settled[index] = { item, outcome: 'unchanged' };
            else if (result.ok) settled[index] = { item, outcome: 'written', settledByReading: false };
            else settled[index] = { item, outcome: 'failed', failure: failureOf(result) };
        });
        pending = [];
        if (unknown.length === 0) break;
        // Even after the last round, a read tells whether the last write landed.
        const answers = await io.recheck(unknown.map((u) => u.item));
        unknown.forEach(({ index, result }, i) => {
            const answer = answers[i];
            if (!answer) throw new Error(`internal error: no recheck answer for item ${i}`);
            if (answer.then === 'done')
                settled[index] = { item: answer.item, outcome: 'written', settledByReading: true };
            else if (answer.then === 'fail')
                settled[index] = { item: answer.item, outcome: 'failed', failure: answer.failure };
            else if (round < rounds) pending.push({ index, item: answer.item });
            else settled[index] = { item: answer.item, outcome: 'failed', failure: unsettled(result, round) };
        });
    }
    return settled.map((s, i) => {
        if (!s) throw new Error(`internal error: item ${i} was never settled`);
        return s;
    });
}

function failureOf(result: WriteResult): WriteFailure {
    return {
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.code !== undefined ? { code: result.code } : {}),
        message: result.message ?? 'the service rejected the write without a message',
    };
}

/** The failure of an item whose every write came back without an answer, and that no read found done. */
function unsettled(last: WriteResult, rounds: number): WriteFailure {
    return {
        ...failureOf(last),
        message:
            `the answer to each of ${rounds} writes was lost (last: ${last.status || 'no response'} ` +
            `${last.message ?? ''}), so the change could not be confirmed`,
    };
}
