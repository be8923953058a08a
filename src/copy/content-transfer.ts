/**
 * One piece of binary content made equal in the target: compared first by size (FileSizeInBytes, no bytes read), then
 * by SHA-256 read block by block on both sides, so content already there moves no byte to the target; otherwise
 * streamed from source to target one block (at most 4 MB) at a time, never whole in memory. A source without content
 * clears the target's, as a row copy clears a value the source no longer has. A commit whose answer was lost is
 * settled by reading the target's hash, never sent again.
 */
import { createHash, type Hash } from 'node:crypto';
import type { DataverseWriteClient, Row } from '../dataverse/client-types.js';
import { isDataverseError, isUnknownOutcome } from '../dataverse/index.js';
import {
    contentHash,
    openDownload,
    uploadBlocks,
    type ContentRef,
    type Download,
    type UploadFile,
} from '../dataverse/content/index.js';

export interface ContentSide {
    client: DataverseWriteClient;
    ref: ContentRef;
}

export interface ContentTarget extends ContentSide {
    /** Removes the target's content (a file column's DELETE, an image or note body set to null). */
    clear(): Promise<void>;
    /**
     * Before an upload: what it names besides the bytes, which the block download does not give (a file's MIME type,
     * the columns a note's or attachment's Target carries), and for an attachment, whose upload only creates, the
     * removal of its row; `undo` puts a removed row back (without body) when the upload failed.
     */
    prepareUpload?(): Promise<{ columns?: Row; mimeType?: string; undo?(): Promise<void> }>;
}

/**
 * A piece of content this row cannot move now (its row or source content went away mid-page, a lookup its
 * attachment must carry cannot be bound again): the row fails with this code and reason, the run goes on.
 */
export class ContentRowError extends Error {
    override readonly name = 'ContentRowError';
    constructor(
        readonly code: 'ContentRowGone' | 'ContentUnbindable',
        message: string,
    ) {
        super(message);
    }
}

export interface ContentOutcome {
    action: 'unchanged' | 'copied' | 'cleared';
    /** Source bytes read (for comparing and for copying). */
    bytesRead: number;
    /** Bytes uploaded to the target. */
    bytesWritten: number;
}

/** The blocks of a download, each added to `hash` as it passes. */
async function* hashing(download: Download, hash: Hash): AsyncIterable<Buffer> {
    for await (const block of download.blocks()) {
        hash.update(block);
        yield block;
    }
}

async function digest(download: Download): Promise<string> {
    const hash = createHash('sha256');
    for await (const block of download.blocks()) hash.update(block);
    return hash.digest('hex');
}

export async function syncContent(
    source: ContentSide,
    target: ContentTarget,
    options: { signal?: AbortSignal; fileName: string },
): Promise<ContentOutcome> {
    const { signal } = options;
    const [from, to] = await Promise.all([
        openDownload(source.client, source.ref, { signal }),
        openDownload(target.client, target.ref, { signal }),
    ]);
    if (!from || from.size === 0) {
        if (!to || to.size === 0) return { action: 'unchanged', bytesRead: 0, bytesWritten: 0 };
        await target.clear();
        return { action: 'cleared', bytesRead: 0, bytesWritten: 0 };
    }
    let bytesRead = 0;
    let copyFrom: Download = from;
    if (to && to.size === from.size) {
        // Same size: same bytes? Both read block by block; the target's bytes are only read, never written.
        const [a, b] = await Promise.all([digest(from), digest(to)]);
        bytesRead += from.size;
        if (a === b) return { action: 'unchanged', bytesRead, bytesWritten: 0 };
        const again = await openDownload(source.client, source.ref, { signal });
        if (!again) throw new ContentRowError('ContentRowGone', 'the source content went away while it was compared');
        copyFrom = again;
    }
    const prepared = await target.prepareUpload?.();
    const file: UploadFile = {
        fileName: copyFrom.fileName ?? options.fileName,
        ...(prepared?.columns ? { columns: prepared.columns } : {}),
        ...(prepared?.mimeType ? { mimeType: prepared.mimeType } : {}),
    };
    try {
        return await upload(target, copyFrom, file, bytesRead, source, signal);
    } catch (error) {
        // The row removed for the upload comes back without its body: the next run uploads it again.
        if (prepared?.undo) await prepared.undo().catch(() => undefined);
        throw error;
    }
}

async function upload(
    target: ContentTarget,
    first: Download,
    file: UploadFile,
    readBefore: number,
    source: ContentSide,
    signal: AbortSignal | undefined,
): Promise<ContentOutcome> {
    let bytesRead = readBefore;
    let copyFrom = first;
    // A commit whose answer was lost and that the target did not take is sent once more, with a new upload session.
    let sentBefore = 0;
    for (let attempt = 1; ; attempt++) {
        const hash = createHash('sha256');
        try {
            const sent = await uploadBlocks(target.client, target.ref, file, hashing(copyFrom, hash), { signal });
            return { action: 'copied', bytesRead: bytesRead + sent.size, bytesWritten: sentBefore + sent.size };
        } catch (error) {
            // Every block went and the commit's answer was lost: the target tells whether it took it.
            if (signal?.aborted || !settledAfterLostCommit(error)) throw error;
            const wanted = hash.copy().digest('hex');
            const now = await contentHash(target.client, target.ref, { signal });
            bytesRead += copyFrom.size;
            sentBefore += copyFrom.size;
            if (now?.size === copyFrom.size && now.sha256 === wanted)
                return { action: 'copied', bytesRead, bytesWritten: sentBefore };
            if (attempt >= 2) throw error;
            const again = await openDownload(source.client, source.ref, { signal });
            if (!again) throw error;
            copyFrom = again;
        }
    }
}

/** A failure after which the service may have taken the commit (unknown-outcome.ts): worth a read of the target. */
function settledAfterLostCommit(error: unknown): boolean {
    return isDataverseError(error) && isUnknownOutcome(error);
}
