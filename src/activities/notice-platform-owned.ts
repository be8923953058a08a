/**
 * After a page's writes: the written columns the target's own logic changed (src/copy/rewritten-columns.ts) are
 * recorded as platform-owned for the target table (src/run/platform-owned.ts), and the page that records a column
 * first reports it, once, as a warning event. Later runs neither write nor compare those columns.
 */
import type { TablePlan } from '../plan/types.js';
import { appendEvents } from '../run/events.js';
import type { RunContext } from '../run/run-context.js';
import {
    exampleValue,
    knownPlatformOwned,
    platformOwnedMessage,
    recordPlatformOwned,
    type PlatformOwnedRecord,
} from '../run/platform-owned.js';
import { columnsToCheck, findRewrittenColumns, type WrittenRow } from '../copy/rewritten-columns.js';

export const PLATFORM_OWNED_CODE = 'PlatformOwned';

export async function noticePlatformOwned(
    ctx: RunContext,
    table: TablePlan,
    written: readonly WrittenRow[],
    signal?: AbortSignal,
): Promise<void> {
    const declared = new Set((table.platformOwned ?? []).map((p) => p.column));
    if (!written.some((w) => columnsToCheck(table, w, declared).length > 0)) return;
    const target = ctx.plan.targetUrl;
    const known = new Set([...declared, ...(await knownPlatformOwned(ctx.store, target, table.target.logicalName))]);
    const found = await findRewrittenColumns(ctx.target, table, written, known, signal ? { signal } : {});
    const reports = [];
    for (const f of found) {
        const record: PlatformOwnedRecord = {
            table: table.target.logicalName,
            column: f.column,
            runId: ctx.runId,
            noticedAt: ctx.now().toISOString(),
            sourceId: f.sourceId,
            wrote: exampleValue(f.wrote),
            found: exampleValue(f.found),
        };
        if (await recordPlatformOwned(ctx.store, target, record))
            reports.push({
                type: 'warning' as const,
                table: table.name,
                column: f.column,
                sourceId: f.sourceId,
                code: PLATFORM_OWNED_CODE,
                message: platformOwnedMessage(record),
            });
    }
    await appendEvents(ctx.store, ctx.runId, reports, ctx.now);
}
