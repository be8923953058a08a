// The storage account: Functions host storage (AzureWebJobsStorage), the Durable Functions task hub (Azure Storage
// backend), the deployment package container of the Flex Consumption app, and the run store (run logs in
// `migration-runs`, stored specs in `migration-specs`). Entra ID only: shared key access is off, so no key or SAS
// exists to leak; every client authenticates with the app's managed identity.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the account.')
param location string

@description('Tags for the account.')
param tags object

@description('Replication of the account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param skuName string

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Days after which the run logs (migration-runs/runs/...) are deleted. Incremental state and stored specs are kept.')
@minValue(1)
param runLogRetentionDays int

// Fixed by the code (RUN_STORE_CONTAINER in src/runlog, SPEC_STORE_CONTAINER in src/specstore; the infra tests compare).
var runsContainerName = 'migration-runs'
var specsContainerName = 'migration-specs'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      // Recover from an accidental delete of a log or spec for a week.
      deleteRetentionPolicy: {
        enabled: true
        days: 7
      }
      containerDeleteRetentionPolicy: {
        enabled: true
        days: 7
      }
    }

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    resource runsContainer 'containers' = {
      name: runsContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    resource specsContainer 'containers' = {
      name: specsContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource lifecycle 'managementPolicies' = {
    name: 'default'
    properties: {
      policy: {
        rules: [
          {
            name: 'delete-old-run-logs'
            enabled: true
            type: 'Lifecycle'
            definition: {
              // Summaries and CSVs are block blobs, events.jsonl is an append blob; both are only deleted.
              filters: {
                blobTypes: ['blockBlob', 'appendBlob']
                prefixMatch: ['${runsContainerName}/runs/']
              }
              actions: {
                baseBlob: {
                  delete: {
                    daysAfterModificationGreaterThan: runLogRetentionDays
                  }
                }
              }
            }
          }
        ]
      }
    }
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output runsContainerName string = runsContainerName
output specsContainerName string = specsContainerName
