/**
 * Blob connections from app settings the way the Functions host reads them: a connection string, or
 * identity-based `__blobServiceUri` / `__accountName` with `__credential` and `__clientId`. Every error
 * names the setting to fix and never repeats a key or SAS.
 */
import { describe, expect, it } from 'vitest';
import {
    blobServiceClientFromSettings,
    createRunStoreFromSettings,
    readStorageConnection,
    StorageSettingError,
    type StorageSettings,
} from '../../src/runlog/settings.js';
import { createSpecStoreFromSettings } from '../../src/specstore/settings.js';

const KEY = 'c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLXNlZQ==';
const SAS = 'sv=2024-11-04&ss=b&srt=sco&sp=rwdlac&se=2030-01-01T00:00:00Z&sig=U2VjcmV0U2lnbmF0dXJl';
const CLIENT_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

function failure(env: StorageSettings, name = 'MIGRATION_LOG_STORAGE'): StorageSettingError {
    try {
        blobServiceClientFromSettings(env, name);
    } catch (error) {
        expect(error).toBeInstanceOf(StorageSettingError);
        const message = (error as Error).message;
        expect(message).not.toContain(KEY);
        expect(message).not.toContain('U2VjcmV0U2lnbmF0dXJl');
        return error as StorageSettingError;
    }
    throw new Error('expected the settings to be refused');
}

describe('storage connection settings', () => {
    it('takes a connection string: Azurite shorthand, account key, or SAS', () => {
        expect(readStorageConnection({ MIGRATION_LOG_STORAGE: 'UseDevelopmentStorage=true' })).toEqual({
            kind: 'connectionString',
            setting: 'MIGRATION_LOG_STORAGE',
        });
        expect(createRunStoreFromSettings({ MIGRATION_LOG_STORAGE: 'UseDevelopmentStorage=true' }).location).toBe(
            'http://127.0.0.1:10000/devstoreaccount1/migration-runs',
        );
        const keyed = `DefaultEndpointsProtocol=https;AccountName=contosologs;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
        expect(createRunStoreFromSettings({ LOGS: keyed }, 'LOGS').location).toBe(
            'https://contosologs.blob.core.windows.net/migration-runs',
        );
        const withSas = `BlobEndpoint=https://contosologs.blob.core.windows.net/;SharedAccessSignature=${SAS}`;
        const store = createRunStoreFromSettings({ MIGRATION_LOG_STORAGE: withSas });
        expect(store.location).toBe('https://contosologs.blob.core.windows.net/migration-runs');
        expect(createSpecStoreFromSettings({ MIGRATION_LOG_STORAGE: withSas }).location).toBe(
            'https://contosologs.blob.core.windows.net/migration-specs',
        );
    });

    it('takes an identity-based connection, managed identity or DefaultAzureCredential', () => {
        expect(
            readStorageConnection({
                MIGRATION_LOG_STORAGE__blobServiceUri: 'https://contosologs.blob.core.windows.net/',
                MIGRATION_LOG_STORAGE__credential: 'managedidentity',
                MIGRATION_LOG_STORAGE__clientId: CLIENT_ID,
            }),
        ).toEqual({
            kind: 'identity',
            setting: 'MIGRATION_LOG_STORAGE',
            serviceUri: 'https://contosologs.blob.core.windows.net',
            credential: 'managedIdentity',
            clientId: CLIENT_ID,
        });
        expect(readStorageConnection({ MIGRATION_LOG_STORAGE__accountName: 'contosologs' })).toEqual({
            kind: 'identity',
            setting: 'MIGRATION_LOG_STORAGE',
            serviceUri: 'https://contosologs.blob.core.windows.net',
            credential: 'default',
        });
        const store = createRunStoreFromSettings({
            MIGRATION_LOG_STORAGE__blobServiceUri: 'https://contosologs.blob.core.windows.net',
        });
        expect(store.location).toBe('https://contosologs.blob.core.windows.net/migration-runs');
        // A connection string wins, as in the Functions host.
        expect(
            readStorageConnection({
                MIGRATION_LOG_STORAGE: 'UseDevelopmentStorage=true',
                MIGRATION_LOG_STORAGE__blobServiceUri: 'https://contosologs.blob.core.windows.net',
            }).kind,
        ).toBe('connectionString');
    });

    it('names the missing or wrong setting, never its value', () => {
        expect(failure({}).message).toMatch(
            /^MIGRATION_LOG_STORAGE is not set: .*UseDevelopmentStorage=true.*MIGRATION_LOG_STORAGE__blobServiceUri/,
        );
        expect(failure({ MIGRATION_LOG_STORAGE: '   ' }).setting).toBe('MIGRATION_LOG_STORAGE');
        expect(failure({ MIGRATION_LOG_STORAGE: `AccountName=contosologs;AccountKey=${KEY}` }).message).toMatch(
            /needs DefaultEndpointsProtocol=https/,
        );
        expect(failure({ MIGRATION_LOG_STORAGE: `DefaultEndpointsProtocol=https;AccountKey=${KEY}` }).message).toMatch(
            /must have AccountName and AccountKey/,
        );
        expect(
            failure({ MIGRATION_LOG_STORAGE: `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${KEY}!!` })
                .message,
        ).toMatch(/AccountKey that is not base64/);
        expect(failure({ MIGRATION_LOG_STORAGE: 'contosologs' }).message).toMatch(/not a connection string/);
        expect(failure({ MIGRATION_LOG_STORAGE: `https://contosologs.blob.core.windows.net/?${SAS}` }).message).toMatch(
            /holds a URL.*MIGRATION_LOG_STORAGE__blobServiceUri/,
        );
        const uri = (value: string) => failure({ MIGRATION_LOG_STORAGE__blobServiceUri: value });
        expect(uri('contosologs').setting).toBe('MIGRATION_LOG_STORAGE__blobServiceUri');
        expect(uri(`https://contosologs.blob.core.windows.net/?${SAS}`).message).toMatch(/must not carry a query/);
        expect(uri('http://contosologs.blob.core.windows.net').message).toMatch(/must be an https URL/);
        expect(
            failure({
                MIGRATION_LOG_STORAGE__blobServiceUri: 'https://contosologs.blob.core.windows.net',
                MIGRATION_LOG_STORAGE__credential: 'clientsecret',
            }).setting,
        ).toBe('MIGRATION_LOG_STORAGE__credential');
        expect(
            failure({
                MIGRATION_LOG_STORAGE__blobServiceUri: 'https://contosologs.blob.core.windows.net',
                MIGRATION_LOG_STORAGE__clientId: 'my-identity',
            }).message,
        ).toMatch(/MIGRATION_LOG_STORAGE__clientId must be the client id \(a GUID\)/);
        expect(failure({ LOGS__accountName: 'Contoso_Logs' }, 'LOGS').setting).toBe('LOGS__accountName');
    });

    it('allows plain http only for a local emulator', () => {
        expect(
            readStorageConnection({ MIGRATION_LOG_STORAGE__blobServiceUri: 'http://127.0.0.1:10000/devstoreaccount1' }),
        ).toMatchObject({ serviceUri: 'http://127.0.0.1:10000/devstoreaccount1' });
    });
});
