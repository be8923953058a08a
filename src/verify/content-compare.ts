/**
 * verify's comparison of binary content (files, full-size images, note bodies): by size first (FileSizeInBytes, no
 * bytes read), then by SHA-256 read block by block on both sides, never a body whole in memory.
 */
import { createHash } from 'node:crypto';
import { openDownload, type ContentClient, type ContentRef } from '../dataverse/content/index.js';
import { neitherHasContent, type ContentPresence } from '../copy/content-presence.js';
import { contentRef } from '../copy/content-targets.js';
import type { TablePlan } from '../plan/types.js';
import { eachLimited } from '../util/each-limited.js';

/** Size and hash of one side's content, undefined when it has none (or an empty one). */
async function fingerprint(
    client: ContentClient,
    ref: ContentRef,
    withHash: boolean,
    signal?: AbortSignal,
): Promise<{ size: number; sha256?: string } | undefined> {
    const download = await openDownload(client, ref, { signal });
    if (!download || download.size === 0) return undefined;
    if (!withHash) return { size: download.size };
    const hash = createHash('sha256');
    for await (const block of download.blocks()) hash.update(block);
    return { size: download.size, sha256: hash.digest('hex') };
}

/** Whether the content of one column is the same on both sides. */
async function sameContent(
    source: ContentClient,
    target: ContentClient,
    from: ContentRef,
    to: ContentRef,
    signal?: AbortSignal,
): Promise<boolean> {
    const [a, b] = await Promise.all([
        fingerprint(source, from, false, signal),
        fingerprint(target, to, false, signal),
    ]);
    if (a === undefined || b === undefined) return a === b;
    if (a.size !== b.size) return false;
    const [x, y] = await Promise.all([fingerprint(source, from, true, signal), fingerprint(target, to, true, signal)]);
    return x?.sha256 === y?.sha256;
}

/** The content columns (source names) that differ, per source id of the given matched rows. */
export async function differentContent(
    clients: { source: ContentClient; target: ContentClient },
    table: TablePlan,
    rows: ReadonlyArray<{ sourceId: string; targetId: string }>,
    options: { signal?: AbortSignal; concurrency?: number; presence?: ContentPresence } = {},
): Promise<Map<string, string[]>> {
    const different = new Map<string, string[]>();
    const columns = table.content ?? [];
    if (columns.length === 0 || rows.length === 0) return different;
    const { source, target } = clients;
    await eachLimited(rows, options.concurrency ?? 4, async ({ sourceId, targetId }) => {
        for (const column of columns) {
            // What the rows say: neither side holds content here, so both are the same without a request.
            if (options.presence && neitherHasContent(options.presence, column, sourceId, targetId)) continue;
            const from = contentRef(table, column, 'source', sourceId);
            const to = contentRef(table, column, 'target', targetId);
            if (await sameContent(source, target, from, to, options.signal)) continue;
            different.set(sourceId, [...(different.get(sourceId) ?? []), column.target]);
        }
    });
    return different;
}
