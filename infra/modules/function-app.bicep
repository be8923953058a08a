// The Function App on the Flex Consumption plan (FC1, Linux, Node 22) and every app setting it runs with. The app
// settings are the Azure half of the settings catalogue (src/settings/catalogue.ts): test/unit/infra-agreement
// checks that each setting the code needs in Azure is set here, and nothing that holds a key.

@export()
@description('An app setting whose value a Key Vault secret supplies (a cross-tenant client secret).')
type secretSetting = {
  @description('App setting name, as a spec names it in credential.secretSetting (letters, digits, underscores).')
  @minLength(1)
  @maxLength(128)
  settingName: string

  @description('Name of the secret in the vault (letters, digits, hyphens).')
  @minLength(1)
  @maxLength(127)
  secretName: string
}

@description('Name of the Function App.')
param name string

@description('Name of its Flex Consumption plan.')
param planName string

@description('Region of both.')
param location string

@description('Tags for both; the app also gets azd-service-name.')
param tags object

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('Storage account of host storage, task hub, deployment package and run store.')
param storageAccountName string

@description('Blob container of the deployment package.')
param deploymentContainerName string

@description('Application Insights component of the app.')
param applicationInsightsName string

@description('Durable Functions task hub (TASKHUB_NAME).')
param taskHubName string

@description('Run Durable Functions on the Durable Task Scheduler instead of the storage account.')
param useScheduler bool

@description('Durable Task Scheduler endpoint (with useScheduler).')
param schedulerEndpoint string

@description('Comma-separated Dataverse environment URLs a run may touch (DATAVERSE_ALLOWED_URLS).')
param dataverseAllowedUrls string

@description('NCRONTAB schedule of the timer that starts due scheduled specs (REFRESH_TICK_SCHEDULE).')
param refreshTickSchedule string

@description('Largest HTTP request body the API accepts, in bytes (MAX_REQUEST_BODY_BYTES).')
param maxRequestBodyBytes int

@description('Vault URI for Key Vault references; empty when no vault is deployed.')
param keyVaultUri string

@description('App settings filled from Key Vault secrets.')
param secretSettings secretSetting[]

@description('Always-ready instances of the durable group (orchestrators, activities, entities).')
@minValue(0)
param durableAlwaysReadyInstances int

@description('Upper bound of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var blobEndpoint = storage.properties.primaryEndpoints.blob

// Functions host storage through the identity (no connection string, no key).
var hostStorageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
}

// The connection string names the component; with local auth off, ingestion needs the Entra token the
// authentication string asks for.
var telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// DefaultAzureCredential / ManagedIdentityCredential pick the user-assigned identity by this client id.
var identitySettings = {
  AZURE_CLIENT_ID: identityClientId
}

var durableSettings = {
  TASKHUB_NAME: taskHubName
}

// host.json names the Azure Storage provider; these override it (AzureFunctionsJobHost__<path>) when the Durable
// Task Scheduler is chosen, so one package runs on either backend.
var schedulerSettings = useScheduler
  ? {
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${schedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
    }
  : {}

// Run logs (migration-runs) and stored specs (migration-specs) through the identity.
var runStoreSettings = {
  MIGRATION_LOG_STORAGE__blobServiceUri: blobEndpoint
  MIGRATION_LOG_STORAGE__credential: 'managedidentity'
  MIGRATION_LOG_STORAGE__clientId: identityClientId
}

var appSettings = {
  DATAVERSE_ALLOWED_URLS: dataverseAllowedUrls
  REFRESH_TICK_SCHEDULE: refreshTickSchedule
  MAX_REQUEST_BODY_BYTES: string(maxRequestBodyBytes)
}

// Versionless references follow secret rotation; the app resolves them with keyVaultReferenceIdentity.
var secretReferences = toObject(
  secretSettings,
  setting => setting.settingName,
  setting => '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${setting.secretName}/)'
)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        // Orchestrations keep moving between bursts without waiting for a cold start of the durable group.
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: durableAlwaysReadyInstances
          }
        ]
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Node 22 LTS (Node 20 reached end of life on 2026-04-30); Flex Consumption takes the version here, as
      // Azure-Samples/functions-quickstart-typescript-azd does (runtime name 'node', version '22').
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  // The whole collection is replaced on every deployment: a setting added by hand is removed by the next one.
  resource settings 'config' = {
    name: 'appsettings'
    properties: union(
      secretReferences,
      hostStorageSettings,
      telemetrySettings,
      identitySettings,
      durableSettings,
      schedulerSettings,
      runStoreSettings,
      appSettings
    )
  }

  // Deployments authenticate with Entra ID (azd, az); publishing user names and passwords stay off.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
