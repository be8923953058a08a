/**
 * Columns the target's own logic rewrites: Microsoft-published plug-ins (never bypassed), system calculations,
 * autonumbers and SLAs change a value in the main operation of a write (bypass-custom-business-logic.md: plug-ins of
 * the core system or of a Microsoft solution run whatever the request asks; event-framework.md: a PreOperation step
 * changes the Target before it is saved). Compare-before-write would see that difference on every run and write the
 * column again, forever. So after a page's writes, a sample of the rows written is read back by id (or key), and a
 * written column whose value the target now holds otherwise is reported (run/platform-owned.ts).
 *
 * Cheap by construction: only pages that wrote rows, only columns not known yet, at most `REWRITE_SAMPLE` rows a page
 * (one read by ids, cut to the URL limit by readTargetRows). A rewritten row that falls outside one page's sample is
 * written again by the next run, where it is among the few rows written, so it is noticed then. Plain and choice
 * columns are checked; lookups are not (a plug-in that sets a lookup is declared in `platformOwned`).
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import type { ColumnMapping, TablePlan } from '../plan/types.js';
import type { ReadOptions } from './page-read.js';
import { readTargetRows } from './page-read.js';
import { addressIdentity, type ExpectedRow } from './row-plan.js';
import { sameValue } from './values.js';

/** Rows read back per page: one read request whatever the page size. */
export const REWRITE_SAMPLE = 20;

/** A row this page wrote, with what it wrote (a create's whole payload, an update's changed columns). */
export interface WrittenRow {
    source: Row;
    expected: ExpectedRow;
    payload: Row;
}

/** A written column the target holds otherwise, with the first row that showed it. */
export interface RewrittenColumn {
    column: string;
    sourceId: string;
    wrote: unknown;
    found: unknown;
}

/**
 * The written plain and choice columns of a row that are not known yet. Left out: the match key (it identifies the
 * row) and create-only columns (overriddencreatedon reads back as the platform keeps it, and no update ever writes or
 * compares it, so it never loops).
 */
export function columnsToCheck(table: TablePlan, row: WrittenRow, known: ReadonlySet<string>): ColumnMapping[] {
    const key = table.match.kind === 'key' ? table.match.columns : [];
    return row.expected.values
        .map((v) => v.column)
        .filter(
            (c) =>
                c.target in row.payload && c.writable !== 'create' && !known.has(c.target) && !key.includes(c.target),
        );
}

/** Reads a sample of the written rows back and names each checked column the target changed. */
export async function findRewrittenColumns(
    client: DataverseClient,
    table: TablePlan,
    written: readonly WrittenRow[],
    known: ReadonlySet<string>,
    options: ReadOptions & { sample?: number } = {},
): Promise<RewrittenColumn[]> {
    const sample = written
        .filter((w) => columnsToCheck(table, w, known).length > 0)
        .slice(0, options.sample ?? REWRITE_SAMPLE);
    if (sample.length === 0) return [];
    const targets = await readTargetRows(
        client,
        table,
        sample.map((w) => w.source),
        undefined,
        options.signal ? { signal: options.signal } : {},
        sample.map((w) => (w.expected.address.kind === 'key' ? w.expected.address.values : [])),
    );
    const found = new Map<string, RewrittenColumn>();
    for (const w of sample) {
        const actual = targets.get(addressIdentity(w.expected.address));
        if (!actual) continue; // deleted since the write: nothing to learn from it
        for (const column of columnsToCheck(table, w, known)) {
            if (found.has(column.target)) continue;
            const wrote = w.payload[column.target];
            const now = actual[column.target] ?? null;
            if (!sameValue(column, wrote, now))
                found.set(column.target, { column: column.target, sourceId: w.expected.sourceId, wrote, found: now });
        }
    }
    return [...found.values()];
}
