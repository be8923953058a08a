import { describe, expect, it } from 'vitest';
import {
    SETTINGS,
    SettingError,
    readSetting,
    requireSetting,
    settingProblems,
    type SettingEntry,
    type SettingName,
} from '../../src/settings/index.js';

const CLIENT_ID = '8b0b6d4e-1c1e-4c55-9a52-6f0c2a3b4d5e';

/** What infra sets in Azure for the Azure Storage backend (values as the deployed app sees them). */
const AZURE_ENV = {
    AzureWebJobsStorage__credential: 'managedidentity',
    AzureWebJobsStorage__clientId: CLIENT_ID,
    AzureWebJobsStorage__blobServiceUri: 'https://stabc.blob.core.windows.net/',
    AzureWebJobsStorage__queueServiceUri: 'https://stabc.queue.core.windows.net/',
    AzureWebJobsStorage__tableServiceUri: 'https://stabc.table.core.windows.net/',
    APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/',
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${CLIENT_ID};Authorization=AAD`,
    AZURE_CLIENT_ID: CLIENT_ID,
    TASKHUB_NAME: 'dataversemigrate',
    MIGRATION_LOG_STORAGE__blobServiceUri: 'https://stabc.blob.core.windows.net/',
    MIGRATION_LOG_STORAGE__credential: 'managedidentity',
    MIGRATION_LOG_STORAGE__clientId: CLIENT_ID,
    DATAVERSE_ALLOWED_URLS: 'https://contoso.crm.dynamics.com',
    REFRESH_TICK_SCHEDULE: '0 */5 * * * *',
    MAX_REQUEST_BODY_BYTES: '262144',
};

function errorOf(action: () => unknown): SettingError {
    try {
        action();
    } catch (error) {
        if (error instanceof SettingError) return error;
        throw error;
    }
    throw new Error('expected a SettingError');
}

describe('readSetting', () => {
    it('parses the allow-list into distinct lower-case origins', () => {
        const env = {
            DATAVERSE_ALLOWED_URLS:
                ' https://Contoso.crm.dynamics.com/ ,http://127.0.0.1:5555,, https://contoso.crm.dynamics.com',
        };
        expect(readSetting(env, 'DATAVERSE_ALLOWED_URLS')).toEqual([
            'https://contoso.crm.dynamics.com',
            'http://127.0.0.1:5555',
        ]);
    });

    it('reports every bad allow-list entry at once, naming the setting', () => {
        const error = errorOf(() =>
            readSetting(
                {
                    DATAVERSE_ALLOWED_URLS:
                        'http://contoso.crm.dynamics.com,contoso,https://x.crm.dynamics.com/api/data',
                },
                'DATAVERSE_ALLOWED_URLS',
            ),
        );
        expect(error.setting).toBe('DATAVERSE_ALLOWED_URLS');
        expect(error.message).toContain('App setting DATAVERSE_ALLOWED_URLS');
        expect(error.message).toContain("'http://contoso.crm.dynamics.com' must use https");
        expect(error.message).toContain("'contoso' is not a URL");
        expect(error.message).toContain('must be the environment root only, e.g. https://x.crm.dynamics.com');
    });

    it('applies the default when a setting is unset or blank, and parses it', () => {
        expect(readSetting({}, 'MAX_REQUEST_BODY_BYTES')).toBe(262144);
        expect(readSetting({ MAX_REQUEST_BODY_BYTES: '   ' }, 'MAX_REQUEST_BODY_BYTES')).toBe(262144);
        expect(readSetting({ MAX_REQUEST_BODY_BYTES: '1048576' }, 'MAX_REQUEST_BODY_BYTES')).toBe(1048576);
        expect(readSetting({}, 'REFRESH_TICK_SCHEDULE')).toBe('0 */1 * * * *');
        expect(readSetting({}, 'DATAVERSE_ALLOWED_URLS')).toBeUndefined();
    });

    it('rejects a value its parser refuses, showing the value', () => {
        expect(errorOf(() => readSetting({ MAX_REQUEST_BODY_BYTES: '256k' }, 'MAX_REQUEST_BODY_BYTES')).message).toBe(
            "App setting MAX_REQUEST_BODY_BYTES ('256k'): must be a positive whole number",
        );
        expect(
            errorOf(() => readSetting({ REFRESH_TICK_SCHEDULE: '*/5 * * * *' }, 'REFRESH_TICK_SCHEDULE')).message,
        ).toContain('expected 6 fields');
        expect(errorOf(() => readSetting({ TASKHUB_NAME: 'my-hub' }, 'TASKHUB_NAME')).message).toContain(
            'must be 3-45 letters and digits',
        );
        expect(errorOf(() => readSetting({ AZURE_CLIENT_ID: 'not-a-guid' }, 'AZURE_CLIENT_ID')).message).toContain(
            'must be a GUID',
        );
    });

    it('marks the settings that may carry a key as sensitive', () => {
        const sensitiveNames = (Object.keys(SETTINGS) as SettingName[]).filter(
            (name) => (SETTINGS[name] as SettingEntry).sensitive,
        );
        expect(sensitiveNames.sort()).toEqual(
            [
                'APPLICATIONINSIGHTS_CONNECTION_STRING',
                'AzureWebJobsStorage',
                'DATAVERSE_MIGRATE_SERVE_TOKEN',
                'MIGRATION_LOG_STORAGE',
            ].sort(),
        );
    });
});

describe('requireSetting', () => {
    it('says what an unset setting is and where to set it', () => {
        const error = errorOf(() => requireSetting({}, 'DATAVERSE_ALLOWED_URLS'));
        expect(error.message).toMatch(/^App setting DATAVERSE_ALLOWED_URLS is not set: Comma-separated Dataverse/);
        expect(error.message).toContain('In Azure infra sets it (infra/modules/function-app.bicep)');
        expect(error.message).toContain('locally add it to local.settings.json');
        expect(requireSetting(AZURE_ENV, 'TASKHUB_NAME')).toBe('dataversemigrate');
    });
});

describe('settingProblems', () => {
    it('finds nothing wrong with what infra sets in Azure, or with the local sample', async () => {
        expect(settingProblems(AZURE_ENV, 'azure')).toEqual([]);
        const sample = (await import('../../local.settings.sample.json', { with: { type: 'json' } })).default;
        expect(settingProblems(sample.Values, 'local')).toEqual([]);
    });

    it('lists every missing, bad and forbidden setting at once', () => {
        const env: Record<string, string> = {
            ...AZURE_ENV,
            MIGRATION_LOG_STORAGE: 'DefaultEndpointsProtocol=https;AccountKey=abc',
            MAX_REQUEST_BODY_BYTES: 'lots',
        };
        delete env.TASKHUB_NAME;
        delete env.DATAVERSE_ALLOWED_URLS;
        const problems = settingProblems(env, 'azure');
        expect(problems.map((p) => p.setting).sort()).toEqual(
            ['DATAVERSE_ALLOWED_URLS', 'MAX_REQUEST_BODY_BYTES', 'MIGRATION_LOG_STORAGE', 'TASKHUB_NAME'].sort(),
        );
        const forbidden = problems.find((p) => p.setting === 'MIGRATION_LOG_STORAGE')!;
        expect(forbidden.message).toContain('must not be set in Azure');
        expect(forbidden.message).not.toContain('AccountKey=abc');
    });

    it('asks for the Durable Task Scheduler connection only with that backend', () => {
        expect(settingProblems(AZURE_ENV, 'azure', 'AzureStorage')).toEqual([]);
        expect(settingProblems(AZURE_ENV, 'azure', 'DurableTaskScheduler').map((p) => p.setting)).toEqual([
            'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
            'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type',
            'AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName',
        ]);
    });
});

describe('the catalogue', () => {
    it('has a default and a sample value its own parser accepts, and a reason for every forbidden place', () => {
        for (const name of Object.keys(SETTINGS) as SettingName[]) {
            const entry: SettingEntry = SETTINGS[name];
            if (entry.default !== undefined)
                expect(entry.parse.safeParse(entry.default).success, `${name} default`).toBe(true);
            if (entry.local.need !== 'forbidden' && entry.local.sample !== undefined)
                expect(entry.parse.safeParse(entry.local.sample).success, `${name} sample`).toBe(true);
            for (const placement of [entry.azure, entry.local])
                if (placement.need === 'forbidden')
                    expect(placement.because.length, `${name} reason`).toBeGreaterThan(10);
            expect(entry.description.length, `${name} description`).toBeGreaterThan(10);
        }
    });
});
