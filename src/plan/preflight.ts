/**
 * The permissions preflight with its I/O: asks each environment who the caller is (WhoAmI) and what it holds
 * (RetrieveUserPrivileges; RetrievePrincipalAttributePrivileges when a mapped column is secured), then lets
 * `applyPermissions` and `applySecuredColumns` add what falls short to the plan. An identity that may not call those
 * messages gets a "could not check" warning, never a crash.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { describeError } from '../dataverse/errors.js';
import type { EnvironmentMetadata, TableMetadata } from '../dataverse/metadata-types.js';
import { readMaskedColumns } from '../dataverse/masking-rules.js';
import { readCallerPrivileges, readFieldPermissions } from '../dataverse/user-privileges.js';
import type { MigrationSpec } from '../spec/schema.js';
import { preflightMoreIdentities } from './more-identities.js';
import { applyPermissions, type IdentityCheck } from './permissions.js';
import { applySecuredColumns, hasSecuredColumns, type FieldCheck } from './secured-columns.js';
import type { Plan, TablePlan } from './types.js';

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

async function maskedColumns(
    client: DataverseClient,
    signal?: AbortSignal,
): Promise<{ ok: true; columns: Set<string> } | { ok: false; reason: string }> {
    try {
        return { ok: true, columns: await readMaskedColumns(client, signal ? { signal } : {}) };
    } catch (error) {
        if (signal?.aborted) throw error;
        return failure(
            'could not read the source masking rules (attributemaskingrules), so secured columns are read with UnMaskedData=true and a column the source identity may not unmask could copy its mask',
            error,
        );
    }
}

function readsSecured(table: TablePlan, source: ReadonlyMap<string, TableMetadata>): boolean {
    const meta = source.get(table.name);
    return table.columns.some((c) => meta?.attributes.find((a) => a.logicalName === c.source)?.secured !== undefined);
}

export async function preflightPermissions(
    spec: MigrationSpec,
    plan: Plan,
    metadata: { source: EnvironmentMetadata; target: EnvironmentMetadata },
    clients: { source: DataverseClient; target: DataverseClient },
    options: { targetWrites: boolean; signal?: AbortSignal },
): Promise<void> {
    const { signal } = options;
    // The first identity's own answers: a client of several identities sends each request as any of them.
    const first = {
        source:
            clients.source.forIdentity && (clients.source.identityCount ?? 1) > 1
                ? clients.source.forIdentity(0)
                : clients.source,
        target:
            clients.target.forIdentity && (clients.target.identityCount ?? 1) > 1
                ? clients.target.forIdentity(0)
                : clients.target,
    };
    const [source, target] = await Promise.all([
        checkIdentity(first.source, signal),
        checkIdentity(first.target, signal),
    ]);
    const tables = { source: metadata.source.tables, target: metadata.target.tables };
    const paths = new Map(spec.tables.map((t, i) => [t.name, `tables[${i}]`]));
    applyPermissions(plan, paths, tables, source, target, options.targetWrites);
    // Requests go as any identity of an environment: every further one is checked like the first.
    await preflightMoreIdentities({
        spec,
        plan,
        specPaths: paths,
        tables,
        clients,
        first: { source, target },
        targetWrites: options.targetWrites,
        check: (client) => checkIdentity(client, signal),
    });
    if (!hasSecuredColumns(plan, tables.source, tables.target)) return;
    const [sourceFields, targetFields] = await Promise.all([
        checkFields(first.source, source, signal),
        checkFields(first.target, target, signal),
    ]);
    const specTables = new Map(
        spec.tables.map((t, i) => [t.name, { path: `tables[${i}]`, ...(t.columns ? { columns: t.columns } : {}) }]),
    );
    const masked = await maskedColumns(clients.source, signal);
    if (!masked.ok) plan.warnings.push({ message: masked.reason });
    const columns = applySecuredColumns({
        plan,
        specTables,
        ...tables,
        sourceFields,
        targetFields,
        ...(masked.ok ? { maskedSource: masked.columns } : {}),
    });
    // Masking rules unknown: ask for unmasked values wherever a secured column is read; the service unmasks what it may.
    if (!masked.ok)
        for (const table of Object.values(plan.tables)) table.unmaskedReads ||= readsSecured(table, tables.source);
    plan.problems.push(...columns.problems);
    plan.warnings.push(...columns.warnings);
}
