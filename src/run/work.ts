/**
 * Per-page follow-up work in the run store: the copy phase leaves the rows whose deferred lookups,
 * state or deletion the later phases must handle, one document per page and kind. An empty list
 * deletes the document, so a page copied again never leaves stale work behind.
 */
import type { RunContext } from './run-context.js';

export type WorkKind =
    | 'deferred'
    | 'deferred-delta'
    | 'state'
    | 'state-delta'
    | 'delete'
    | 'delta'
    | 'delete-delta'
    | 'written'
    | 'written-delta'
    /** Rows whose binary content the content phase compares and copies (copy/content-transfer.ts). */
    | 'content'
    | 'content-delta'
    /** Pairs of a many-to-many relationship to disassociate (deleteMissing), page 0. */
    | 'disassociate';

/** `copy`: a page is a key range of the page list; `delta`: a list of changed ids from change tracking. */
export const PAGE_KINDS = ['copy', 'delta'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** Where the copy phase leaves a page's follow-up work, by the kind of page. */
export function workKinds(kind: PageKind): { deferred: WorkKind; state: WorkKind } {
    return kind === 'copy'
        ? { deferred: 'deferred', state: 'state' }
        : { deferred: 'deferred-delta', state: 'state-delta' };
}

/** Where the copy phase leaves a page's rows for the content phase. */
export function contentWorkKind(kind: PageKind): WorkKind {
    return kind === 'copy' ? 'content' : 'content-delta';
}

/** The page-list document of a whole listing or of one chunk of it. */
export function pagesKind(chunk: number | undefined): string {
    return chunk === undefined ? 'copy' : `copy-${chunk}`;
}

export async function writeWork(
    ctx: Pick<RunContext, 'store' | 'paths'>,
    kind: WorkKind,
    table: string,
    page: number,
    items: readonly unknown[],
): Promise<void> {
    const path = ctx.paths.work(kind, table, page);
    if (items.length === 0) await ctx.store.delete(path);
    else await ctx.store.writeJson(path, items);
}

export async function readWork<T>(
    ctx: Pick<RunContext, 'store' | 'paths' | 'runId'>,
    kind: WorkKind,
    table: string,
    page: number,
): Promise<T[]> {
    return (await ctx.store.readJson<T[]>(ctx.paths.work(kind, table, page))) ?? [];
}
