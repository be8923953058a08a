/**
 * Incremental refresh state per source environment, target environment and table
 * (`state/{source}/{target}/{table}.json`): a change-tracking delta link, or a `modifiedon` watermark for tables
 * without change tracking. A run takes the next state before it copies (so changes made during the run are read
 * next time) and keeps it pending in its own folder; the finish step commits it only for tables whose every phase
 * ran to its end without failed rows (summary.ts, `tableSynced`), so whatever a run did not finish is read again
 * by the next refresh. A state taken for other columns, filter or match rules does not count: that table runs in
 * full, and the plan says why.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TablePlan } from '../plan/types.js';
import { statePath } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';

/** What a state is valid for, one hash per part, so a mismatch can say which part changed. */
const shapeSchema = z.object({ columns: z.string(), filter: z.string(), match: z.string() });
export type TableShape = z.infer<typeof shapeSchema>;

const common = {
    takenAt: z.string(),
    runId: z.string(),
    fingerprint: z.string(),
    shape: shapeSchema.optional(),
};

export const tableSyncStateSchema = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('delta'), deltaLink: z.string().min(1), ...common }),
    z.object({ kind: z.literal('watermark'), column: z.string().min(1), value: z.string().min(1), ...common }),
]);

export type TableSyncState = z.infer<typeof tableSyncStateSchema>;

/** `retry`: only the rows another run failed (`run --retry-failed`). */
export const TABLE_MODES = ['full', 'delta', 'watermark', 'retry'] as const;
export type TableMode = (typeof TABLE_MODES)[number];

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** The parts of a table's plan a state depends on: the entity sets and columns read, the filter, the match rule. */
export function tableShape(table: TablePlan): TableShape {
    return {
        columns: hash({
            source: table.source.entitySetName,
            target: table.target.entitySetName,
            columns: table.columns.map((c) => [c.source, c.target]).sort(),
        }),
        filter: hash(table.filter ?? null),
        match: hash(table.match),
    };
}

/** What a state is valid for, as one value. */
export function tableFingerprint(table: TablePlan): string {
    const shape = tableShape(table);
    return hash([shape.columns, shape.filter, shape.match]);
}

/** The committed state of a table between two environments; undefined when there is none (or it is unreadable). */
export async function readSyncState(
    store: RunStore,
    source: string,
    target: string,
    table: string,
): Promise<TableSyncState | undefined> {
    const parsed = tableSyncStateSchema.safeParse(await store.readJson<unknown>(statePath(source, target, table)));
    return parsed.success ? parsed.data : undefined;
}

export interface TableModeDecision {
    mode: TableMode;
    /** Why, for the run's events: `full: no state for this source and target`, `delta since <time>`. */
    reason: string;
}

/** Which part of the table's shape changed since the state was taken. */
function changedPart(table: TablePlan, state: TableSyncState): string {
    const now = tableShape(table);
    const then = state.shape;
    if (!then) return 'the table changed since its state was taken';
    if (then.columns !== now.columns) return "the table's columns changed";
    if (then.filter !== now.filter) return "the table's filter changed";
    if (then.match !== now.match) return "the table's match rule changed";
    return 'the table changed since its state was taken';
}

/** The mode a table runs in, and why: full unless an incremental state exists for exactly this table shape. */
export function modeFor(table: TablePlan, incremental: boolean, state: TableSyncState | undefined): TableModeDecision {
    if (!incremental) return { mode: 'full', reason: 'full: incremental refresh is off' };
    if (!state) return { mode: 'full', reason: 'full: no state for this source and target' };
    if (state.fingerprint !== tableFingerprint(table))
        return { mode: 'full', reason: `full: ${changedPart(table, state)}` };
    if (state.kind === 'watermark')
        return { mode: 'watermark', reason: `watermark: rows modified since ${state.value}` };
    if (table.changeTracking) return { mode: 'delta', reason: `delta since ${state.takenAt}` };
    return { mode: 'full', reason: 'full: change tracking is off for the table in the source' };
}
