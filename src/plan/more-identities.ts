/**
 * The permissions preflight for an environment's further identities (`additionalCredentials`): requests go as any
 * of them (src/dataverse/identity-pool.ts), so each must hold what the first holds. Each is checked like the first
 * (WhoAmI, RetrieveUserPrivileges, then `applyPermissions` on a scratch copy of the plan); what it lacks beyond the
 * first identity's shortfalls is added to the plan naming the identity (its place in the spec and client id), and a
 * source identity that sees fewer rows of a table makes that table's view incomplete, since any identity reads a page.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import type { CredentialSpec } from '../dataverse/credentials.js';
import type { MigrationSpec } from '../spec/schema.js';
import { applyPermissions, type IdentityCheck, type PermissionTables } from './permissions.js';
import type { Plan, PlanIssue, SourceRead } from './types.js';

type Side = 'source' | 'target';

/** `target.additionalCredentials[0] (identity 2, client id …)`: where the spec lists it and who it is. */
export function identityLabel(spec: MigrationSpec, side: Side, index: number): string {
    const credential = index === 0 ? spec[side].credential : spec[side].additionalCredentials?.[index - 1];
    const at = index === 0 ? `${side}.credential` : `${side}.additionalCredentials[${index - 1}]`;
    return `${at} (identity ${index + 1}, client id ${credential ? clientIdOf(credential) : 'unknown'})`;
}

function clientIdOf(credential: CredentialSpec): string {
    switch (credential.type) {
        case 'clientSecret':
        case 'clientCertificate':
        case 'federatedManagedIdentity':
            return credential.clientId;
        case 'managedIdentity':
            return credential.clientId ?? 'system-assigned';
        case 'loopbackUser':
            return credential.oid;
        case 'default':
        case 'none':
            return credential.type;
    }
}

export interface MoreIdentitiesInput {
    spec: MigrationSpec;
    plan: Plan;
    specPaths: ReadonlyMap<string, string>;
    tables: PermissionTables;
    clients: { source: DataverseClient; target: DataverseClient };
    /** What the first identity of each side showed: the other side of each scratch check. */
    first: { source: IdentityCheck; target: IdentityCheck };
    targetWrites: boolean;
    check: (client: DataverseClient) => Promise<IdentityCheck>;
}

export async function preflightMoreIdentities(input: MoreIdentitiesInput): Promise<void> {
    const { plan } = input;
    for (const side of ['source', 'target'] as const) {
        const client = input.clients[side];
        const count = client.identityCount ?? 1;
        if (side === 'target' && !input.targetWrites) continue;
        for (let index = 1; index < count && client.forIdentity; index++) {
            const label = identityLabel(input.spec, side, index);
            const check = await input.check(client.forIdentity(index));
            const scratch: Plan = {
                ...plan,
                tables: structuredClone(plan.tables),
                manyToMany: structuredClone(plan.manyToMany),
                problems: [],
                warnings: [],
            };
            const checks = { ...input.first, [side]: check };
            applyPermissions(scratch, input.specPaths, input.tables, checks.source, checks.target, input.targetWrites);
            const known = new Set([...plan.problems, ...plan.warnings].map((issue) => issue.message));
            const named = (issue: PlanIssue): PlanIssue => ({
                ...issue,
                message: `${label}: ${issue.message.replace(`the ${side} identity`, 'this identity')}`,
            });
            plan.problems.push(...scratch.problems.filter((p) => !known.has(p.message)).map(named));
            plan.warnings.push(...scratch.warnings.filter((w) => !known.has(w.message)).map(named));
            if (side === 'source') narrowSourceViews(plan, scratch, label);
        }
    }
}

/** A table this identity sees less of than the plan says is read incompletely: a page may go as this identity. */
function narrowSourceViews(plan: Plan, scratch: Plan, label: string): void {
    const narrower = (mine: SourceRead | undefined, theirs: SourceRead | undefined): SourceRead | undefined =>
        mine?.complete && theirs && !theirs.complete
            ? { ...theirs, reason: `${label}: ${theirs.reason ?? 'not every row is visible'}` }
            : mine;
    for (const [name, table] of Object.entries(plan.tables)) {
        const view = narrower(table.sourceRead, scratch.tables[name]?.sourceRead);
        if (view) table.sourceRead = view;
    }
    plan.manyToMany.forEach((m, i) => {
        const view = narrower(m.sourceRead, scratch.manyToMany[i]?.sourceRead);
        if (view) m.sourceRead = view;
    });
}
