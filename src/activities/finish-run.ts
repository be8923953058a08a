/**
 * The finishRun activity: writes the summary (atomically; its only writer), updates the run in the
 * history index, commits the incremental state of the tables that completed without failed rows,
 * and logs the end of the run.
 */
import { runPaths, statePath } from '../runlog/layout.js';
import { appendEvents } from '../run/events.js';
import type { TableSyncState } from '../run/sync-state.js';
import { cancelledReason, readCancelRequest } from '../run/cancel.js';
import type { RunSummary } from '../run/summary.js';
import type { ActivityDeps } from '../run/run-context.js';
import type { FinishRunInput } from './contract.js';

export async function finishRun(deps: ActivityDeps, input: FinishRunInput): Promise<RunSummary> {
    const { store } = deps;
    const paths = runPaths(input.runId);
    const errors = (await store.list(paths.errorsFolder)).filter((p) => p.endsWith('.csv'));
    const summary: RunSummary = { ...input, log: { location: store.location, events: paths.events, errors } };
    if (input.status === 'cancelled') {
        // Who asked and why, from the request itself (the orchestrator cannot read the store).
        const request = await readCancelRequest(store, input.runId);
        if (request) {
            summary.cancel = request;
            summary.reason = cancelledReason(request);
        }
    }

    const committed: string[] = [];
    if (input.status === 'succeeded' || input.status === 'failed') {
        for (const [table, t] of Object.entries(input.tables)) {
            const failed = t.copy.failed + t.deferred.failed + t.state.failed + t.delete.failed;
            if (!t.completed || failed > 0) continue;
            const pending = await store.readJson<TableSyncState>(paths.pendingState(table));
            if (!pending) continue;
            await store.writeJson(statePath(input.spec, table), pending);
            committed.push(table);
        }
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
                ...(committed.length > 0 ? { incrementalStateCommitted: committed } : {}),
            },
        ],
        deps.now,
    );
    return summary;
}
