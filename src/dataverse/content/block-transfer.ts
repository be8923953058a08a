/**
 * Content moved in blocks of at most 4 MB through the file block messages, so no body is ever whole in memory:
 * a download is InitializeFileBlocksDownload (or its annotation / attachment variant) then one DownloadBlock per
 * block; an upload is Initialize*BlocksUpload, one UploadBlock per block, Commit*BlocksUpload (file-column-data.md,
 * attachment-annotation-files.md). Every message is a request of its own through the client's limiter and retries;
 * a block sent twice is the same block (its BlockId), only the commit goes at most once.
 */
import { createHash } from 'node:crypto';
import type { DataverseWriteClient, Row } from '../client-types.js';
import { isDataverseError } from '../errors.js';
import { BLOCK_SIZE, downloadStart, uploadMessages, type ContentRef, type UploadFile } from './content-ref.js';

/** The one client method the block messages need. */
export type ContentClient = Pick<DataverseWriteClient, 'action'>;

export interface Download {
    /** FileSizeInBytes: the size, known before any byte is read. */
    size: number;
    fileName: string | null;
    /** The bytes, one block (at most 4 MB) at a time, each read when the caller asks for it. */
    blocks(): AsyncIterable<Buffer>;
}

interface DownloadStarted {
    FileContinuationToken: string;
    FileSizeInBytes: number;
    FileName?: string | null;
}

/**
 * Starts a download; undefined when there is no content (the service answers 404 ObjectDoesNotExist, 0x80040217, for a
 * row without a file or note body).
 */
export async function openDownload(
    client: ContentClient,
    ref: ContentRef,
    options: { signal?: AbortSignal; blockSize?: number } = {},
): Promise<Download | undefined> {
    const { action, body } = downloadStart(ref);
    let started: DownloadStarted;
    try {
        started = await client.action<DownloadStarted>(action, body, { signal: options.signal });
    } catch (error) {
        if (isDataverseError(error) && error.status === 404) return undefined;
        throw error;
    }
    const size = Number(started.FileSizeInBytes);
    const blockSize = Math.min(options.blockSize ?? BLOCK_SIZE, BLOCK_SIZE);
    const token = started.FileContinuationToken;
    return {
        size,
        fileName: started.FileName ?? null,
        async *blocks() {
            for (let offset = 0; offset < size; offset += blockSize) {
                const length = Math.min(blockSize, size - offset);
                const answer = await client.action<{ Data: string }>(
                    'DownloadBlock',
                    { Offset: offset, BlockLength: length, FileContinuationToken: token },
                    { signal: options.signal },
                );
                const block = Buffer.from(answer.Data, 'base64');
                if (block.length !== length)
                    throw new Error(
                        `DownloadBlock at ${offset} answered ${block.length} bytes of ${length} (file of ${size})`,
                    );
                yield block;
            }
        },
    };
}

/** The content's size and SHA-256 (hex), read block by block; undefined when there is none. */
export async function contentHash(
    client: ContentClient,
    ref: ContentRef,
    options: { signal?: AbortSignal } = {},
): Promise<{ size: number; sha256: string } | undefined> {
    const download = await openDownload(client, ref, options);
    if (!download) return undefined;
    const hash = createHash('sha256');
    for await (const block of download.blocks()) hash.update(block);
    return { size: download.size, sha256: hash.digest('hex') };
}

/** A block's id: Base64 of at most 64 bytes (UploadBlock BlockId), the same for the same position. */
export function blockId(index: number): string {
    return Buffer.from(`block-${String(index).padStart(8, '0')}`).toString('base64');
}

interface UploadStarted {
    FileContinuationToken: string;
}

/**
 * Uploads blocks as they come (each at most 4 MB; the caller keeps one in hand at a time) and commits them; returns the
 * bytes sent. A commit whose answer was lost is thrown (`atMostOnce`): the caller reads the target to settle it.
 */
export async function uploadBlocks(
    client: ContentClient,
    ref: ContentRef,
    file: UploadFile,
    blocks: AsyncIterable<Buffer> | Iterable<Buffer>,
    options: { signal?: AbortSignal } = {},
): Promise<{ size: number; answer: Row | undefined }> {
    const { start, commit } = uploadMessages(ref, file);
    const { signal } = options;
    const started = await client.action<UploadStarted>(start.action, start.body, { signal });
    const token = started.FileContinuationToken;
    const ids: string[] = [];
    let size = 0;
    for await (const block of blocks) {
        if (block.length > BLOCK_SIZE) throw new Error(`a block of ${block.length} bytes is over the 4 MB limit`);
        const id = blockId(ids.length);
        await client.action(
            'UploadBlock',
            { BlockId: id, BlockData: block.toString('base64'), FileContinuationToken: token },
            { signal },
        );
        ids.push(id);
        size += block.length;
    }
    const answer = await client.action<Row | undefined>(
        commit.action,
        { ...commit.body, BlockList: ids, FileContinuationToken: token },
        { signal, atMostOnce: true },
    );
    return { size, answer };
}
