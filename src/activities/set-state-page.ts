/**
 * The setStatePage activity, per page: rows whose source state differs from their target state (for new rows,
 * the state a create leaves) get statecode + statuscode in one update, or the table's dedicated
 * message. A row in a message-only state (a won opportunity, say) that must move elsewhere is
 * reopened first. A row whose state cannot be set is a failed row with the service's reason, never
 * left silently active.
 */
import type { BatchResponse } from '../dataverse/client-types.js';
import { parseErrorBody } from '../dataverse/errors.js';
import { entityPath } from '../dataverse/odata-url.js';
import type { TablePlan } from '../plan/types.js';
import { idFilters, keyColumns, keyFilters } from '../copy/addressing.js';
import { readFiltered, type ReadOptions } from '../copy/page-read.js';
import { addressIdentity, targetIdentity } from '../copy/row-plan.js';
import { needsMessage, stateRequest, type StateTarget } from '../copy/state-messages.js';
import { writeOptions } from '../copy/writes.js';
import type { RunContext } from '../run/run-context.js';
import { readWork, workKinds } from '../run/work.js';
import type { ActivityOptions, PhasePageInput } from './contract.js';
import { chunked, runPhasePage, type PhasePageOutcome } from './phase-page.js';
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
              )
            : keyFilters(
                  keys,
                  items.flatMap((i) => (i.address.kind === 'key' ? [i.address.values] : [])),
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

function ok(response: BatchResponse | undefined): boolean {
    return response !== undefined && response.status >= 200 && response.status < 300;
}

function failureOf(response: BatchResponse | undefined): { status?: number; code?: string; message: string } {
    if (!response) return { message: 'no response for this row' };
    const { code, message } = parseErrorBody(response.bodyText);
    return { status: response.status, ...(code ? { code } : {}), message: message ?? `HTTP ${response.status}` };
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
                path:
                    item.address.kind === 'id'
                        ? entityPath(table.target.entitySetName, item.address.id)
                        : item.address.path,
                stateColumn: state.targetStateColumn,
                statusColumn: state.targetStatusColumn,
            });
            const { batchSize: size, ...options } = writeOptions(ctx.plan, table, signal);
            const now = await currentStates(ctx, table, items, { signal });
            const pending: StateItem[] = [];
            for (const item of items) {
                const current = now.get(addressIdentity(item.address));
                if (current && current.state === item.state && current.status === item.status) {
                    counts.skipped++;
                    counts.unchanged++;
                } else pending.push(current ? { ...item, from: current } : item);
            }
            items = pending;
            const open = state.created;
            // Leaving a message-only state (won, qualified, resolved ...) needs the row reopened first.
            const reopen = items.filter(
                (i) =>
                    open !== undefined &&
                    i.from !== undefined &&
                    i.from.state !== open.state &&
                    needsMessage(table.target.logicalName, i.from.state) &&
                    i.state !== i.from.state,
            );
            const reopened = new Set<StateItem>();
            for (const chunk of chunked(reopen, size)) {
                const responses = await ctx.target.batch(
                    chunk.map((i) => stateRequest(targetOf(i), open!.state, open!.status)),
                    options,
                );
                chunk.forEach((item, i) => {
                    if (ok(responses[i])) reopened.add(item);
                    else failures.add({ sourceId: item.sourceId, ...failureOf(responses[i]) });
                });
            }
            const ready = items.filter((i) => !reopen.includes(i) || reopened.has(i));
            const alreadyOpen = (i: StateItem) =>
                reopened.has(i) && open !== undefined && i.state === open.state && i.status === open.status;
            for (const chunk of chunked(
                ready.filter((i) => !alreadyOpen(i)),
                size,
            )) {
                const responses = await ctx.target.batch(
                    chunk.map((i) => stateRequest(targetOf(i), i.state, i.status, i.close)),
                    options,
                );
                chunk.forEach((item, i) => {
                    if (ok(responses[i])) counts.written++;
                    else failures.add({ sourceId: item.sourceId, ...failureOf(responses[i]) });
                });
            }
            counts.written += ready.filter(alreadyOpen).length;
        },
    });
}
