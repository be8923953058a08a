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

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How much sooner than the source's retention a token counts as too old: the engine's and the service's clocks differ. */
const RETENTION_MARGIN_MS = 60 * MINUTE_MS;

/** An instant as the Web API writes one (`2026-12-07T20:15:00Z`; milliseconds only when there are any). */
function instant(ms: number): string {
    return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The `$filter` of a watermark refresh: rows modified since `lagMinutes` before the watermark, because the service
 * stamps `modifiedon` when an operation starts and the row becomes visible when its transaction commits, so a long
 * transaction commits rows older than the newest `modifiedon` the previous run saw (research realworld-gaps W1). The
 * overlap costs reads only: rows that did not change are compared and left alone. Undefined when the stored value is
 * no instant (the table then runs in full).
 */
export function watermarkFilter(state: { column: string; value: string }, lagMinutes: number): string | undefined {
    const at = Date.parse(state.value);
    if (Number.isNaN(at)) return undefined;
    return `${state.column} ge ${instant(at - lagMinutes * MINUTE_MS)}`;
}

/**
 * Why a delta state is too old to use, or undefined: its token was taken longer ago than the source keeps changes
 * (Organization.ExpireChangeTrackingInDays), less an hour for clock skew. The service may then answer with every row
 * and no deletions instead of an error (the SDK article's older text: "If it is more than 90 days, the system will
 * return all the records"), so such a token is never sent.
 */
export function deltaTooOld(state: { takenAt: string }, retentionDays: number, now: Date): string | undefined {
    const taken = Date.parse(state.takenAt);
    if (Number.isNaN(taken)) return `the change-tracking token's time '${state.takenAt}' is unreadable`;
    const age = now.getTime() - taken;
    if (age < retentionDays * DAY_MS - RETENTION_MARGIN_MS) return undefined;
    const days = Math.floor((age / DAY_MS) * 10) / 10;
    return `the change-tracking token of ${state.takenAt} is ${days} days old, and the source keeps changes for ${retentionDays} days (its organization's expirechangetrackingindays)`;
}

/** The mode a table runs in, and why: full unless an incremental state exists for exactly this table shape. */
export function modeFor(table: TablePlan, incremental: boolean, state: TableSyncState | undefined): TableModeDecision {
    if (!incremental) return { mode: 'full', reason: 'full: incremental refresh is off' };
    if (!state) return { mode: 'full', reason: 'full: no state for this source and target' };
    if (state.fingerprint !== tableFingerprint(table))
        return { mode: 'full', reason: `full: ${changedPart(table, state)}` };
    if (state.kind === 'watermark')
        return {
            mode: 'watermark',
            reason: `watermark: rows modified since ${state.value}, read back by options.watermarkLagMinutes`,
        };
    if (table.changeTracking) return { mode: 'delta', reason: `delta since ${state.takenAt}` };
    return { mode: 'full', reason: 'full: change tracking is off for the table in the source' };
}
