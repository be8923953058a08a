/**
 * The setStatePage activity, per page: rows whose source state differs from their target state (for new rows,
 * the state a create leaves) get statecode + statuscode in one update, or the table's dedicated
 * message. A row in a message-only state (a won opportunity, say) that must move elsewhere is
 * reopened first; a quote is activated before WinQuote/CloseQuote (state-machines.ts). A row whose state
 * cannot be set is a failed row with the service's reason, never left silently active; a row the target keeps
 * closed (an order) and an e-mail's sending status are reported and left as they are.
 */
import type { WriteResult } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import { filterBudget, idFilters, keyColumns, keyFilters } from '../copy/addressing.js';
import { readFiltered, type ReadOptions } from '../copy/page-read.js';
import { writeSettled } from '../copy/settle-writes.js';
import { addressIdentity, addressPath, targetIdentity } from '../copy/row-plan.js';
import { needsMessage, stateRequest, type StateTarget } from '../copy/state-messages.js';
import { STATE_NOT_WRITTEN, statePath, type State, type StatePath } from '../copy/state-machines.js';
import { reportLeft, reportNotWritten } from '../run/events.js';
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

const stepsOf = (path: StatePath): State[] => ('steps' in path ? path.steps : []);

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
            const logical = table.target.logicalName;
            const pathOf = (i: StateItem) =>
                statePath(logical, i.from, i, state.created, (s) => needsMessage(logical, s), state.transitions);

            /**
             * Walks each item's path (reopen, the state its message needs, its state) one step a round, all items of a
             * round in one batch: one result per item, a failed step is the item's.
             */
            async function apply(batch: readonly StateItem[]): Promise<WriteResult[]> {
                const results = new Map<StateItem, WriteResult>();
                const paths = new Map(batch.map((item) => [item, stepsOf(pathOf(item))]));
                for (let round = 0; ; round++) {
                    const due = batch.filter((i) => !results.has(i) && paths.get(i)!.length > round);
                    if (due.length === 0) break;
                    const answers = await ctx.target.batchWrites(
                        due.map((item) => {
                            const steps = paths.get(item)!;
                            const step = steps[round]!;
                            const last = round === steps.length - 1;
                            return stateRequest(targetOf(item), step.state, step.status, last ? item.close : {});
                        }),
                        options,
                    );
                    due.forEach((item, i) => {
                        const answer = answers[i];
                        if (!answer?.ok) results.set(item, answer ?? { index: i, ok: false, message: 'no result' });
                    });
                }
                return batch.map((item, i) => ({ ...(results.get(item) ?? { ok: true }), index: i }));
            }

            // Read first: a page may run again (activities run at least once), and a message such as
            // WinOpportunity is refused for a row it already closed. A state write whose answer was lost is
            // settled the same way: read again, done if the row is in the state, else sent from where it is.
            const now = await currentStates(ctx, table, items, { signal });
            const open = items.filter((item) => !isDone(item, now)).map((item) => from(item, now));
            counts.skipped += items.length - open.length;
            counts.unchanged += items.length - open.length;
            // Rows the target keeps closed, and states never written: reported once per run, skipped, not failed.
            const left = open.flatMap((item) => {
                const path = pathOf(item);
                return 'leave' in path ? [{ item, path }] : [];
            });
            counts.skipped += left.length;
            await reportLeft(
                ctx,
                table.name,
                left.map(({ item, path }) => ({ sourceId: item.sourceId, code: path.code, message: path.leave })),
            );
            await reportNotWritten(ctx, table.name, left.filter(({ path }) => path.code === STATE_NOT_WRITTEN).length);
            const pending = open.filter((item) => !left.some((l) => l.item === item));
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
