/**
 * Lease documents in the Blob run store: block blobs written with conditional headers, so the blob's ETag is the
 * document's version. Create is a Put Blob with If-None-Match: * (409 BlobAlreadyExists when one exists), replace
 * a Put Blob with If-Match (412 ConditionNotMet when it changed, 404 when it is gone), remove a Delete Blob with
 * If-Match ("Specifying conditional headers for Blob service operations", learn.microsoft.com/rest/api/storageservices).
 */
import type { ContainerClient } from '@azure/storage-blob';
import { blobFailure, describeBlobFailure } from './blob-errors.js';
import { downloadVersion } from './blob-io.js';
import { RunStoreError } from './errors.js';
import type { LeaseDocuments, VersionedDocument } from './lease-documents.js';
import { checkPath } from './paths.js';

/** The answers that mean "the condition did not hold": already there, changed, or gone. */
const isConditionFailure = (error: unknown) => [404, 409, 412].includes(blobFailure(error).status ?? 0);

export class BlobLeaseDocuments implements LeaseDocuments {
    constructor(
        private readonly container: ContainerClient,
        private readonly ready: () => Promise<void>,
        private readonly location: string,
    ) {}

    async read(path: string): Promise<VersionedDocument | undefined> {
        const found = await this.io('read', path, () => downloadVersion(this.container.getBlobClient(checkPath(path))));
        return found === undefined ? undefined : { text: found.bytes.toString('utf8'), version: found.etag };
    }

    create(path: string, text: string): Promise<boolean> {
        return this.conditional('create', path, () => this.upload(path, text, { ifNoneMatch: '*' }));
    }

    replace(path: string, text: string, version: string): Promise<boolean> {
        return this.conditional('replace', path, () => this.upload(path, text, { ifMatch: version }));
    }

    remove(path: string, version: string): Promise<boolean> {
        return this.conditional('delete', path, async () => {
            await this.container.getBlobClient(checkPath(path)).delete({ conditions: { ifMatch: version } });
        });
    }

    private async upload(path: string, text: string, conditions: { ifMatch?: string; ifNoneMatch?: string }) {
        await this.container.getBlockBlobClient(checkPath(path)).upload(text, Buffer.byteLength(text), {
            blobHTTPHeaders: { blobContentType: 'application/json' },
            conditions,
        });
    }

    /** True when the write happened, false when its condition did not hold. */
    private conditional(what: string, path: string, task: () => Promise<void>): Promise<boolean> {
        return this.io(what, path, async () => {
            try {
                await task();
                return true;
            } catch (error) {
                if (isConditionFailure(error)) return false;
                throw error;
            }
        });
    }

    private async io<T>(what: string, path: string, task: () => Promise<T>): Promise<T> {
        try {
            await this.ready();
            return await task();
        } catch (error) {
            if (error instanceof RunStoreError || error instanceof TypeError) throw error;
            throw new RunStoreError(
                `cannot ${what} the lease ${this.location}/${path}: ${describeBlobFailure(error)}`,
                {
                    cause: error,
                },
            );
        }
    }
}
