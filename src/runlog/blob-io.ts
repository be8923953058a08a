/**
 * Downloads shared by the Blob stores. Every read is one GET, so its bytes come from one version of the
 * blob even while a writer replaces it (the SDK's ranged `downloadToBuffer` could mix two versions), and
 * a missing blob is `undefined`, not an error.
 */
import type { BlobClient } from '@azure/storage-blob';
import { isBlobMissing } from './blob-errors.js';

export interface DownloadedVersion {
    bytes: Buffer;
    etag: string;
    blobType: string | undefined;
}

/** The bytes (from `offset`, `count` of them when given) with the ETag and type of that version. */
export async function downloadVersion(
    blob: BlobClient,
    offset = 0,
    count?: number,
): Promise<DownloadedVersion | undefined> {
    let answer;
    try {
        answer = await blob.download(offset, count);
    } catch (error) {
        if (isBlobMissing(error)) return undefined;
        throw error;
    }
    const chunks: Buffer[] = [];
    if (answer.readableStreamBody)
        for await (const chunk of answer.readableStreamBody)
            chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return { bytes: Buffer.concat(chunks), etag: answer.etag ?? '', blobType: answer.blobType };
}

/** The bytes alone, or undefined when the blob does not exist. */
export async function download(blob: BlobClient, offset = 0, count?: number): Promise<Buffer | undefined> {
    return (await downloadVersion(blob, offset, count))?.bytes;
}
