/**
 * Blob Storage connections from app settings, named the way the Functions host names them: `NAME` holds a
 * connection string (`UseDevelopmentStorage=true` for Azurite), or `NAME__blobServiceUri` (or
 * `NAME__accountName`) with optional `NAME__credential=managedidentity` and `NAME__clientId` makes an
 * identity-based connection. Messages name the setting that is missing or wrong and never echo a value
 * that could hold a key or SAS.
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { guid, storageAccountName } from '../settings/values.js';
import { isHttpsOrLoopback } from '../util/url.js';
import { createBlobRunStore, RUN_STORE_CONTAINER, type BlobRunStoreOptions } from './blob-store.js';
import type { RunStore } from './types.js';

export const DEFAULT_STORAGE_SETTING = 'MIGRATION_LOG_STORAGE';

export type StorageSettings = Readonly<Record<string, string | undefined>>;

export class StorageSettingError extends Error {
    constructor(
        /** The setting to fix, e.g. `MIGRATION_LOG_STORAGE__blobServiceUri`. */
        readonly setting: string,
        message: string,
    ) {
        super(message);
        this.name = 'StorageSettingError';
    }
}

/** What the settings describe, without secrets: for messages, tests and `--json` diagnostics. */
export type StorageConnection =
    | { kind: 'connectionString'; setting: string }
    | {
          kind: 'identity';
          setting: string;
          serviceUri: string;
          credential: 'managedIdentity' | 'default';
          clientId?: string;
      };

/** Reads and checks the settings of connection `name`. */
export function readStorageConnection(env: StorageSettings, name: string = DEFAULT_STORAGE_SETTING): StorageConnection {
    const direct = value(env, name);
    if (direct !== undefined) {
        checkConnectionString(name, direct);
        return { kind: 'connectionString', setting: name };
    }
    const serviceUri = identityServiceUri(env, name);
    if (serviceUri === undefined)
        throw new StorageSettingError(
            name,
            `${name} is not set: set it to a storage connection string (UseDevelopmentStorage=true for Azurite), ` +
                `or set ${name}__blobServiceUri for an identity-based connection`,
        );
    const credentialSetting = `${name}__credential`;
    const credential = value(env, credentialSetting);
    if (credential !== undefined && credential.toLowerCase() !== 'managedidentity')
        throw new StorageSettingError(
            credentialSetting,
            `${credentialSetting} must be 'managedidentity' (or unset for DefaultAzureCredential)`,
        );
    const clientIdSetting = `${name}__clientId`;
    const clientId = value(env, clientIdSetting);
    if (clientId !== undefined && !guid.safeParse(clientId).success)
        throw new StorageSettingError(
            clientIdSetting,
            `${clientIdSetting} must be the client id (a GUID) of a managed identity`,
        );
    return {
        kind: 'identity',
        setting: name,
        serviceUri,
        credential: credential === undefined ? 'default' : 'managedIdentity',
        ...(clientId === undefined ? {} : { clientId }),
    };
}

/** The Blob service client for connection `name`. */
export function blobServiceClientFromSettings(
    env: StorageSettings,
    name: string = DEFAULT_STORAGE_SETTING,
): BlobServiceClient {
    const connection = readStorageConnection(env, name);
    if (connection.kind === 'connectionString') {
        try {
            return BlobServiceClient.fromConnectionString(value(env, name) ?? '');
        } catch (error) {
            // The SDK's messages name the part it rejects, not its value; keep only that.
            throw new StorageSettingError(
                name,
                `${name} is not a usable connection string: ${(error as Error).message}`,
            );
        }
    }
    return new BlobServiceClient(connection.serviceUri, credentialFor(connection));
}

/** The run store of the Functions app: container `migration-runs` of connection `name`. */
export function createRunStoreFromSettings(
    env: StorageSettings,
    name: string = DEFAULT_STORAGE_SETTING,
    options: Omit<BlobRunStoreOptions, 'container'> = {},
): RunStore {
    const container = blobServiceClientFromSettings(env, name).getContainerClient(RUN_STORE_CONTAINER);
    return createBlobRunStore({ ...options, container });
}

function credentialFor(connection: Extract<StorageConnection, { kind: 'identity' }>): TokenCredential {
    if (connection.credential === 'managedIdentity')
        return connection.clientId === undefined
            ? new ManagedIdentityCredential()
            : new ManagedIdentityCredential({ clientId: connection.clientId });
    return connection.clientId === undefined
        ? new DefaultAzureCredential()
        : new DefaultAzureCredential({ managedIdentityClientId: connection.clientId });
}

function value(env: StorageSettings, name: string): string | undefined {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
}

function identityServiceUri(env: StorageSettings, name: string): string | undefined {
    const uriSetting = `${name}__blobServiceUri`;
    const uri = value(env, uriSetting);
    if (uri !== undefined) return checkServiceUri(uriSetting, uri);
    const accountSetting = `${name}__accountName`;
    const account = value(env, accountSetting);
    if (account === undefined) return undefined;
    if (!storageAccountName.safeParse(account).success)
        throw new StorageSettingError(
            accountSetting,
            `${accountSetting} must be a storage account name (3 to 24 lowercase letters and digits)`,
        );
    return `https://${account}.blob.core.windows.net`;
}

function checkServiceUri(setting: string, uri: string): string {
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        throw new StorageSettingError(
            setting,
            `${setting} is not a URL (expected https://<account>.blob.core.windows.net)`,
        );
    }
    if (url.search !== '' || url.username !== '' || url.password !== '')
        throw new StorageSettingError(
            setting,
            `${setting} must not carry a query or credentials (a SAS belongs in a connection string in ${setting.replace(/__blobServiceUri$/, '')})`,
        );
    if (!isHttpsOrLoopback(url))
        throw new StorageSettingError(
            setting,
            `${setting} must be an https URL (plain http only for a local emulator)`,
        );
    return `${url.origin}${url.pathname}`.replace(/\/$/, '');
}

/** Enough structure to give a clear message; the SDK checks the rest. Values are never repeated. */
function checkConnectionString(name: string, text: string): void {
    if (/^https?:\/\//i.test(text))
        throw new StorageSettingError(
            name,
            `${name} holds a URL, not a connection string: for an identity-based connection set ${name}__blobServiceUri instead`,
        );
    const parts = new Map<string, string>();
    for (const piece of text.split(';')) {
        if (piece.trim() === '') continue;
        const equals = piece.indexOf('=');
        if (equals <= 0)
            throw new StorageSettingError(
                name,
                `${name} is not a connection string (expected Key=Value pairs separated by ;)`,
            );
        parts.set(piece.slice(0, equals).trim().toLowerCase(), piece.slice(equals + 1).trim());
    }
    if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') return;
    const hasKey = parts.has('accountname') && parts.has('accountkey');
    const hasSas = parts.has('sharedaccesssignature') && parts.has('blobendpoint');
    if (!hasKey && !hasSas)
        throw new StorageSettingError(
            name,
            `${name} must have AccountName and AccountKey, or BlobEndpoint and SharedAccessSignature (or be UseDevelopmentStorage=true)`,
        );
    if (hasKey && !/^[A-Za-z0-9+/]+={0,2}$/.test(parts.get('accountkey') ?? ''))
        throw new StorageSettingError(name, `${name} has an AccountKey that is not base64`);
    if (hasKey && !parts.has('blobendpoint') && !parts.has('defaultendpointsprotocol'))
        throw new StorageSettingError(name, `${name} needs DefaultEndpointsProtocol=https (or a BlobEndpoint)`);
}
