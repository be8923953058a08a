/**
 * The service's answers when a caller lacks a privilege or access to a row.
 *
 * - A missing privilege: 403 PrivilegeDenied `0x80040220` (-2147220960, "Principal user is missing privilege on OTC for
 *   entity": SupportArticles "Troubleshoot Dataverse client errors"), worded as the service words it (Customer Service
 *   FAQ "Agents get permission errors": `Principal user (Id=<GUID>, type=8, roleCount=5, privilegeCount=465,
 *   accessMode=0), is missing prvReadincident privilege (Id=<GUID>) on OTC=112 for entity 'incident'.
 *   context.Caller=<GUID>`). A privilege of no table (the bypass privileges) names no OTC or entity [inferred].
 * - A privilege held at too small a depth for the row: 403 `0x80048306` ("Not enough privilege to access the Microsoft
 *   Dynamics 365 object or perform the requested operation.") with SecLib's message, as SupportArticles "Mailbox user
 *   doesn't have sufficient permissions" quotes it: `SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID:
 *   <GUID>, OwnerId: <GUID>,  OwnerIdType: 8 and CallingUser: <GUID>. ObjectTypeCode: 4120, objectBusinessUnitId:
 *   <GUID>, AccessRights: WriteAccess`. [inferred] The status: research §7 gives access refusals 403.
 */
import { SimError } from '../errors.js';
import type { SimTable } from '../model.js';
import { privilegeId } from './privileges.js';

export const SecurityErrorCodes = {
    /** PrivilegeDenied, -2147220960. */
    PrivilegeDenied: '0x80040220',
    /** Access denied by SecLib's access check (hr -2147187962 inside the message). */
    AccessDenied: '0x80048306',
    /** unManagedidsusernotenabled: a disabled user calls. */
    UserNotEnabled: '0x80040225',
    /** unManagedidsownernotenabled: a disabled user is made an owner. */
    OwnerNotEnabled: '0x8004022b',
} as const;

export interface PrincipalFacts {
    userId: string;
    roleCount: number;
    privilegeCount: number;
}

export interface MissingPrivilegeOptions {
    /** The caller, when the principal lacking the privilege is another (a new owner). */
    callerId?: string;
    /** The principal is the new owner of a row: the message carries the owner check's prefix. */
    forOwner?: boolean;
    team?: boolean;
}

export function missingPrivilege(
    principal: PrincipalFacts,
    privilege: string,
    table?: SimTable,
    options: MissingPrivilegeOptions = {},
): SimError {
    const kind = options.team ? 'team' : 'user';
    const type = options.team ? 9 : 8;
    const head = `Principal ${kind} (Id=${principal.userId}, type=${type}, roleCount=${principal.roleCount}, privilegeCount=${principal.privilegeCount}, accessMode=0), is missing ${privilege} privilege (Id=${privilegeId(privilege)})`;
    const where = table ? ` on OTC=${table.objectTypeCode ?? 0} for entity '${table.logicalName}'` : '';
    const prefix = options.forOwner ? 'Read Privilege Check For Owner failed with exception: ' : '';
    return new SimError(
        403,
        SecurityErrorCodes.PrivilegeDenied,
        `${prefix}${head}${where}. context.Caller=${options.callerId ?? principal.userId}`,
    );
}

/**
 * A disabled caller. The code is the Web service error codes list's unManagedidsusernotenabled 0x80040225 (-2147220955,
 * "The specified user is either disabled or is not a member of any business unit."); the message is the one the
 * platform sends at run time (powerapps-docs, troubleshoot plug-ins, "Error when executing in the context of a disabled
 * user"). [inferred] The status 403: the token is valid, the user may not act.
 */
export function userNotEnabled(userId: string, organizationId: string): SimError {
    return new SimError(
        403,
        SecurityErrorCodes.UserNotEnabled,
        `The user with SystemUserId=${userId} in OrganizationContext=${organizationId} is disabled. Disabled users cannot access the system. Consider enabling this user. Also, users are disabled if they don't have a license assigned to them.`,
    );
}

export interface RowFacts {
    id: string;
    ownerId: string;
    /** 8 for a user, 9 for a team (object type codes). */
    ownerType: number;
    businessUnitId: string;
}

export function accessDenied(callerId: string, table: SimTable, row: RowFacts, accessRight: string): SimError {
    return new SimError(
        403,
        SecurityErrorCodes.AccessDenied,
        `SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: ${row.id}, OwnerId: ${row.ownerId},  OwnerIdType: ${row.ownerType} and CallingUser: ${callerId}. ObjectTypeCode: ${table.objectTypeCode ?? 0}, objectBusinessUnitId: ${row.businessUnitId}, AccessRights: ${accessRight} `,
    );
}

/**
 * A disabled user as a row's new owner: unManagedidsownernotenabled 0x8004022b (-2147220949) with the list's text.
 * [inferred] The status 400, as for a refused argument (research §7).
 */
export function ownerNotEnabled(): SimError {
    return new SimError(400, SecurityErrorCodes.OwnerNotEnabled, 'The specified owner has been disabled.');
}
