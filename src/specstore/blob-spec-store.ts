/**
 * Stored specs on Blob Storage (container `migration-specs`): one block blob per spec (`{name}.json`,
 * written with If-Match / If-None-Match so the blob's ETag is the store's), and a Blob lease on a
 * separate empty blob (`{name}.lease`) so that holding the lease never blocks a status update.
 */
import { randomUUID } from 'node:crypto';
import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import { containerCreator } from '../runlog/blob-container.js';
import { blobFailure, describeBlobFailure, publicUrl } from '../runlog/blob-errors.js';
import { downloadVersion } from '../runlog/blob-io.js';
import { parseStoredText, storedText, type SpecDocument } from './document.js';
import { createSpecStore, type SpecBackend } from './spec-store.js';
import { SpecStoreError, type SpecLease, type SpecStore } from './types.js';

export const SPEC_STORE_CONTAINER = 'migration-specs';

export function createBlobSpecStore(options: { container: ContainerClient }): SpecStore {
    return createSpecStore(new BlobSpecBackend(options.container));
}

/** The answers that mean "the condition did not hold": changed, already there, or gone. */
const isConditionFailure = (error: unknown) => [404, 409, 412].includes(blobFailure(error).status ?? 0);

class BlobSpecBackend implements SpecBackend {
    readonly location: string;
    private readonly ready: () => Promise<void>;

    constructor(private readonly container: ContainerClient) {
        this.location = publicUrl(container.url);
        this.ready = containerCreator(container);
    }

    where(name: string): string {
        return `${this.location}/${name}.json`;
    }

    read(name: string): Promise<{ document: unknown; etag: string } | undefined> {
        return this.io('read', name, async () => {
            const found = await downloadVersion(this.document(name));
            return (
                found && { document: parseStoredText(found.bytes.toString('utf8'), this.where(name)), etag: found.etag }
            );
        });
    }

    write(name: string, document: SpecDocument, expected: string | undefined): Promise<string | false> {
        const text = storedText(document);
        return this.io('write', name, async () => {
            try {
                const answer = await this.document(name)
                    .getBlockBlobClient()
                    .upload(text, Buffer.byteLength(text), {
                        blobHTTPHeaders: { blobContentType: 'application/json' },
                        conditions: expected === undefined ? { ifNoneMatch: '*' } : { ifMatch: expected },
                    });
                return answer.etag ?? false;
            } catch (error) {
                if (isConditionFailure(error)) return false;
                throw error;
            }
        });
    }

    remove(name: string, expected: string): Promise<boolean> {
        return this.io('delete', name, async () => {
            try {
                await this.document(name).delete({ conditions: { ifMatch: expected } });
            } catch (error) {
                if (isConditionFailure(error)) return false;
                throw error;
            }
            // The lease blob goes too, unless someone holds it right now.
            await this.leaseBlob(name)
                .deleteIfExists()
                .catch(() => undefined);
            return true;
        });
    }

    names(): Promise<string[]> {
        return this.io('list', '', async () => {
            const names: string[] = [];
            for await (const item of this.container.listBlobsFlat())
                if (item.name.endsWith('.json')) names.push(item.name.slice(0, -'.json'.length));
            return names;
        });
    }

    lease(name: string, ttlMs: number): Promise<SpecLease | undefined> {
        return this.io('lease', name, async () => {
            const blob = this.leaseBlob(name);
            await blob
                .getBlockBlobClient()
                .upload('', 0, { conditions: { ifNoneMatch: '*' } })
                .catch((error: unknown) => {
                    if (!isConditionFailure(error)) throw error;
                });
            const client = blob.getBlobLeaseClient(randomUUID());
            try {
                await client.acquireLease(Math.ceil(ttlMs / 1000));
            } catch (error) {
                if (blobFailure(error).code === 'LeaseAlreadyPresent') return undefined;
                throw error;
            }
            return {
                name,
                leaseId: client.leaseId,
                renew: async () => {
                    try {
                        await client.renewLease();
                    } catch (error) {
                        throw new SpecStoreError(
                            'lease-lost',
                            `the lease on spec '${name}' cannot be renewed: ${describeBlobFailure(error)}`,
                            { cause: error },
                        );
                    }
                },
                release: async () => {
                    // Expired and taken by another (409): there is nothing of ours left to release.
                    await client.releaseLease().catch((error: unknown) => {
                        if (blobFailure(error).status !== 409) throw error;
                    });
                },
            };
        });
    }

    private document(name: string): BlobClient {
        return this.container.getBlobClient(`${name}.json`);
    }

    private leaseBlob(name: string): BlobClient {
        return this.container.getBlobClient(`${name}.lease`);
    }

    private async io<T>(what: string, name: string, task: () => Promise<T>): Promise<T> {
        try {
            await this.ready();
            return await task();
        } catch (error) {
            if (error instanceof SpecStoreError) throw error;
            const where = name === '' ? this.location : this.where(name);
            throw new Error(`cannot ${what} ${where}: ${describeBlobFailure(error)}`, { cause: error });
        }
    }
}
