/**
 * A run's planned totals, per table and in all: the pages and rows its listings found, so a client can show a
 * percentage. Read from the small listing documents the listPages activity writes (one per table, or one per chunk
 * of a table walked in chunks), never from page lists or rows. A table walked in chunks grows until its last chunk
 * says no more follow; until then, and for tables not listed yet, the totals are incomplete and say so.
 */
import { z } from 'zod';
import { runPaths } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';

export interface PlannedCounts {
    pages: number;
    rows: number;
    /** False while the table (or any table) is still being listed: the counts can only grow. */
    complete: boolean;
}

export interface PlannedTotals extends PlannedCounts {
    tables: Record<string, PlannedCounts>;
}

/** The fields of a listing outcome this reads; the rest is the activity's business. */
const listingSchema = z.looseObject({
    pages: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    more: z.boolean(),
});

/** `account.listing.json` (listed whole) or `account.listing-3.json` (chunk 3). */
const LISTING_NAME = /^([a-z_][a-z0-9_]*)\.listing(?:-(\d+))?\.json$/;

interface Listing {
    table: string;
    chunk?: number;
    pages: number;
    rows: number;
    more: boolean;
}

async function readListings(store: RunStore, runId: string): Promise<Listing[]> {
    const paths = runPaths(runId);
    const names = (await store.list(paths.pagesFolder))
        .map((path) => LISTING_NAME.exec(path.slice(paths.pagesFolder.length)))
        .filter((match) => match !== null);
    const listings = await Promise.all(
        names.map(async ([path, table = '', chunk]) => {
            const parsed = listingSchema.safeParse(await store.readJson(paths.pagesFolder + path));
            if (!parsed.success) return undefined;
            const { pages, rows, more } = parsed.data;
            return { table, pages, rows, more, ...(chunk !== undefined ? { chunk: Number(chunk) } : {}) };
        }),
    );
    return listings.filter((l) => l !== undefined);
}

function tableCounts(listings: readonly Listing[]): PlannedCounts {
    const whole = listings.find((l) => l.chunk === undefined);
    if (whole) return { pages: whole.pages, rows: whole.rows, complete: !whole.more };
    const chunks = [...listings].sort((a, b) => (a.chunk ?? 0) - (b.chunk ?? 0));
    // Chunks are listed one after another: complete once they run 0..n without a gap and the last has no more.
    const contiguous = chunks.every((c, i) => c.chunk === i);
    return {
        pages: chunks.reduce((n, c) => n + c.pages, 0),
        rows: chunks.reduce((n, c) => n + c.rows, 0),
        complete: contiguous && chunks.length > 0 && chunks.at(-1)?.more === false,
    };
}

/** `tables` are the run's tables (from its spec): those without a listing yet count as incomplete zeros. */
export async function plannedTotals(store: RunStore, runId: string, tables: readonly string[]): Promise<PlannedTotals> {
    const byTable = new Map<string, Listing[]>(tables.map((t) => [t, []]));
    for (const listing of await readListings(store, runId))
        byTable.set(listing.table, [...(byTable.get(listing.table) ?? []), listing]);
    const counts = Object.fromEntries([...byTable].map(([table, listings]) => [table, tableCounts(listings)]));
    const all = Object.values(counts);
    return {
        pages: all.reduce((n, c) => n + c.pages, 0),
        rows: all.reduce((n, c) => n + c.rows, 0),
        complete: all.length > 0 && all.every((c) => c.complete),
        tables: counts,
    };
}
