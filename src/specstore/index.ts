/** Stored specs with their schedule and status: the public surface other modules import. */
export type * from './types.js';
export { MAX_LEASE_MS, MIN_LEASE_MS, SPEC_STATUSES, SPEC_STORE_ERROR_CODES, SpecStoreError } from './types.js';
export { createBlobSpecStore, SPEC_STORE_CONTAINER } from './blob-spec-store.js';
export { createFileSpecStore, type FileSpecStoreOptions } from './file-spec-store.js';
export { createSpecStoreFromSettings } from './settings.js';
