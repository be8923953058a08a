/**
 * A subset run's listing of one table (README "Subsets"): the ids the plan took, as lists of ids (the pages of a delta
 * run, read by id within the URL limit), and, with deleteMissing, the ids of the table's scope (rows earlier subset
 * runs took into this target) that the source no longer has: the only target rows the delete phase may remove.
 */
import { filterBudget, idFilters } from '../copy/addressing.js';
import { readFiltered } from '../copy/page-read.js';
import type { TablePlan } from '../plan/types.js';
import type { RunContext } from '../run/run-context.js';
import { readSubset } from '../run/subset-store.js';
import { writeWork } from '../run/work.js';

export interface SubsetListing {
    pages: number;
    rows: number;
    deletedPages: number;
    deleted: number;
}

async function writePages(
    ctx: RunContext,
    kind: 'delta' | 'delete-delta',
    table: string,
    ids: readonly string[],
): Promise<number> {
    const size = ctx.plan.options.pageSize;
    let pages = 0;
    for (let i = 0; i < ids.length; i += size) await writeWork(ctx, kind, table, pages++, ids.slice(i, i + size));
    return pages;
}

/** The scope's ids outside this run's subset whose source row is gone (by id: rows outside the filter still exist). */
async function goneFromScope(
    ctx: RunContext,
    table: TablePlan,
    ids: readonly string[],
    scope: readonly string[],
    signal?: AbortSignal,
): Promise<string[]> {
    const taken = new Set(ids);
    const candidates = scope.filter((id) => !taken.has(id));
    if (candidates.length === 0) return [];
    const pk = table.source.primaryId;
    const rows = await readFiltered(
        ctx.source,
        table.source.entitySetName,
        [pk],
        idFilters(pk, candidates, filterBudget([pk])),
        {
            signal,
        },
    );
    const present = new Set(rows.map((r) => String(r[pk]).toLowerCase()));
    return candidates.filter((id) => !present.has(id));
}

export async function listSubset(ctx: RunContext, table: TablePlan, signal?: AbortSignal): Promise<SubsetListing> {
    const { ids, scope } = await readSubset(ctx.store, ctx.runId, table.name);
    const gone = table.deleteMissing ? await goneFromScope(ctx, table, ids, scope, signal) : [];
    return {
        pages: await writePages(ctx, 'delta', table.name, ids),
        rows: ids.length,
        deletedPages: await writePages(ctx, 'delete-delta', table.name, gone),
        deleted: gone.length,
    };
}
