/**
 * What the code assumes of the Durable Functions host configuration (host.json): the task hub comes from the
 * TASKHUB_NAME setting, the Azure Storage provider is the default and polls at most every 10 s (Flex Consumption
 * guidance), the extension bundle is 4.x, and per-instance concurrency stays where the Dataverse client's own
 * limits expect it. The Durable Task Scheduler replaces the provider through app settings (catalogue), so one
 * package serves both backends. test/unit/infra-agreement.test.ts compares host.json with this.
 */
import type { SettingName } from './catalogue.js';

const hubNameSetting: SettingName = 'TASKHUB_NAME';
const schedulerConnectionSetting: SettingName = 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING';

export const DURABLE_HOST = {
    extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
    /** host.json `extensions.durableTask.hubName`: resolved from the app setting. */
    hubName: `%${hubNameSetting}%`,
    /** The provider host.json names (Azure Storage backend). */
    storageProvider: 'AzureStorage',
    /** Flex Consumption scales on queue polling: at most 10 seconds between polls. */
    maxQueuePollingIntervalSeconds: 10,
    /** Per instance; the Dataverse client adapts its own concurrency below its maxConcurrency. */
    maxConcurrentActivityFunctions: 16,
    maxConcurrentOrchestratorFunctions: 8,
    /**
     * Starting an instance id that is running is refused (the default replaces it): the host's own guard
     * behind the spec lease, so a scheduled run can never start twice under one id.
     */
    overridableExistingInstanceStates: 'NonRunningStates',
    /** The HTTP API's links assume the default route prefix. */
    httpRoutePrefix: 'api',
    /** The provider the Durable Task Scheduler backend switches to, and the setting with its connection. */
    scheduler: { storageProvider: 'azureManaged', connectionStringName: schedulerConnectionSetting },
} as const;
