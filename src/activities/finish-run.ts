/**
 * The finishRun activity: writes the summary (atomically; its only writer), updates the run in the
 * history index, commits the incremental state of the tables whose every phase finished without failed
 * rows (never after a crash), and logs the end of the run.
 */
import { runPaths, statePath } from '../runlog/layout.js';
import { appendEvents } from '../run/events.js';
import { requestsSent } from '../run/outcomes.js';
import { tableSyncStateSchema } from '../run/sync-state.js';
import { platformOwnedMessage, readPlatformOwned } from '../run/platform-owned.js';
import { cancelledReason, readCancelRequest } from '../run/cancel.js';
import { notSyncedReason, tableSynced, type RunSummary } from '../run/summary.js';
import type { ActivityDeps } from '../run/run-context.js';
import type { FinishRunInput } from './contract.js';

export async function finishRun(deps: ActivityDeps, input: FinishRunInput): Promise<RunSummary> {
    const { store } = deps;
    const paths = runPaths(input.runId);
    const errors = (await store.list(paths.errorsFolder)).filter((p) => p.endsWith('.csv'));
    const summary: RunSummary = { ...input, log: { location: store.location, events: paths.events, errors } };
    const noticed = input.target === '' ? [] : await noticedInRun(store, input.target, input.runId);
    if (noticed.length > 0) summary.platformOwned = noticed;
    if (input.status === 'cancelled') {
        // Who asked and why, from the request itself (the orchestrator cannot read the store).
        const request = await readCancelRequest(store, input.runId);
        if (request) {
            summary.cancel = request;
            summary.reason = cancelledReason(request);
        }
    }

    // A table's state advances only when the target holds everything the run read of it; a crashed run's
    // summary is what the orchestrator knew when it failed, so nothing of it counts.
    const committed: string[] = [];
    const kept: Record<string, string> = {};
    for (const [table, t] of Object.entries(input.tables)) {
        const pending = tableSyncStateSchema.safeParse(await store.readJson<unknown>(paths.pendingState(table)));
        if (!pending.success) continue;
        if (input.crashed || !tableSynced(t)) {
            kept[table] = input.crashed ? 'the run crashed' : notSyncedReason(t);
            continue;
        }
        await store.writeJson(statePath(input.source, input.target, table), pending.data);
        committed.push(table);
    }
    await store.writeJson(paths.summary, summary);
    await store.indexRun({
        runId: input.runId,
        spec: input.spec,
        startedAt: input.startedAt,
        status: input.status,
        finishedAt: input.finishedAt,
        trigger: input.trigger,
        failedRows: input.failedRows,
        readRows: input.totals.read,
        writtenRows: input.totals.written,
        ...(input.requests ? { requests: requestsSent(input.requests) } : {}),
        durationMs: input.durationMs,
    });
    await appendEvents(
        store,
        input.runId,
        [
            {
                type: 'run-finished',
                status: input.status,
                ...(summary.reason ? { message: summary.reason } : {}),
                totals: input.totals,
                ...(input.requests ? { requests: input.requests } : {}),
                ...(committed.length > 0 ? { incrementalStateCommitted: committed } : {}),
                // Tables whose state stays where it was, and why: the next refresh reads them again from there.
                ...(Object.keys(kept).length > 0 ? { incrementalStateKept: kept } : {}),
            },
        ],
        deps.now,
    );
    return summary;
}

/** The platform-owned columns this run noticed first, as the summary lists them. */
async function noticedInRun(
    store: ActivityDeps['store'],
    target: string,
    runId: string,
): Promise<NonNullable<RunSummary['platformOwned']>> {
    const records = await readPlatformOwned(store, target);
    return records
        .filter((r) => r.runId === runId)
        .map((r) => ({ table: r.table, column: r.column, sourceId: r.sourceId, message: platformOwnedMessage(r) }));
}
