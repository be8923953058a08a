/**
 * The findDeletes activity (`deleteMissing`), per page: the target rows whose source row is gone, only
 * inside the table's filter scope, stored as the page's delete work. Full runs compare key ranges of
 * the target with the same ranges of the source; delta runs take the ids change tracking reported as
 * deleted (tables matched on a key compare ranges, since a deleted source row no longer tells its key).
 * Nothing is deleted here: the orchestrator adds up the candidates and refuses the whole delete phase
 * past `options.maxDeleteShare` of a table.
 */
import {
    andFilters,
    filterBudget,
    idFilters,
    keyCollation,
    keyColumns,
    keyFilters,
    keyIdentity,
} from '../copy/addressing.js';
import { collectRows, readFiltered } from '../copy/page-read.js';
import { pageFilter } from '../plan/pages.js';
import type { TablePlan } from '../plan/types.js';
import { RunDocumentError } from '../run/activity-failure.js';
import { isCancelRequested } from '../run/cancel.js';
import type { RunContext } from '../run/run-context.js';
import { readWork, writeWork } from '../run/work.js';
import type { ActivityOptions, FindDeletesInput } from './contract.js';
import type { DeleteItem } from './work-items.js';

export interface FindDeletesOutcome {
    table: string;
    page: number;
    candidates: number;
    cancelled?: boolean;
}

/** Target ids of `(lo, hi]` whose source row does not exist (by id, or by key values). */
async function missingInRange(
    ctx: RunContext,
    table: TablePlan,
    page: number,
    signal: AbortSignal | undefined,
): Promise<string[]> {
    const pages = await ctx.pages(table.name, 'delete');
    const range = pages.ranges[page];
    if (!range) throw new RunDocumentError(`run ${ctx.runId}: ${table.name} has no delete page ${page}`);
    const options = { pageSize: 5000, ...(signal ? { signal } : {}) };
    const tpk = table.target.primaryId;
    const keys = keyColumns(table);
    const targetFilter = andFilters(pageFilter(range, tpk), table.filter);
    const targetRows = await collectRows(
        ctx.target.queryPages(
            table.target.entitySetName,
            { select: [tpk, ...keys.map((k) => k.name)], ...(targetFilter ? { filter: targetFilter } : {}) },
            options,
        ),
    );
    if (targetRows.length === 0) return [];
    if (table.match.kind === 'id') {
        const spk = table.source.primaryId;
        const sourceFilter = pageFilter(range, spk);
        const present = new Set(
            (
                await collectRows(
                    ctx.source.queryPages(
                        table.source.entitySetName,
                        { select: [spk], ...(sourceFilter ? { filter: sourceFilter } : {}) },
                        options,
                    ),
                )
            ).map((r) => String(r[spk]).toLowerCase()),
        );
        return targetRows.map((r) => String(r[tpk]).toLowerCase()).filter((id) => !present.has(id));
    }
    const { sourceColumns } = table.match;
    const sourceKeys = sourceColumns.map((name, i) => ({ name, ...(keys[i]?.type ? { type: keys[i].type } : {}) }));
    const tuples = targetRows.map((r) => keys.map((k) => r[k.name] ?? null));
    const collation = keyCollation(table);
    const present = new Set(
        (
            await readFiltered(
                ctx.source,
                table.source.entitySetName,
                sourceColumns,
                keyFilters(sourceKeys, tuples, filterBudget(sourceColumns)),
                { signal },
            )
        ).map((r) =>
            keyIdentity(
                sourceColumns.map((c) => r[c] ?? null),
                collation,
            ),
        ),
    );
    return targetRows
        .filter(
            (r) =>
                !present.has(
                    keyIdentity(
                        keys.map((k) => r[k.name] ?? null),
                        collation,
                    ),
                ),
        )
        .map((r) => String(r[tpk]).toLowerCase());
}

/** Ids change tracking reported deleted in the source that still have a target row (inside the filter). */
async function deletedFromDelta(
    ctx: RunContext,
    table: TablePlan,
    page: number,
    signal: AbortSignal | undefined,
): Promise<string[]> {
    const ids = await readWork<string>(ctx, 'delete-delta', table.name, page);
    const tpk = table.target.primaryId;
    const filters = idFilters(tpk, ids, filterBudget([tpk], table.filter)).map((f) => andFilters(f, table.filter)!);
    const rows = await readFiltered(ctx.target, table.target.entitySetName, [tpk], filters, { signal });
    return rows.map((r) => String(r[tpk]).toLowerCase());
}

export async function findDeletes(
    ctx: RunContext,
    input: FindDeletesInput,
    { signal }: ActivityOptions = {},
): Promise<FindDeletesOutcome> {
    const table = ctx.table(input.table);
    if (await isCancelRequested(ctx)) return { table: table.name, page: input.page, candidates: 0, cancelled: true };
    const ids =
        input.source === 'delta'
            ? await deletedFromDelta(ctx, table, input.page, signal)
            : await missingInRange(ctx, table, input.page, signal);
    await writeWork(
        ctx,
        'delete',
        table.name,
        input.page,
        ids.map((id): DeleteItem => ({ id })),
    );
    return { table: table.name, page: input.page, candidates: ids.length };
}
