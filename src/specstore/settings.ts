/** The spec store of the Functions app from app settings: container `migration-specs` of connection `name`. */
import { blobServiceClientFromSettings, DEFAULT_STORAGE_SETTING, type StorageSettings } from '../runlog/settings.js';
import { createBlobSpecStore, SPEC_STORE_CONTAINER } from './blob-spec-store.js';
import type { SpecStore } from './types.js';

export function createSpecStoreFromSettings(env: StorageSettings, name: string = DEFAULT_STORAGE_SETTING): SpecStore {
    return createBlobSpecStore({
        container: blobServiceClientFromSettings(env, name).getContainerClient(SPEC_STORE_CONTAINER),
    });
}
