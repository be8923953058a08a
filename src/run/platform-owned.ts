/**
 * Columns the target's own logic rewrites (Microsoft-published plug-ins, system calculations, autonumbers, SLAs; never
 * bypassed), as runs notice them: a write whose value the target changed (src/copy/rewritten-columns.ts). One document
 * per target table and column (`platform-owned/{target}/{table}/{column}.json`), created once, by whichever page of
 * whichever run noticed it first; that page alone reports it. Later plans leave the column out of every comparison and
 * write of the table (TablePlan.platformOwned). Deleting the document makes runs write and check the column again.
 */
import { z } from 'zod';
import { isExactNumber } from '../dataverse/exact-number.js';
import type { Plan } from '../plan/types.js';
import { platformOwnedFolder, platformOwnedPath } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';

export const platformOwnedRecordSchema = z.object({
    /** Target logical names. */
    table: z.string(),
    column: z.string(),
    /** The run that noticed it, and when. */
    runId: z.string(),
    noticedAt: z.string(),
    /** The example: the source row, what the run wrote and what the target held after the write. */
    sourceId: z.string(),
    wrote: z.string(),
    found: z.string(),
});

export type PlatformOwnedRecord = z.infer<typeof platformOwnedRecordSchema>;

/** The one sentence every report of a noticed column carries. */
export const PLATFORM_OWNED_REASON = "the target's own logic rewrites this column; it is no longer written or compared";

export function platformOwnedMessage(
    r: Pick<PlatformOwnedRecord, 'table' | 'column' | 'sourceId' | 'wrote' | 'found'>,
): string {
    return `${r.table}.${r.column}: ${PLATFORM_OWNED_REASON} (row ${r.sourceId}: wrote ${r.wrote}, the target holds ${r.found})`;
}

/** A value as a record keeps it: JSON (an exact number as its digits), cut at 200 characters. */
export function exampleValue(value: unknown): string {
    const text =
        value === null || value === undefined ? 'null' : isExactNumber(value) ? String(value) : JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** The columns of a target table known to be platform-owned (their document names). */
export async function knownPlatformOwned(store: RunStore, target: string, table: string): Promise<Set<string>> {
    const folder = platformOwnedFolder(target, table);
    const paths = await store.list(folder);
    return new Set(paths.filter((p) => p.endsWith('.json')).map((p) => p.slice(folder.length, -'.json'.length)));
}

/** Every platform-owned column of the target that a document records readably. */
export async function readPlatformOwned(store: RunStore, target: string): Promise<PlatformOwnedRecord[]> {
    const paths = (await store.list(platformOwnedFolder(target))).filter((p) => p.endsWith('.json'));
    const records = await Promise.all(paths.map((p) => store.readJson<unknown>(p)));
    return records.flatMap((r) => {
        const parsed = platformOwnedRecordSchema.safeParse(r);
        return parsed.success ? [parsed.data] : [];
    });
}

/** Records a noticed column; true only for the caller that created its document (the one to report it). */
export function recordPlatformOwned(store: RunStore, target: string, record: PlatformOwnedRecord): Promise<boolean> {
    const path = platformOwnedPath(target, record.table, record.column);
    return store.leases.create(path, JSON.stringify(record, null, 2));
}

/** Marks the columns earlier runs noticed in the plan's tables (declared ones stay as the spec says). */
export function addNoticed(plan: Plan, records: readonly PlatformOwnedRecord[]): void {
    for (const table of Object.values(plan.tables)) {
        for (const r of records) {
            if (r.table !== table.target.logicalName) continue;
            if (!table.columns.some((c) => c.target === r.column)) continue;
            if (table.platformOwned?.some((p) => p.column === r.column)) continue;
            (table.platformOwned ??= []).push({ column: r.column, by: 'noticed' });
        }
    }
}
