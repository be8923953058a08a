/**
 * Cancelling a run: a marker document in the run store. Activities check it before they start a
 * page, so a cancelled run stops at the next page boundary on any host; pages in flight finish.
 */
import type { RunStore } from '../runlog/types.js';
import { runPaths } from '../runlog/layout.js';
import type { RunContext } from './run-context.js';

export interface CancelRequest {
    at: string;
    reason?: string;
}

export async function requestCancel(store: RunStore, runId: string, reason?: string, now = new Date()): Promise<void> {
    const request: CancelRequest = { at: now.toISOString(), ...(reason ? { reason } : {}) };
    await store.writeJson(runPaths(runId).cancel, request);
}

export async function isCancelRequested(ctx: Pick<RunContext, 'store' | 'paths'>): Promise<boolean> {
    return (await ctx.store.readJson<CancelRequest>(ctx.paths.cancel)) !== undefined;
}
