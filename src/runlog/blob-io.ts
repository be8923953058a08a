/** Downloads shared by the Blob stores: a missing blob is `undefined`, not an error. */
import type { BlobClient } from '@azure/storage-blob';
import { isBlobMissing } from './blob-errors.js';

/** A blob's bytes (the first `count` when given), or undefined when it does not exist. */
export async function download(blob: BlobClient, count?: number): Promise<Buffer | undefined> {
    try {
        return await blob.downloadToBuffer(0, count);
    } catch (error) {
        if (isBlobMissing(error)) return undefined;
        throw error;
    }
}

/** A blob's bytes with the ETag and type of that very version (one request), or undefined. */
export async function downloadVersion(
    blob: BlobClient,
): Promise<{ bytes: Buffer; etag: string; blobType: string | undefined } | undefined> {
    let answer;
    try {
        answer = await blob.download();
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
