/**
 * The Azure roles the deployed app's managed identity needs, with why: what the runtime assumes it may do.
 * infra/modules/role-assignments.bicep grants them; test/unit/infra-agreement.test.ts checks every one is
 * assigned to the app's identity, on the right resource, for each Durable backend and with or without Key Vault.
 */
import type { DurableBackend } from './catalogue.js';

/** The resource a role is granted on. */
export type RoleScope = 'storageAccount' | 'applicationInsights' | 'durableTaskScheduler' | 'keyVault';

export interface RuntimeRole {
    readonly name: string;
    /** Built-in role definition id (the same in every tenant). */
    readonly id: string;
    readonly scope: RoleScope;
    /** Needed only with this Durable backend. */
    readonly onlyWith?: DurableBackend;
    /** Needed only when a Key Vault holds cross-tenant client secrets. */
    readonly onlyWithKeyVault?: true;
    readonly why: string;
}

export const RUNTIME_ROLES: readonly RuntimeRole[] = [
    {
        name: 'Storage Blob Data Owner',
        id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
        scope: 'storageAccount',
        why: 'host storage with an identity (function keys, timer and singleton leases, the deployment package), run logs and stored specs with blob leases',
    },
    {
        name: 'Storage Queue Data Contributor',
        id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
        scope: 'storageAccount',
        why: 'Durable Functions control and work-item queues (Azure Storage backend) and host queues',
    },
    {
        name: 'Storage Table Data Contributor',
        id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
        scope: 'storageAccount',
        why: 'Durable Functions history and instance tables (Azure Storage backend)',
    },
    {
        name: 'Monitoring Metrics Publisher',
        id: '3913510d-42f4-4e42-8a64-420c390055eb',
        scope: 'applicationInsights',
        why: 'telemetry ingestion with Entra authentication (local authentication is off)',
    },
    {
        name: 'Durable Task Data Contributor',
        id: '0ad04412-c4d5-4796-b79c-f76d14c8d402',
        scope: 'durableTaskScheduler',
        onlyWith: 'DurableTaskScheduler',
        why: 'orchestrations and activities on the Durable Task Scheduler',
    },
    {
        name: 'Key Vault Secrets User',
        id: '4633458b-17de-408a-b874-0445c86b69e6',
        scope: 'keyVault',
        onlyWithKeyVault: true,
        why: 'Key Vault references of the cross-tenant client secret settings',
    },
];
