// The Durable Task Scheduler backend (chosen with durableBackend = 'DurableTaskScheduler'): a scheduler and the
// app's task hub. The app reaches it with its managed identity (role Durable Task Data Contributor, assigned in
// role-assignments.bicep); no key exists.

@description('Name of the scheduler.')
param name string

@description('Name of the task hub (the app setting TASKHUB_NAME).')
param taskHubName string

@description('Region of the scheduler.')
param location string

@description('Tags for the scheduler.')
param tags object

@description('Consumption (pay per action) or Dedicated (reserved capacity units).')
@allowed(['Consumption', 'Dedicated'])
param skuName string

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Access is by Entra identity and RBAC; the allow-list is the network layer on top (all by default).
    ipAllowlist: ['0.0.0.0/0']
    sku: skuName == 'Dedicated'
      ? {
          name: skuName
          capacity: 1
        }
      : {
          name: skuName
        }
  }

  resource taskHub 'taskHubs' = {
    name: taskHubName
  }
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = scheduler::taskHub.name
