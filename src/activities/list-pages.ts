/**
 * The listPages activity, for one table: how the table's rows are divided into pages for this
 * run. A full run walks the primary keys (pages are key ranges); a watermark run walks the keys of rows
 * modified since the last one; a delta run reads the change-tracking delta into lists of changed and
 * deleted ids. With incremental refresh on, the next state is taken first. A watermark run reads back
 * `options.watermarkLagMinutes` before the stored watermark (late commits). A delta token older than the source's
 * change retention is not sent, and one the source refuses is dropped: either way the table is compared in full,
 * deletes included (delta-fallback.ts), and the reason is logged and kept in the summary. The listing is written
 * once: a repeated activity execution returns what the first one stored, so pages never shift under the orchestrator.
 * A subset run lists the ids its plan took (subset-pages.ts), whatever the mode.
 */
import { changeRetentionDays, refusedDeltaReason } from './delta-fallback.js';
import { keyChunk, KEY_WALK_PAGE_SIZE } from '../plan/pages.js';
import type { TablePlan } from '../plan/types.js';
import { andFilters } from '../copy/addressing.js';
import { appendEvent } from '../run/events.js';
import {
    deltaTooOld,
    readSyncState,
    tableFingerprint,
    tableShape,
    watermarkFilter,
    type TableMode,
    type TableSyncState,
} from '../run/sync-state.js';
import type { RunContext, StoredPages } from '../run/run-context.js';
import { pagesKind, writeWork, type PageKind } from '../run/work.js';
import type { ActivityOptions, ListPagesInput } from './contract.js';
import { RunDocumentError } from '../run/activity-failure.js';
import { listSubset } from './subset-pages.js';
import { readFailedRows } from '../runlog/failed-rows.js';

export interface ListPagesOutcome {
    table: string;
    /** The mode actually used (a delta whose token expired runs in full). */
    mode: TableMode;
    kind: PageKind;
    pages: number;
    rows: number;
    /** Delta runs: lists of ids deleted in the source since the last run. */
    deletedPages: number;
    deleted: number;
    fallback?: string;
    /** Set for a chunk of the listing. */
    chunk?: number;
    /** Number of the first page of this listing (pages are numbered across the chunks of a table). */
    firstPage: number;
    /** More chunks follow: the next one walks on after `next`. */
    more: boolean;
    next?: string;
    ms: number;
}

/**
 * Pages one chunk walks: as many as fit in one key-walk request for the first (one key less, so the
 * same request also shows whether more keys follow), doubling after.
 */
export function chunkPages(chunk: number, pageSize: number): number {
    return Math.max(1, Math.floor((KEY_WALK_PAGE_SIZE * 2 ** Math.min(chunk, 20) - 1) / pageSize));
}

/**
 * A retry (`run --retry-failed`): the source ids of the rows the earlier run failed in this table, as
 * lists of ids (the pages of a delta run). Failed deletes are left out: a retry copies, it never deletes.
 */
async function listRetry(ctx: RunContext, table: TablePlan): Promise<{ pages: number; rows: number }> {
    if (!ctx.retryOf) throw new RunDocumentError(`run ${ctx.runId}: a retry listing without the run it retries`);
    const failed = await readFailedRows(ctx.store, ctx.retryOf, table.name);
    const ids = [...new Set(failed.filter((r) => r.phase !== 'delete').map((r) => r.source_id.toLowerCase()))];
    const size = ctx.plan.options.pageSize;
    let pages = 0;
    for (let i = 0; i < ids.length; i += size)
        await writeWork(ctx, 'delta', table.name, pages++, ids.slice(i, i + size));
    return { pages, rows: ids.length };
}

async function takeNextState(
    ctx: RunContext,
    table: TablePlan,
    signal?: AbortSignal,
): Promise<TableSyncState | undefined> {
    if (!ctx.plan.options.incremental) return undefined;
    const common = {
        takenAt: ctx.now().toISOString(),
        runId: ctx.runId,
        fingerprint: tableFingerprint(table),
        shape: tableShape(table),
    };
    if (table.changeTracking) {
        let deltaLink: string | undefined;
        for await (const page of ctx.source.readChanges(
            table.source.entitySetName,
            { select: [table.source.primaryId] },
            { pageSize: 5000, ...(signal ? { signal } : {}) },
        )) {
            deltaLink = page.deltaLink ?? deltaLink;
        }
        if (!deltaLink) throw new Error(`${table.name}: the change-tracking read ended without a deltaLink`);
        return { kind: 'delta', deltaLink, ...common };
    }
    return { kind: 'watermark', column: 'modifiedon', value: await latestModifiedOn(ctx, table, signal), ...common };
}

/** The newest modifiedon of the source table (server time, so no clock skew), or the epoch when empty. */
async function latestModifiedOn(ctx: RunContext, table: TablePlan, signal?: AbortSignal): Promise<string> {
    for await (const page of ctx.source.queryPages(
        table.source.entitySetName,
        { select: ['modifiedon'], orderBy: 'modifiedon desc', top: 1 },
        signal ? { signal } : {},
    )) {
        const value = page[0]?.modifiedon;
        if (typeof value === 'string') return value;
        break;
    }
    return '1970-01-01T00:00:00Z';
}

async function listByKeys(
    ctx: RunContext,
    table: TablePlan,
    extraFilter: string | undefined,
    input: ListPagesInput,
    signal?: AbortSignal,
): Promise<{ pages: number; rows: number; next: string | null }> {
    const chunk = await keyChunk(
        ctx.source,
        { entitySetName: table.source.entitySetName, primaryId: table.source.primaryId },
        ctx.plan.options.pageSize,
        {
            ...(andFilters(table.filter, extraFilter) !== undefined
                ? { filter: andFilters(table.filter, extraFilter) }
                : {}),
            after: input.after ?? null,
            ...(input.chunk !== undefined ? { maxPages: chunkPages(input.chunk, ctx.plan.options.pageSize) } : {}),
            ...(signal ? { signal } : {}),
        },
    );
    const doc: StoredPages = {
        ranges: chunk.ranges,
        rowCount: chunk.rowCount,
        firstPage: input.firstPage ?? 0,
        ...(extraFilter !== undefined ? { since: extraFilter } : {}),
    };
    await ctx.store.writeJson(ctx.paths.pages(table.name, pagesKind(input.chunk)), doc);
    return { pages: chunk.ranges.length, rows: chunk.rowCount, next: chunk.next };
}

async function listDelta(
    ctx: RunContext,
    table: TablePlan,
    deltaLink: string,
    signal?: AbortSignal,
): Promise<{ pages: number; rows: number; deletedPages: number; deleted: number; next: string }> {
    const size = ctx.plan.options.pageSize;
    let changed: string[] = [];
    let deleted: string[] = [];
    const counts = { pages: 0, rows: 0, deletedPages: 0, deleted: 0 };
    const seen = new Set<string>();
    let next: string | undefined;
    const flushChanged = async (all: boolean) => {
        while (changed.length >= size || (all && changed.length > 0)) {
            await writeWork(ctx, 'delta', table.name, counts.pages++, changed.slice(0, size));
            changed = changed.slice(size);
        }
    };
    const flushDeleted = async (all: boolean) => {
        while (deleted.length >= size || (all && deleted.length > 0)) {
            await writeWork(ctx, 'delete-delta', table.name, counts.deletedPages++, deleted.slice(0, size));
            deleted = deleted.slice(size);
        }
    };
    for await (const page of ctx.source.readChanges(
        table.source.entitySetName,
        { select: [table.source.primaryId] },
        { pageSize: 5000, deltaLink, ...(signal ? { signal } : {}) },
    )) {
        for (const row of page.rows) {
            const id = String(row[table.source.primaryId]).toLowerCase();
            if (seen.has(id)) continue; // a row changed twice is listed once
            seen.add(id);
            changed.push(id);
            counts.rows++;
        }
        for (const id of page.deleted) {
            deleted.push(id.toLowerCase());
            counts.deleted++;
        }
        await flushChanged(false);
        await flushDeleted(false);
        next = page.deltaLink ?? next;
    }
    await flushChanged(true);
    await flushDeleted(true);
    if (!next) throw new Error(`${table.name}: the delta read ended without a new deltaLink`);
    return { ...counts, next };
}

export async function listPages(
    ctx: RunContext,
    input: ListPagesInput,
    { signal }: ActivityOptions = {},
): Promise<ListPagesOutcome> {
    const listingPath = ctx.paths.listing(input.table, input.chunk);
    const stored = await ctx.store.readJson<ListPagesOutcome>(listingPath);
    if (stored) return stored;
    const started = Date.now();
    const table = ctx.table(input.table);
    const outcome: ListPagesOutcome = {
        table: table.name,
        mode: input.mode,
        kind: 'copy',
        pages: 0,
        rows: 0,
        deletedPages: 0,
        deleted: 0,
        ...(input.chunk !== undefined ? { chunk: input.chunk } : {}),
        firstPage: input.firstPage ?? 0,
        more: false,
        ms: 0,
    };
    if (input.mode === 'retry') {
        Object.assign(outcome, { kind: 'delta', ...(await listRetry(ctx, table)) });
        return finishListing(ctx, input, listingPath, outcome, started);
    }
    if (ctx.spec.subset) {
        Object.assign(outcome, { kind: 'delta', mode: 'full', ...(await listSubset(ctx, table, signal)) });
        return finishListing(ctx, input, listingPath, outcome, started);
    }
    const previous =
        input.mode === 'full'
            ? undefined
            : await readSyncState(ctx.store, ctx.spec.source.url, ctx.spec.target.url, table.name);
    let pending: TableSyncState | undefined;
    // Later chunks only walk on; the first one decided the mode and took the next incremental state.
    const first = (input.chunk ?? 0) === 0;

    // Full from here on, and why: the summary keeps the reason, the events log it.
    const fallBack = async (why: string) => {
        outcome.mode = 'full';
        outcome.fallback = `${why}: comparing the table in full${table.deleteMissing ? ', deletes included' : ''}`;
        await appendEvent(ctx, { type: 'fallback', table: table.name, message: outcome.fallback });
    };

    if (first && input.mode === 'delta' && previous?.kind === 'delta') {
        const tooOld = deltaTooOld(previous, await changeRetentionDays(ctx.source, signal), ctx.now());
        if (tooOld) await fallBack(tooOld);
        else {
            try {
                const delta = await listDelta(ctx, table, previous.deltaLink, signal);
                Object.assign(outcome, {
                    kind: 'delta',
                    pages: delta.pages,
                    rows: delta.rows,
                    deletedPages: delta.deletedPages,
                    deleted: delta.deleted,
                });
                pending = { ...previous, deltaLink: delta.next, takenAt: ctx.now().toISOString(), runId: ctx.runId };
            } catch (error) {
                const refused = refusedDeltaReason(error);
                if (refused === undefined) throw error;
                await fallBack(refused);
            }
        }
    }
    if (outcome.kind === 'copy') {
        if (first) pending = await takeNextState(ctx, table, signal);
        const since =
            outcome.mode === 'watermark' && previous?.kind === 'watermark'
                ? watermarkFilter(previous, ctx.spec.options.watermarkLagMinutes)
                : undefined;
        if (outcome.mode === 'watermark' && !since) {
            if (previous?.kind === 'watermark')
                await fallBack(`the stored watermark '${previous.value}' is no instant`);
            outcome.mode = 'full';
        }
        const listed = await listByKeys(ctx, table, since, input, signal);
        outcome.pages = listed.pages;
        outcome.rows = listed.rows;
        if (listed.next !== null) {
            outcome.more = true;
            outcome.next = listed.next;
        }
    }
    if (pending) await ctx.store.writeJson(ctx.paths.pendingState(table.name), pending);
    return finishListing(ctx, input, listingPath, outcome, started);
}

/** Stores the listing (a repeated execution returns it as it is) and logs it. */
async function finishListing(
    ctx: RunContext,
    input: ListPagesInput,
    listingPath: string,
    outcome: ListPagesOutcome,
    started: number,
): Promise<ListPagesOutcome> {
    outcome.ms = Date.now() - started;
    await ctx.store.writeJson(listingPath, outcome);
    await appendEvent(ctx, {
        type: 'table-listed',
        table: outcome.table,
        mode: outcome.mode,
        ...(input.chunk !== undefined ? { chunk: input.chunk, more: outcome.more } : {}),
        pages: outcome.pages,
        rows: outcome.rows,
        deleted: outcome.deleted,
        ms: outcome.ms,
    });
    return outcome;
}
