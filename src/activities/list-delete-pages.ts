/**
 * The listDeletePages activity: the target's rows inside the table's filter, divided into key-range
 * pages once (a repeated execution returns the stored list), and their count, the base of the delete
 * safety share.
 */
import { pageBoundaries } from '../plan/pages.js';
import type { RunContext } from '../run/run-context.js';
import type { ActivityOptions, ListDeletesInput } from './contract.js';

export interface ListDeletesOutcome {
    table: string;
    /** Key-range pages of the target, inside the filter. */
    pages: number;
    /** Target rows inside the filter: the base of the safety share. */
    targetRows: number;
    ms: number;
}

export async function listDeletePages(
    ctx: RunContext,
    input: ListDeletesInput,
    { signal }: ActivityOptions = {},
): Promise<ListDeletesOutcome> {
    const started = Date.now();
    const table = ctx.table(input.table);
    const path = ctx.paths.pages(table.name, 'delete');
    let pages = await ctx.store.readJson<{ ranges: unknown[]; rowCount: number }>(path);
    if (!pages) {
        pages = await pageBoundaries(
            ctx.target,
            { entitySetName: table.target.entitySetName, primaryId: table.target.primaryId },
            ctx.plan.options.pageSize,
            table.filter,
            signal ? { signal } : {},
        );
        await ctx.store.writeJson(path, pages);
    }
    return { table: table.name, pages: pages.ranges.length, targetRows: pages.rowCount, ms: Date.now() - started };
}
