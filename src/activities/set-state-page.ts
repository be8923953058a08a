/**
 * The setStatePage activity, per page: rows whose source state differs from their target state (for new rows,
 * the state a create leaves) get statecode + statuscode in one update, or the table's dedicated
 * message. A row in a message-only state (a won opportunity, say) that must move elsewhere is
 * reopened first. A row whose state cannot be set is a failed row with the service's reason, never
 * left silently active.
 */
import type { WriteResult } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import { filterBudget, idFilters, keyColumns, keyFilters } from '../copy/addressing.js';
import { readFiltered, type ReadOptions } from '../copy/page-read.js';
import { writeSettled } from '../copy/settle-writes.js';
import { addressIdentity, addressPath, targetIdentity } from '../copy/row-plan.js';
import { needsMessage, stateRequest, type StateTarget } from '../copy/state-messages.js';
import { writeOptions } from '../copy/writes.js';
import type { RunContext } from '../run/run-context.js';
import { readWork, workKinds } from '../run/work.js';
import type { ActivityOptions, PhasePageInput } from './contract.js';
import { runPhasePage, type PhasePageOutcome } from './phase-page.js';
import type { StateItem } from './work-items.js';

/**
 * The rows' state in the target now: a page may run again (activities run at least once), and a
 * message such as WinOpportunity is refused for a row it already closed, so rows already in the
 * wanted state are left alone and the others start from their real state.
 */
async function currentStates(
    ctx: RunContext,
    table: TablePlan,
    items: readonly StateItem[],
    options: ReadOptions,
): Promise<Map<string, { state: number; status: number }>> {
    const state = table.state!;
    const keys = keyColumns(table);
    const select = [
        table.target.primaryId,
        ...keys.map((k) => k.name),
        state.targetStateColumn,
        state.targetStatusColumn,
    ];
    // By id (the service seeks each row by its key), or by alternate-key values.
    const filters =
        table.match.kind === 'id'
            ? idFilters(
                  table.target.primaryId,
                  items.flatMap((i) => (i.address.kind === 'id' ? [i.address.id] : [])),
                  filterBudget(select),
              )
            : keyFilters(
                  keys,
                  items.flatMap((i) => (i.address.kind === 'key' ? [i.address.values] : [])),
                  filterBudget(select),
              );
    const rows = await readFiltered(ctx.target, table.target.entitySetName, select, filters, options);
    const states = new Map<string, { state: number; status: number }>();
    for (const row of rows) {
        const s = row[state.targetStateColumn];
        const t = row[state.targetStatusColumn];
        if (typeof s === 'number' && typeof t === 'number')
            states.set(targetIdentity(table, row), { state: s, status: t });
    }
    return states;
}

type States = Map<string, { state: number; status: number }>;

/** Whether the row is in the state the item wants, as `now` says. */
function isDone(item: StateItem, now: States): boolean {
    const current = now.get(addressIdentity(item.address));
    return current !== undefined && current.state === item.state && current.status === item.status;
}

/** The item starting from the row's real state (a row not found keeps what the copy phase expected). */
function from(item: StateItem, now: States): StateItem {
    const current = now.get(addressIdentity(item.address));
    return current ? { ...item, from: current } : item;
}

export function setStatePage(
    ctx: RunContext,
    input: PhasePageInput,
    { signal }: ActivityOptions = {},
): Promise<PhasePageOutcome> {
    const table = ctx.table(input.table);
    return runPhasePage<StateItem>(ctx, input, {
        phase: 'state',
        load: () => readWork<StateItem>(ctx, workKinds(input.kind).state, table.name, input.page),
        async apply(items, counts, failures) {
            const state = table.state;
            if (!state) throw new Error(`internal error: state work for ${table.name}, which has no state`);
            const targetOf = (item: StateItem): StateTarget => ({
                table: table.target.logicalName,
                entitySet: table.target.entitySetName,
                path: addressPath(table, item.address),
                stateColumn: state.targetStateColumn,
                statusColumn: state.targetStatusColumn,
            });
            const options = writeOptions(ctx.plan, table, signal);
            const open = state.created;
            // Leaving a message-only state (won, qualified, resolved ...) needs the row reopened first.
            const needsReopen = (i: StateItem) =>
                open !== undefined &&
                i.from !== undefined &&
                i.from.state !== open.state &&
                needsMessage(table.target.logicalName, i.from.state) &&
                i.state !== i.from.state;

            /** Reopens where needed, then sets the state: one result per item (a failed reopen is the item's). */
            async function apply(batch: readonly StateItem[]): Promise<WriteResult[]> {
                const results = new Map<StateItem, WriteResult>();
                const reopen = batch.filter(needsReopen);
                if (reopen.length > 0) {
                    const reopened = await ctx.target.batchWrites(
                        reopen.map((i) => stateRequest(targetOf(i), open!.state, open!.status)),
                        options,
                    );
                    reopen.forEach((item, i) => {
                        const result = reopened[i];
                        if (!result?.ok) results.set(item, result ?? { index: i, ok: false, message: 'no result' });
                    });
                }
                const ready = batch.filter((i) => !results.has(i));
                // Reopened to the state it wants: nothing more to send.
                const opened = (i: StateItem) =>
                    reopen.includes(i) && open !== undefined && i.state === open.state && i.status === open.status;
                const set = ready.filter((i) => !opened(i));
                if (set.length > 0) {
                    const answers = await ctx.target.batchWrites(
                        set.map((i) => stateRequest(targetOf(i), i.state, i.status, i.close)),
                        options,
                    );
                    set.forEach((item, i) =>
                        results.set(item, answers[i] ?? { index: i, ok: false, message: 'no result' }),
                    );
                }
                for (const item of ready.filter(opened)) results.set(item, { index: 0, ok: true });
                return batch.map((item, i) => ({ ...results.get(item)!, index: i }));
            }

            // Read first: a page may run again (activities run at least once), and a message such as
            // WinOpportunity is refused for a row it already closed. A state write whose answer was lost is
            // settled the same way: read again, done if the row is in the state, else sent from where it is.
            const now = await currentStates(ctx, table, items, { signal });
            const pending = items.filter((item) => !isDone(item, now)).map((item) => from(item, now));
            counts.skipped += items.length - pending.length;
            counts.unchanged += items.length - pending.length;
            const settled = await writeSettled(pending, {
                write: apply,
                recheck: async (batch) => {
                    const again = await currentStates(ctx, table, batch, { signal });
                    return batch.map((item) =>
                        isDone(item, again)
                            ? { item, then: 'done' as const }
                            : { item: from(item, again), then: 'write' as const },
                    );
                },
            });
            for (const s of settled) {
                if (s.outcome === 'failed') failures.add({ sourceId: s.item.sourceId, ...s.failure });
                else counts.written++;
            }
        },
    });
}
