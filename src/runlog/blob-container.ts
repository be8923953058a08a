/** Creating a store's container on first use, once per store, shared by the run store and the spec store. */
import type { ContainerClient } from '@azure/storage-blob';
import { blobFailure } from './blob-errors.js';

/** A function that resolves once the container exists (a failed attempt is tried again on the next call). */
export function containerCreator(container: ContainerClient): () => Promise<void> {
    let ready: Promise<void> | undefined;
    return () => {
        ready ??= container.createIfNotExists().then(
            () => undefined,
            (error: unknown) => {
                // A SAS or role scoped to the container may not create it: go on, the next request will tell.
                if (blobFailure(error).status === 403) return;
                ready = undefined;
                throw error;
            },
        );
        return ready;
    };
}
