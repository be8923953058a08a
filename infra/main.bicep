// dataverse-migrate in one resource group: a Flex Consumption Function App (Node 22) behind App Service
// authentication (Entra ID, app roles) with a user-assigned managed identity, identity-only storage (host, task hub, run logs, stored specs), Application Insights on Log Analytics
// with Entra-authenticated ingestion, the Durable backend of choice, and an optional Key Vault for cross-tenant
// client secrets. No key, password or secret is created, passed or output. Deploy with `azd up` or
// `az deployment group create` (infra/README.md).
targetScope = 'resourceGroup'

import { secretSetting } from 'modules/function-app.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd environment name); it seeds the unique suffix of every resource name.')
param environmentName string

@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = resourceGroup().location

@description('Object id of the deploying user or pipeline principal: read access to run logs, and to the scheduler dashboard and the vault\'s secrets when those exist. Empty for none.')
param principalId string = ''

@description('Durable Functions backend: AzureStorage (task hub in the storage account) or DurableTaskScheduler (a managed scheduler).')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param durableBackend string = 'AzureStorage'

@description('SKU of the Durable Task Scheduler (only with durableBackend = DurableTaskScheduler).')
@allowed(['Consumption', 'Dedicated'])
param schedulerSkuName string = 'Consumption'

@description('Durable Functions task hub name (letters and digits, starting with a letter).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'dataversemigrate'

@description('Application (client) id of the Entra ID app registration that signs people and clients in to the dashboard and the API (App Service authentication); it defines the app roles Migration.Operator and Migration.Reader. Function keys reach the API under /api/automation.')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Comma-separated Dataverse environment URLs (https://org.crm.dynamics.com) that a run may read or write. Runs naming any other URL are refused.')
@minLength(1)
param dataverseAllowedUrls string

@description('NCRONTAB (six fields) of the timer that starts scheduled specs that are due.')
param refreshTickSchedule string = '0 */1 * * * *'

@description('Largest HTTP request body the API accepts, in bytes.')
@minValue(1024)
param maxRequestBodyBytes int = 262144

@description('Days after which run logs are deleted from the migration-runs container.')
@minValue(1)
param runLogRetentionDays int = 90

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Replication of the storage account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSkuName string = 'Standard_LRS'

@description('Always-ready instances of the durable group: 1 keeps orchestrations moving without cold starts.')
@minValue(0)
param durableAlwaysReadyInstances int = 1

@description('Upper bound of Function App instances. Dataverse service protection limits bind long before Flex does.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each Function App instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Deploy a Key Vault (RBAC mode) for client secrets of app registrations in other tenants. Also deployed when keyVaultSecretSettings is not empty.')
param keyVaultEnabled bool = false

@description('Purge protection of the vault (recommended; a purged name cannot be reused for 90 days either way).')
param keyVaultPurgeProtection bool = true

@description('App settings filled from vault secrets: [{ settingName, secretName }]. settingName is what a spec names in credential.secretSetting.')
param keyVaultSecretSettings secretSetting[] = []

var resourceToken = toLower(uniqueString(resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var useScheduler = durableBackend == 'DurableTaskScheduler'
var useKeyVault = keyVaultEnabled || !empty(keyVaultSecretSettings)
var deploymentContainerName = 'app-package'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
    runLogRetentionDays: runLogRetentionDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module scheduler 'modules/durable-task-scheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  params: {
    name: 'dts-${resourceToken}'
    taskHubName: taskHubName
    location: location
    tags: tags
    skuName: schedulerSkuName
  }
}

module keyVault 'modules/key-vault.bicep' = if (useKeyVault) {
  name: 'key-vault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    purgeProtection: keyVaultPurgeProtection
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    schedulerName: useScheduler ? scheduler!.outputs.name : ''
    keyVaultName: useKeyVault ? keyVault!.outputs.name : ''
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  // The app starts with every role in place: host storage, telemetry and secrets work from its first run.
  dependsOn: [roles]
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    taskHubName: useScheduler ? scheduler!.outputs.taskHubName : taskHubName
    useScheduler: useScheduler
    schedulerEndpoint: useScheduler ? scheduler!.outputs.endpoint : ''
    dataverseAllowedUrls: dataverseAllowedUrls
    refreshTickSchedule: refreshTickSchedule
    maxRequestBodyBytes: maxRequestBodyBytes
    keyVaultUri: useKeyVault ? keyVault!.outputs.uri : ''
    secretSettings: keyVaultSecretSettings
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

// Scripts keep function keys: App Service authentication leaves these paths to them (src/functions/http.ts).
module auth 'modules/auth.bicep' = {
  name: 'auth'
  params: {
    appName: functionApp.outputs.name
    clientId: authClientId
    excludedPaths: [
      '/api/automation'
      '/api/automation/*'
    ]
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
// People open this: Entra ID sign-in, then the dashboard. The API answers 401 to anyone not signed in.
output DASHBOARD_SIGN_IN_URL string = 'https://${functionApp.outputs.defaultHostName}/.auth/login/aad?post_login_redirect_uri=/'
// The redirect URI the app registration needs (platform Web) for the sign-in above.
output AUTH_REDIRECT_URI string = 'https://${functionApp.outputs.defaultHostName}/.auth/login/aad/callback'
// Scripts with a function key call the API here.
output AUTOMATION_API_URL string = 'https://${functionApp.outputs.defaultHostName}/api/automation'
output AZURE_AUTH_CLIENT_ID string = authClientId
output AZURE_MANAGED_IDENTITY_NAME string = identity.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
// What a multi-tenant app registration's federated identity credential names to trust this identity (cross-tenant
// migrations without secrets, README "Across tenants without secrets"): the identity's tenant as issuer and its
// object id as subject, for the audience api://AzureADTokenExchange.
output AZURE_FEDERATION_ISSUER string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
output AZURE_FEDERATION_SUBJECT string = identity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output MIGRATION_RUNS_CONTAINER string = storage.outputs.runsContainerName
output MIGRATION_SPECS_CONTAINER string = storage.outputs.specsContainerName
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
output DURABLE_BACKEND string = durableBackend
output TASKHUB_NAME string = useScheduler ? scheduler!.outputs.taskHubName : taskHubName
output DURABLE_TASK_SCHEDULER_ENDPOINT string = useScheduler ? scheduler!.outputs.endpoint : ''
output AZURE_KEY_VAULT_NAME string = useKeyVault ? keyVault!.outputs.name : ''
output AZURE_KEY_VAULT_URI string = useKeyVault ? keyVault!.outputs.uri : ''
