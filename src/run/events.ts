/** The run's events log (`events.jsonl`): one line per page and per phase, appended by the activities. */
import type { PhaseCounts } from './outcomes.js';
import type { RunContext } from './run-context.js';
import type { RunStore } from '../runlog/types.js';
import { runPaths } from '../runlog/layout.js';

export type RunEventType =
    | 'run-started'
    | 'planned'
    /** One metadata operation of the schema phase (load: "new"): created, already there, refused; or the publish. */
    | 'schema'
    | 'table-mode'
    | 'table-listed'
    | 'page'
    | 'phase'
    | 'references'
    | 'warning'
    | 'fallback'
    | 'deletes-skipped'
    | 'cancelled'
    | 'stopped'
    | 'resumed'
    | 'run-finished';

export interface RunEvent {
    at: string;
    type: RunEventType;
    phase?: string;
    table?: string;
    page?: number;
    counts?: PhaseCounts;
    message?: string;
    ms?: number;
    [detail: string]: unknown;
}

export async function appendEvents(
    store: RunStore,
    runId: string,
    events: ReadonlyArray<Omit<RunEvent, 'at'> & { at?: string }>,
    now: () => Date = () => new Date(),
): Promise<void> {
    if (events.length === 0) return;
    const at = now().toISOString();
    await store.appendLines(
        runPaths(runId).events,
        events.map((e) => JSON.stringify({ at, ...e })),
    );
}

export function appendEvent(ctx: RunContext, event: Omit<RunEvent, 'at'>): Promise<void> {
    return appendEvents(ctx.store, ctx.runId, [event], ctx.now);
}

/**
 * One warning event per row a phase leaves as it is, with the reason (a row the target keeps closed, an e-mail's
 * sending status): reported on every run that meets it, counted skipped, never a failed row.
 */
export function reportLeft(
    ctx: RunContext,
    table: string,
    rows: ReadonlyArray<{ sourceId: string; code: string; message: string }>,
): Promise<void> {
    return appendEvents(
        ctx.store,
        ctx.runId,
        rows.map((r) => ({ type: 'warning' as const, table, sourceId: r.sourceId, code: r.code, message: r.message })),
        ctx.now,
    );
}

/** Code of the one event per state page that counts the rows whose state is never written (e-mails kept as Draft). */
export const STATES_NOT_WRITTEN_COUNT = 'StatesNotWritten';

/** One warning naming how many rows of a page keep the state a create leaves (an e-mail in a sending status). */
export function reportNotWritten(ctx: RunContext, table: string, count: number): Promise<void> {
    if (count === 0) return Promise.resolve();
    return appendEvent(ctx, {
        type: 'warning',
        table,
        code: STATES_NOT_WRITTEN_COUNT,
        count,
        message: `${count} ${table} row${count === 1 ? '' : 's'} kept the state a create leaves (Draft for an e-mail): their source status is never written`,
    });
}
