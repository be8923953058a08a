// The app's user-assigned managed identity: one identity for host storage, run logs, telemetry, the Durable Task
// Scheduler, Key Vault references and (as an application user) Dataverse. User-assigned, so it exists before the
// app and survives re-creating it, and its client id can be registered in Dataverse ahead of the first run.

@description('Name of the identity.')
param name string

@description('Region of the identity.')
param location string

@description('Tags for the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
