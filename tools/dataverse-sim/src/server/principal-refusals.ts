/**
 * The pairs of the system relationships the service refuses to associate or disassociate, whoever asks: members of a
 * default business-unit team (Dataverse derives them from each user's business unit) or of a Microsoft Entra ID group
 * team (Entra ID manages them), a security role given to a disabled user, and a role of another business unit than its
 * user's or team's (the classic business-unit model, which every simulated org uses).
 *
 * Codes and messages: CannotAddMembersToDefaultTeam 0x8004830B and CannotRemoveMembersFromDefaultTeam 0x8004830C are
 * the Web service error codes list's, with its text. The other three are [inferred]: the admin documentation says a
 * role can only be assigned to enabled users (unless allowRoleAssignmentOnDisabledUsers) and only from the principal's
 * business unit (classic model), and that a group team's members come from Entra ID, but no page gives the error; the
 * simulator answers each with InvalidArgument 0x80040203 (the code the service uses for a refused argument) and a
 * message of its own. All are HTTP 400, as research §7 gives a business-rule refusal.
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { SimLookupValue, SimManyToMany, SimRow } from '../model.js';
import type { Store } from './store.js';

export const PrincipalErrorCodes = {
    CannotAddMembersToDefaultTeam: '0x8004830B',
    CannotRemoveMembersFromDefaultTeam: '0x8004830C',
} as const;

/** teamtype values of Microsoft Entra ID group teams: Security Group (2) and Office Group (3). */
const GROUP_TEAM_TYPES = new Set([2, 3]);

function businessUnitOf(row: SimRow | undefined): string | undefined {
    return (row?.businessunitid as SimLookupValue | null | undefined)?.id;
}

/** Throws the service's refusal when `rel` may not relate (POST) or unrelate (DELETE) `id1` and `id2`. */
export function checkPrincipalPair(
    store: Store,
    rel: SimManyToMany,
    id1: string,
    id2: string,
    method: 'POST' | 'DELETE',
): void {
    const sides: Record<string, string> = {};
    sides[rel.entity1LogicalName] = id1;
    sides[rel.entity2LogicalName] = id2;
    const team = sides.team !== undefined ? store.get('team', sides.team) : undefined;
    const user = sides.systemuser !== undefined ? store.get('systemuser', sides.systemuser) : undefined;
    const role = sides.role !== undefined ? store.get('role', sides.role) : undefined;
    if (team && user) {
        if (team.isdefault === true) {
            if (method === 'POST')
                throw new SimError(
                    400,
                    PrincipalErrorCodes.CannotAddMembersToDefaultTeam,
                    `Can't add members to the default business unit team (TeamId = ${sides.team}).`,
                );
            throw new SimError(
                400,
                PrincipalErrorCodes.CannotRemoveMembersFromDefaultTeam,
                `Can't remove members from the default business unit team (TeamId = ${sides.team}).`,
            );
        }
        if (GROUP_TEAM_TYPES.has(team.teamtype as number))
            throw new SimError(
                400,
                ErrorCodes.InvalidArgument,
                `The members of a Microsoft Entra ID group team are managed in Microsoft Entra ID (TeamId = ${sides.team}).`,
            );
    }
    if (method !== 'POST' || !role) return;
    const principal = user ?? team;
    if (user?.isdisabled === true)
        throw new SimError(
            400,
            ErrorCodes.InvalidArgument,
            `A security role cannot be assigned to a disabled user (SystemUserId = ${sides.systemuser}).`,
        );
    if (principal && businessUnitOf(principal) !== businessUnitOf(role))
        throw new SimError(
            400,
            ErrorCodes.InvalidArgument,
            `The security role (RoleId = ${sides.role}) belongs to another business unit than the ${user ? 'user' : 'team'}.`,
        );
}
