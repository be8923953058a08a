/**
 * What the caller may do, as the Web API tells it: `WhoAmI` names the caller's user, and the function
 * `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()` lists the privileges that user holds through its
 * roles and its teams' roles (RetrieveUserPrivilegesResponse: `RolePrivileges`, Collection(RolePrivilege): Depth,
 * PrivilegeId, BusinessUnitId, PrivilegeName; "RetrieveUserPrivileges Function", "RolePrivilege ComplexType" and
 * "PrivilegeDepth EnumType" of the Web API reference). One request each, whatever the number of tables.
 */
import { z } from 'zod';
import type { DataverseClient } from './client-types.js';
import { unexpectedResponse } from './errors.js';
import { entityPath } from './odata-url.js';

/** PrivilegeDepth: Basic (the user's own rows), Local (its business unit), Deep (and the units below), Global. */
export const PRIVILEGE_DEPTHS = ['Basic', 'Local', 'Deep', 'Global'] as const;
export type PrivilegeDepth = (typeof PRIVILEGE_DEPTHS)[number];

/** The Web API writes the enum by name; a few stacks write its number (Basic 0, Local 1, Deep 2, Global 3). */
const depth = z.union([
    z.enum(PRIVILEGE_DEPTHS),
    z
        .number()
        .int()
        .min(0)
        .max(3)
        .transform((n) => PRIVILEGE_DEPTHS[n]!),
]);

const rolePrivilege = z.object({ Depth: depth, PrivilegeName: z.string(), PrivilegeId: z.string().optional() });

const userPrivilegesResponse = z.object({ RolePrivileges: z.array(rolePrivilege) });

const whoAmIResponse = z.object({ UserId: z.string(), BusinessUnitId: z.string() });

export interface CallerPrivileges {
    userId: string;
    businessUnitId: string;
    /** Privilege name (lower case) -> the deepest depth held. */
    depths: Map<string, PrivilegeDepth>;
}

/** The caller (WhoAmI) and every privilege it holds (RetrieveUserPrivileges), the deepest depth of each. */
export async function readCallerPrivileges(
    client: DataverseClient,
    options: { signal?: AbortSignal } = {},
): Promise<CallerPrivileges> {
    const who = whoAmIResponse.safeParse(await client.whoAmI(options));
    if (!who.success) throw unexpectedResponse('WhoAmI', who.error.issues);
    const path = `${entityPath('systemusers', who.data.UserId)}/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`;
    const parsed = userPrivilegesResponse.safeParse(await client.get<unknown>(path, options));
    if (!parsed.success) throw unexpectedResponse('RetrieveUserPrivileges', parsed.error.issues);
    const depths = new Map<string, PrivilegeDepth>();
    for (const p of parsed.data.RolePrivileges) {
        const name = p.PrivilegeName.toLowerCase();
        const held = depths.get(name);
        if (!held || PRIVILEGE_DEPTHS.indexOf(p.Depth) > PRIVILEGE_DEPTHS.indexOf(held)) depths.set(name, p.Depth);
    }
    return { userId: who.data.UserId, businessUnitId: who.data.BusinessUnitId, depths };
}

/** FieldPermissionType: 0 Not Allowed, 4 Allowed (AttributePrivilege ComplexType; some stacks write the name). */
const permission = z.union([z.number().int(), z.string()]).transform((v) => v === 4 || v === 'Allowed');

const attributePrivilegesResponse = z.object({
    AttributePrivileges: z.array(
        z.object({
            AttributeId: z.string(),
            CanRead: permission,
            CanCreate: permission,
            CanUpdate: permission,
            /** field_security_permission_readunmasked: 0 Not Allowed, 1 One Record, 3 All Records. */
            CanReadUnMasked: z.union([z.number().int(), z.string()]).optional(),
        }),
    ),
});

export interface FieldPermission {
    read: boolean;
    create: boolean;
    update: boolean;
    /** Unmasked values in queries too (CanReadUnMasked 3, All Records), not only in a retrieve by id. */
    readUnmaskedInQueries?: boolean;
}

/**
 * The user's permissions on secured columns, by the attribute's MetadataId (lower case):
 * `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()` (RetrievePrincipalAttributePrivileges
 * function, AttributePrivilege ComplexType). A secured column it does not list is not allowed at all.
 */
export async function readFieldPermissions(
    client: DataverseClient,
    userId: string,
    options: { signal?: AbortSignal } = {},
): Promise<Map<string, FieldPermission>> {
    const path = `${entityPath('systemusers', userId)}/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`;
    const parsed = attributePrivilegesResponse.safeParse(await client.get<unknown>(path, options));
    if (!parsed.success) throw unexpectedResponse('RetrievePrincipalAttributePrivileges', parsed.error.issues);
    return new Map(
        parsed.data.AttributePrivileges.map((p) => [
            p.AttributeId.toLowerCase(),
            {
                read: p.CanRead,
                create: p.CanCreate,
                update: p.CanUpdate,
                ...(p.CanReadUnMasked === 3 || p.CanReadUnMasked === 'AllRecords'
                    ? { readUnmaskedInQueries: true }
                    : {}),
            },
        ]),
    );
}
