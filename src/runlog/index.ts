/** The run store (filesystem and Blob Storage) and its layout: the public surface other modules import. */
export type * from './types.js';
export { runPaths, statePath, type RunPaths } from './layout.js';
export { createFileRunStore, DEFAULT_RUN_STORE_ROOT } from './file-store.js';
export { createBlobRunStore, RUN_STORE_CONTAINER, type BlobRunStoreOptions } from './blob-store.js';
export {
    blobServiceClientFromSettings,
    createRunStoreFromSettings,
    DEFAULT_STORAGE_SETTING,
    readStorageConnection,
    StorageSettingError,
    type StorageConnection,
    type StorageSettings,
} from './settings.js';
export { RunStoreError } from './errors.js';
export { FAILED_ROW_HEADER, failedRowsCsv, readRunFailedRows, type FailedRow } from './failed-rows.js';
export { RUN_STATUSES } from './types.js';
export { DEFAULT_RUNS_LIMIT, MAX_RUNS_LIMIT } from './run-index.js';
