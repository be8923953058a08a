/**
 * Requests counted where the client sends them, attributed to the work that sent them: `tallyRequests(work)` runs
 * `work` with a fresh tally in its async context, and every attempt the request loop (http.ts) makes inside it is
 * counted there, under the meter name of the client that made it (`source`, `target`). An activity wraps its work in
 * one, so its requests are known however many activities share the clients at once. Requests sent outside any tally
 * are not counted.
 *
 * A request here is one HTTP request, as Dataverse's service protection limits count them: a `$batch` or an
 * UpsertMultiple is one, however many rows it carries (api-limits.md; the daily Power Platform request entitlement
 * counts each Target of a bulk message instead: power-platform admin/api-request-limits-allocations.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Requests sent to one environment. `reads + writes` are every HTTP request sent, retries and 429s included. */
export interface RequestCounts {
    /** GET requests. */
    reads: number;
    /** Every other request: PATCH, POST (`$batch`, bulk messages, actions), DELETE. */
    writes: number;
    /** Requests sent again after a 429, a transient failure, a deadlock or an outage (part of reads + writes). */
    retries: number;
    /** 429 answers (part of reads + writes). */
    throttled: number;
    /** Requests that ended in an error after their retries. */
    failed: number;
}

/** Requests per environment (meter name). */
export type RequestTally = Record<string, RequestCounts>;

const tallies = new AsyncLocalStorage<RequestTally>();

export function emptyRequestCounts(): RequestCounts {
    return { reads: 0, writes: 0, retries: 0, throttled: 0, failed: 0 };
}

/** Runs `work` with a fresh tally; every request sent inside it (awaited or not) is counted there. */
export async function tallyRequests<T>(work: () => Promise<T>): Promise<{ result: T; requests: RequestTally }> {
    const requests: RequestTally = {};
    const result = await tallies.run(requests, work);
    return { result, requests };
}

/** What happened to a request, as the request loop tells it. */
export type RequestNote = 'read' | 'write' | 'retry' | 'throttled' | 'failed';

const FIELD: Record<RequestNote, keyof RequestCounts> = {
    read: 'reads',
    write: 'writes',
    retry: 'retries',
    throttled: 'throttled',
    failed: 'failed',
};

/** Counts one event of a request of the client named `meter` in the current tally (none: nothing). */
export function noteRequest(meter: string | undefined, note: RequestNote): void {
    const tally = tallies.getStore();
    if (!tally || meter === undefined) return;
    const counts = (tally[meter] ??= emptyRequestCounts());
    counts[FIELD[note]]++;
}
