/**
 * The app settings catalogue: every environment variable / app setting the deployed app depends on, one entry
 * each, with what it is, whether Azure and a local run need it, its default, where infra sets it and how its value
 * is parsed. Code reads settings only through it (read.ts), infra/modules/function-app.bicep sets the Azure half,
 * local.settings.sample.json the local half, and test/unit/infra-agreement.test.ts keeps all three in step.
 */
import type { z } from 'zod';
import {
    environmentUrlList,
    guid,
    managedIdentity,
    ncrontab,
    nodeWorker,
    platformFlag,
    positiveInteger,
    serveToken,
    serviceUri,
    storageAccountName,
    taskHubName,
    text,
} from './values.js';

/**
 * Who reads a setting: the Functions host (host.json, bindings, the Durable extension), our code in the Functions
 * app, an Azure SDK on our behalf, or only the command line.
 */
export type SettingReader = 'host' | 'app' | 'sdk' | 'cli';

/** The Durable backend a setting belongs to, when it belongs to only one (infra parameter `durableBackend`). */
export const DurableBackends = { AzureStorage: 'AzureStorage', DurableTaskScheduler: 'DurableTaskScheduler' } as const;
export type DurableBackend = (typeof DurableBackends)[keyof typeof DurableBackends];

/** Where infra sets every setting the app runs with. */
export const APP_SETTINGS_BICEP = 'infra/modules/function-app.bicep';

/** How a setting is provided in Azure. */
export type AzurePlacement =
    /** Set by infra (APP_SETTINGS_BICEP) on every deployment, or only with the given Durable backend. */
    | { readonly need: 'required'; readonly onlyWith?: DurableBackend }
    /** The code copes without it; infra may still set it from a parameter. */
    | { readonly need: 'optional' }
    /** Must not be set in Azure (a key-bearing connection string, or a setting Flex Consumption rejects). */
    | { readonly need: 'forbidden'; readonly because: string };

/** How a setting is provided on a developer machine (local.settings.json, copied from local.settings.sample.json). */
export type LocalPlacement =
    /** Listed in local.settings.sample.json with this value. */
    | { readonly need: 'required'; readonly sample: string }
    /** May be set; listed in the sample when it has a useful sample value. */
    | { readonly need: 'optional'; readonly sample?: string }
    /** Not used locally. */
    | { readonly need: 'forbidden'; readonly because: string };

/** The placement says the setting must be set, with this Durable backend (an `onlyWith` for the other: not needed). */
export function isRequiredWith(placement: AzurePlacement | LocalPlacement, backend: DurableBackend): boolean {
    if (placement.need !== 'required') return false;
    const onlyWith = 'onlyWith' in placement ? placement.onlyWith : undefined;
    return onlyWith === undefined || onlyWith === backend;
}

export interface SettingEntry<T = unknown> {
    /** What it is, for people: shown in errors and in infra/README.md. */
    readonly description: string;
    readonly readBy: SettingReader;
    readonly azure: AzurePlacement;
    readonly local: LocalPlacement;
    /** Value used when the setting is unset or blank (it goes through `parse` too). */
    readonly default?: string;
    /** The value may carry a key or token: errors never echo it. */
    readonly sensitive?: boolean;
    /** Parses the raw text. */
    readonly parse: z.ZodType<T, string>;
}

const LOCAL_IDENTITY = 'locally the connection uses the value of the setting without the __ suffix (Azurite)';
const NO_KEYS_IN_AZURE = 'a connection string carries an account key; in Azure the identity-based __ settings are used';

/** Keeps each entry's exact shape (its parser's type, whether it has a default) for the typed readers. */
function entry<const E extends SettingEntry>(definition: E): E {
    return definition;
}

/** An identity-based connection setting: set by infra in Azure; locally the plain connection string serves. */
function identityConnection<T>(readBy: SettingReader, description: string, parse: z.ZodType<T, string>) {
    return entry({
        description,
        readBy,
        azure: { need: 'required' },
        local: { need: 'forbidden', because: LOCAL_IDENTITY },
        parse,
    });
}

/** A connection string with a key: Azurite locally, never in Azure (the identity-based __ settings serve there). */
function localConnectionString(readBy: SettingReader, description: string) {
    return entry({
        description,
        readBy,
        azure: { need: 'forbidden', because: NO_KEYS_IN_AZURE },
        local: { need: 'required', sample: 'UseDevelopmentStorage=true' },
        sensitive: true,
        parse: text,
    });
}

/** A setting of the Durable Task Scheduler backend: set by infra only with that backend. */
function schedulerSetting(description: string) {
    return entry({
        description,
        readBy: 'host',
        azure: { need: 'required', onlyWith: 'DurableTaskScheduler' },
        local: { need: 'optional' },
        parse: text,
    });
}

/** Host storage (AzureWebJobsStorage) with the app's identity; the host reads these, not our code. */
const hostStorage = {
    AzureWebJobsStorage: localConnectionString(
        'host',
        'Functions host storage as a connection string: Azurite locally.',
    ),
    AzureWebJobsStorage__credential: identityConnection(
        'host',
        'Host storage authenticates with a managed identity.',
        managedIdentity,
    ),
    AzureWebJobsStorage__clientId: identityConnection(
        'host',
        'Client id of the user-assigned identity host storage uses.',
        guid,
    ),
    AzureWebJobsStorage__blobServiceUri: identityConnection(
        'host',
        'Blob endpoint of host storage (keys, timer leases, Durable large messages).',
        serviceUri,
    ),
    AzureWebJobsStorage__queueServiceUri: identityConnection(
        'host',
        'Queue endpoint of host storage (Durable control and work-item queues).',
        serviceUri,
    ),
    AzureWebJobsStorage__tableServiceUri: identityConnection(
        'host',
        'Table endpoint of host storage (Durable history and instance tables).',
        serviceUri,
    ),
    FUNCTIONS_WORKER_RUNTIME: entry({
        description: 'Language worker of a local Functions host.',
        readBy: 'host',
        azure: {
            need: 'forbidden',
            because: 'Flex Consumption takes the runtime from functionAppConfig.runtime and rejects this setting',
        },
        local: { need: 'required', sample: 'node' },
        parse: nodeWorker,
    }),
} as const;

/** Telemetry and the identity our Azure SDK clients use. */
const hostIdentity = {
    APPLICATIONINSIGHTS_CONNECTION_STRING: entry({
        description: 'Application Insights component the host and the app send telemetry to; unset locally: none.',
        readBy: 'host',
        azure: { need: 'required' },
        local: { need: 'optional' },
        sensitive: true,
        parse: text,
    }),
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: entry({
        description: 'Entra authentication of telemetry (ClientId=<identity>;Authorization=AAD); local auth is off.',
        readBy: 'host',
        azure: { need: 'required' },
        local: { need: 'optional' },
        parse: text,
    }),
    AZURE_CLIENT_ID: entry({
        description:
            'Client id of the user-assigned identity that DefaultAzureCredential and ManagedIdentityCredential use (spec credentials default and managedIdentity); unset locally: your Azure CLI login.',
        readBy: 'sdk',
        azure: { need: 'required' },
        local: { need: 'optional' },
        parse: guid,
    }),
} as const;

/** Durable Functions. */
const durable = {
    TASKHUB_NAME: entry({
        description: 'Durable Functions task hub (host.json hubName %TASKHUB_NAME%).',
        readBy: 'host',
        azure: { need: 'required' },
        local: { need: 'required', sample: 'dataversemigrate' },
        parse: taskHubName,
    }),
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: schedulerSetting(
        'Durable Task Scheduler endpoint and identity (Endpoint=...;Authentication=ManagedIdentity;ClientID=...); locally the emulator (Authentication=None).',
    ),
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: schedulerSetting(
        "Overrides host.json's storage provider with 'azureManaged' when the Durable Task Scheduler is used.",
    ),
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: schedulerSetting(
        'Names the setting with the Durable Task Scheduler connection (with the override above).',
    ),
} as const;

/** The run store (migration-runs) and the spec store (migration-specs). */
const runStore = {
    MIGRATION_LOG_STORAGE: localConnectionString(
        'app',
        'Run log and stored specs storage as a connection string: Azurite locally.',
    ),
    MIGRATION_LOG_STORAGE__blobServiceUri: identityConnection(
        'app',
        'Blob endpoint of the run log and stored specs (containers migration-runs, migration-specs).',
        serviceUri,
    ),
    MIGRATION_LOG_STORAGE__accountName: entry({
        description: 'Storage account of the run store, instead of __blobServiceUri (public cloud endpoints only).',
        readBy: 'app',
        azure: { need: 'optional' },
        local: { need: 'forbidden', because: LOCAL_IDENTITY },
        parse: storageAccountName,
    }),
    MIGRATION_LOG_STORAGE__credential: identityConnection(
        'app',
        'The run store authenticates with a managed identity.',
        managedIdentity,
    ),
    MIGRATION_LOG_STORAGE__clientId: identityConnection(
        'app',
        'Client id of the user-assigned identity the run store uses.',
        guid,
    ),
} as const;

/** The app's own behaviour. */
const app = {
    DATAVERSE_ALLOWED_URLS: entry({
        description:
            'Comma-separated Dataverse environment URLs a run may touch; a run naming any other is refused. Unset locally: loopback simulator URLs only.',
        readBy: 'app',
        azure: { need: 'required' },
        local: { need: 'optional', sample: 'http://127.0.0.1:5555,http://127.0.0.1:5556' },
        parse: environmentUrlList,
    }),
    REFRESH_TICK_SCHEDULE: entry({
        description: 'NCRONTAB of the timer that starts the stored specs whose schedule is due.',
        readBy: 'host',
        azure: { need: 'required' },
        local: { need: 'optional', sample: '0 */1 * * * *' },
        default: '0 */1 * * * *',
        parse: ncrontab,
    }),
    WEBSITE_AUTH_ENABLED: entry({
        description:
            'Set by App Service (`True`) while App Service authentication is on. The Entra ID routes (/api/...) trust its principal headers only then; otherwise they answer 401 and only the function-key routes (/api/automation/...) serve.',
        readBy: 'app',
        azure: { need: 'optional' },
        local: { need: 'forbidden', because: 'set by App Service authentication only, never by hand' },
        parse: platformFlag,
    }),
    MAX_REQUEST_BODY_BYTES: entry({
        description: 'Largest HTTP request body (a spec) the API accepts, in bytes.',
        readBy: 'app',
        azure: { need: 'optional' },
        local: { need: 'optional' },
        default: '262144',
        parse: positiveInteger,
    }),
} as const;

/** The command line's own environment variables. */
const cli = {
    DATAVERSE_MIGRATE_LOG_DIR: entry({
        description:
            "Folder of the command line's run store, when --log-dir is not given (default ./.dataverse-migrate).",
        readBy: 'cli',
        azure: { need: 'forbidden', because: 'read by the command line only, not by the Functions app' },
        local: { need: 'optional' },
        parse: text,
    }),
    DATAVERSE_MIGRATE_SERVE_TOKEN: entry({
        description:
            'The token `dataverse-migrate serve` requires, when --token is not given (default: a new random one per start, printed on its listening line). For scripts that start serve and call it.',
        readBy: 'cli',
        azure: { need: 'forbidden', because: 'read by the command line only, not by the Functions app' },
        local: { need: 'optional' },
        sensitive: true,
        parse: serveToken,
    }),
    DEBUG: entry({
        description:
            'Names whose debug output to show (as the `debug` package reads it): `dataverse-migrate` (or `*`) makes the command line print the stack trace of an unexpected error, as --debug does.',
        readBy: 'cli',
        azure: { need: 'forbidden', because: 'read by the command line only, not by the Functions app' },
        local: { need: 'optional' },
        parse: text,
    }),
    NO_COLOR: entry({
        description: "Any non-empty value keeps colour out of the command line's output (no-color.org).",
        readBy: 'cli',
        azure: { need: 'forbidden', because: 'read by the command line only, not by the Functions app' },
        local: { need: 'optional' },
        parse: text,
    }),
} as const;

export const SETTINGS = { ...hostStorage, ...hostIdentity, ...durable, ...runStore, ...app, ...cli } as const;

export type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;

/**
 * Storage connections that, like the host's, are a connection string (locally) or identity-based `__` settings
 * (Azure); src/runlog/settings.ts reads them.
 */
export const STORAGE_CONNECTIONS = ['MIGRATION_LOG_STORAGE'] as const;
export type StorageConnectionName = (typeof STORAGE_CONNECTIONS)[number];

/**
 * The only files that read settings by a computed name; the agreement test refuses computed names anywhere else.
 * `spec-named`: a spec names the setting (a cross-tenant client secret in credential.secretSetting, a certificate
 * path); infra sets those from Key Vault references (parameter keyVaultSecretSettings). `connection`: a storage
 * connection reader that appends suffixes (`__blobServiceUri`, ...) to a name in STORAGE_CONNECTIONS; every
 * suffix it uses must make a catalogue name.
 */
export const DYNAMIC_SETTING_READERS = [
    {
        file: 'src/dataverse/credentials.ts',
        kind: 'spec-named',
        reads: 'credential.secretSetting, certificatePathSetting and certificatePasswordSetting of a spec',
    },
    {
        file: 'src/environments/index.ts',
        kind: 'spec-named',
        reads: "masking.saltSetting of a spec (the masking salt's value is never logged nor stored)",
    },
    {
        file: 'src/runlog/settings.ts',
        kind: 'connection',
        reads: 'the run store and spec store connection (MIGRATION_LOG_STORAGE and its __ settings)',
    },
] as const;
