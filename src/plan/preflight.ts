/**
 * The permissions preflight with its I/O: asks each environment who the caller is (WhoAmI) and what it holds
 * (RetrieveUserPrivileges), then lets `applyPermissions` add what falls short to the plan. An identity that may not
 * call those messages gets a "could not check" warning, never a crash.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { describeError } from '../dataverse/errors.js';
import type { EnvironmentMetadata } from '../dataverse/metadata-types.js';
import { readCallerPrivileges } from '../dataverse/user-privileges.js';
import type { MigrationSpec } from '../spec/schema.js';
import { applyPermissions, type IdentityCheck } from './permissions.js';
import type { Plan } from './types.js';

async function checkIdentity(client: DataverseClient, signal?: AbortSignal): Promise<IdentityCheck> {
    try {
        return { ok: true, privileges: await readCallerPrivileges(client, signal ? { signal } : {}) };
    } catch (error) {
        if (signal?.aborted) throw error;
        return { ok: false, reason: `WhoAmI / RetrieveUserPrivileges: ${describeError(error)}` };
    }
}

export async function preflightPermissions(
    spec: MigrationSpec,
    plan: Plan,
    metadata: { source: EnvironmentMetadata; target: EnvironmentMetadata },
    clients: { source: DataverseClient; target: DataverseClient },
    signal?: AbortSignal,
): Promise<void> {
    const [source, target] = await Promise.all([
        checkIdentity(clients.source, signal),
        checkIdentity(clients.target, signal),
    ]);
    const paths = new Map(spec.tables.map((t, i) => [t.name, `tables[${i}]`]));
    applyPermissions(plan, paths, { source: metadata.source.tables, target: metadata.target.tables }, source, target);
}
