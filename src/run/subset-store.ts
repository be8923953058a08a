/**
 * A subset run's id sets in the run store (never rows): per table, the source ids this run takes and the scope before
 * it, every id earlier subset runs took from this source into this target. Deletes remove only target rows of that
 * scope whose source row is gone (activities/list-pages.ts), so a subset never deletes a target row it did not take.
 */
import { runPaths, subsetScopePath } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';
import { RunDocumentError } from './activity-failure.js';

export interface StoredSubset {
    /** Source ids this run takes, lower case, sorted. */
    ids: string[];
    /** Source ids earlier subset runs took into this target (before this run added its own). */
    scope: string[];
}

/**
 * Stores what this run takes of a table and widens the lasting scope by it before anything is written, so a row is in
 * the scope as soon as any run may have copied it. Repeating it (an activity runs at least once) changes nothing:
 * the earlier scope then holds this run's ids already, and deletes never take ids the run copies.
 */
export async function storeSubset(
    store: RunStore,
    run: { runId: string; source: string; target: string },
    table: string,
    ids: readonly string[],
): Promise<void> {
    const scopePath = subsetScopePath(run.source, run.target, table);
    const scope = (await store.readJson<string[]>(scopePath)) ?? [];
    const doc: StoredSubset = { ids: [...ids], scope };
    await store.writeJson(runPaths(run.runId).subset(table), doc);
    const widened = new Set(scope);
    for (const id of ids) widened.add(id);
    if (widened.size > scope.length) await store.writeJson(scopePath, [...widened].sort());
}

export async function readSubset(store: RunStore, runId: string, table: string): Promise<StoredSubset> {
    const doc = await store.readJson<StoredSubset>(runPaths(runId).subset(table));
    if (!doc) throw new RunDocumentError(`run ${runId}: no subset of '${table}' in the run store (was it planned?)`);
    return doc;
}
