/**
 * Receipts of completed activities: what an activity returned, kept in the run store under its name and a hash of
 * its input. Activities run at least once (a worker that stopped after the work but before the host recorded the
 * result, a message delivered twice), so a second execution with the same input returns the first one's result and
 * does nothing again: no write to the target, no second line in the events or the error log, no second commit of the
 * incremental state. An execution that stopped before its receipt runs again in full; its writes are still safe,
 * because every write is preceded by a read of the target.
 */
import { createHash } from 'node:crypto';
import { runPaths } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';

interface Receipt {
    activity: string;
    result: unknown;
}

/** The same text for the same value, whatever the order of its keys. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
}

function receiptPath(activity: string, input: { runId: string }): string {
    const key = createHash('sha256').update(canonical(input)).digest('hex').slice(0, 32);
    return runPaths(input.runId).receipt(activity, key);
}

/** What an earlier execution of this activity with this input returned, if one completed. */
export async function readReceipt(
    store: RunStore,
    activity: string,
    input: { runId: string },
): Promise<{ result: unknown } | undefined> {
    const receipt = await store.readJson<Receipt>(receiptPath(activity, input));
    return receipt ? { result: receipt.result } : undefined;
}

export async function writeReceipt(
    store: RunStore,
    activity: string,
    input: { runId: string },
    result: unknown,
): Promise<void> {
    await store.writeJson(receiptPath(activity, input), { activity, result } satisfies Receipt);
}
