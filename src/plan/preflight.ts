/**
 * The permissions preflight with its I/O: asks each environment who the caller is (WhoAmI) and what it holds
 * (RetrieveUserPrivileges; RetrievePrincipalAttributePrivileges when a mapped column is secured), then lets
 * `applyPermissions` and `applySecuredColumns` add what falls short to the plan. An identity that may not call those
 * messages gets a "could not check" warning, never a crash.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { describeError } from '../dataverse/errors.js';
import type { EnvironmentMetadata } from '../dataverse/metadata-types.js';
import { readCallerPrivileges, readFieldPermissions } from '../dataverse/user-privileges.js';
import type { MigrationSpec } from '../spec/schema.js';
import { applyPermissions, type IdentityCheck } from './permissions.js';
import { applySecuredColumns, hasSecuredColumns, type FieldCheck } from './secured-columns.js';
import type { Plan } from './types.js';

function failure(message: string, error: unknown): { ok: false; reason: string } {
    return { ok: false, reason: `${message}: ${describeError(error)}` };
}

async function checkIdentity(client: DataverseClient, signal?: AbortSignal): Promise<IdentityCheck> {
    try {
        return { ok: true, privileges: await readCallerPrivileges(client, signal ? { signal } : {}) };
    } catch (error) {
        if (signal?.aborted) throw error;
        return failure('WhoAmI / RetrieveUserPrivileges', error);
    }
}

async function checkFields(
    client: DataverseClient,
    identity: IdentityCheck,
    signal?: AbortSignal,
): Promise<FieldCheck> {
    if (!identity.ok) return identity;
    try {
        return {
            ok: true,
            fields: await readFieldPermissions(client, identity.privileges.userId, signal ? { signal } : {}),
        };
    } catch (error) {
        if (signal?.aborted) throw error;
        return failure('RetrievePrincipalAttributePrivileges', error);
    }
}

export async function preflightPermissions(
    spec: MigrationSpec,
    plan: Plan,
    metadata: { source: EnvironmentMetadata; target: EnvironmentMetadata },
    clients: { source: DataverseClient; target: DataverseClient },
    options: { targetWrites: boolean; signal?: AbortSignal },
): Promise<void> {
    const { signal } = options;
    const [source, target] = await Promise.all([
        checkIdentity(clients.source, signal),
        checkIdentity(clients.target, signal),
    ]);
    const tables = { source: metadata.source.tables, target: metadata.target.tables };
    const paths = new Map(spec.tables.map((t, i) => [t.name, `tables[${i}]`]));
    applyPermissions(plan, paths, tables, source, target, options.targetWrites);
    if (!hasSecuredColumns(plan, tables.source, tables.target)) return;
    const [sourceFields, targetFields] = await Promise.all([
        checkFields(clients.source, source, signal),
        checkFields(clients.target, target, signal),
    ]);
    const specTables = new Map(
        spec.tables.map((t, i) => [t.name, { path: `tables[${i}]`, ...(t.columns ? { columns: t.columns } : {}) }]),
    );
    const columns = applySecuredColumns({ plan, specTables, ...tables, sourceFields, targetFields });
    plan.problems.push(...columns.problems);
    plan.warnings.push(...columns.warnings);
}
