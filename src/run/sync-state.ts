/**
 * Incremental refresh state per spec and table (`state/{spec}/{table}.json`): a change-tracking delta
 * link, or a `modifiedon` watermark for tables without change tracking. A run takes the next state
 * before it copies (so changes made during the run are read next time) and keeps it pending in its own
 * folder; the finish step commits it only for tables that completed without failed rows, so rows that
 * failed are read again by the next refresh. A state taken for other columns, filter or match rules
 * (the spec changed) does not count: that table runs in full.
 */
import { createHash } from 'node:crypto';
import type { TablePlan } from '../plan/types.js';
import { statePath } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';

export type TableSyncState =
    | { kind: 'delta'; deltaLink: string; takenAt: string; runId: string; fingerprint: string }
    | { kind: 'watermark'; column: string; value: string; takenAt: string; runId: string; fingerprint: string };

/** `retry`: only the rows another run failed (`run --retry-failed`). */
export const TABLE_MODES = ['full', 'delta', 'watermark', 'retry'] as const;
export type TableMode = (typeof TABLE_MODES)[number];

/** What a state is valid for: the columns read, the filter and the match rule of the table. */
export function tableFingerprint(table: TablePlan): string {
    const shape = {
        source: table.source.entitySetName,
        target: table.target.entitySetName,
        columns: table.columns.map((c) => [c.source, c.target]).sort(),
        filter: table.filter ?? null,
        match: table.match,
    };
    return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

export async function readSyncState(store: RunStore, spec: string, table: string): Promise<TableSyncState | undefined> {
    return store.readJson<TableSyncState>(statePath(spec, table));
}

/** The mode a table runs in: full unless an incremental state exists for exactly this table shape. */
export function modeFor(table: TablePlan, incremental: boolean, state: TableSyncState | undefined): TableMode {
    if (!incremental || !state || state.fingerprint !== tableFingerprint(table)) return 'full';
    if (state.kind === 'delta' && table.changeTracking) return 'delta';
    if (state.kind === 'watermark') return 'watermark';
    return 'full';
}
