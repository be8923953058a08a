/**
 * Cancelling a run: a request document in the run store. Activities check it before they start a page,
 * so a cancelled run stops at the next page boundary on any host; pages in flight finish. The request
 * says who asked and why; the summary and the events log repeat it.
 */
import type { RunStore } from '../runlog/types.js';
import { runPaths } from '../runlog/layout.js';
import type { RunContext } from './run-context.js';

export interface CancelRequest {
    at: string;
    reason?: string;
    /** Who asked: `Ctrl-C (alice@host)`, `HTTP API`, ... */
    by?: string;
}

export async function requestCancel(
    store: RunStore,
    runId: string,
    request: { reason?: string; by?: string },
    now = new Date(),
): Promise<void> {
    const document: CancelRequest = {
        at: now.toISOString(),
        ...(request.reason ? { reason: request.reason } : {}),
        ...(request.by ? { by: request.by } : {}),
    };
    await store.writeJson(runPaths(runId).cancel, document);
}

export function readCancelRequest(store: RunStore, runId: string): Promise<CancelRequest | undefined> {
    return store.readJson<CancelRequest>(runPaths(runId).cancel);
}

export async function isCancelRequested(ctx: Pick<RunContext, 'store' | 'paths'>): Promise<boolean> {
    return (await ctx.store.readJson<CancelRequest>(ctx.paths.cancel)) !== undefined;
}

/** The summary's reason for a cancelled run: who asked and why, when the request says. */
export function cancelledReason(request: CancelRequest | undefined): string {
    const who = request?.by ? ` by ${request.by}` : '';
    const why = request?.reason ? ` (${request.reason})` : '';
    return `cancelled on request${who}${why}: stopped at a page boundary`;
}
