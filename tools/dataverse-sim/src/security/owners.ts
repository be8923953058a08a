/**
 * Who may own a row: Dataverse checks the new owner of a row (on create with an owner, on assign) as a principal that
 * must be able to read it, so an owner without read privilege on the table, such as a user or team without any security
 * role, is refused ("Read Privilege Check For Owner failed with exception: Principal user (Id=<owner>, type=8,
 * roleCount=1, privilegeCount=537, ...), is missing prvRead<table> privilege ... context.Caller=<caller>", as a
 * captured fault quotes it; R9 in the project's research). A disabled user owns nothing new (unManagedidsownernotenabled,
 * "The specified owner has been disabled."). Whoever the caller is, a System Administrator included.
 *
 * A user holds the privileges of its configured identity; else, when the schema relates users to roles
 * (systemuserroles), none without a role of its own or of a team it belongs to, and every privilege with one; a schema
 * without that relationship says nothing about roles, so every user may own rows. Teams likewise through teamroles.
 */
import type { SimLookupValue, SimManyToMany, SimTable } from '../model.js';
import type { Store } from '../server/store.js';
import { privilegeName } from './privileges.js';
import { missingPrivilege, ownerNotEnabled } from './refusals.js';
import type { SecurityModel } from './security-model.js';

export function checkOwner(
    store: Store,
    security: SecurityModel,
    table: SimTable,
    owner: SimLookupValue,
    callerId: string,
): void {
    if (owner.table === 'systemuser') {
        const user = store.get('systemuser', owner.id);
        if (!user) return; // the bind already refused a missing row
        if (user.isdisabled === true) throw ownerNotEnabled();
        const principal = security.principalOfUser(owner.id);
        if (principal) {
            if (!principal.depth(table, 'read'))
                throw missingPrivilege(principal, privilegeName(table, 'read'), table, { callerId, forOwner: true });
            return;
        }
        if (hasNoRole(store, 'systemuser', owner.id)) throw ownerWithoutRole(owner, table, callerId);
        return;
    }
    if (owner.table === 'team' && hasNoRole(store, 'team', owner.id)) throw ownerWithoutRole(owner, table, callerId);
}

function ownerWithoutRole(owner: SimLookupValue, table: SimTable, callerId: string) {
    return missingPrivilege(
        { userId: owner.id, roleCount: 0, privilegeCount: 0 },
        privilegeName(table, 'read'),
        table,
        { callerId, forOwner: true, team: owner.table === 'team' },
    );
}

/** Whether the schema says the principal holds no role (directly, or for a user through a team it belongs to). */
function hasNoRole(store: Store, principal: 'systemuser' | 'team', id: string): boolean {
    const rel = (intersect: string) => store.schema.manyToMany.find((m) => m.intersectEntityName === intersect);
    const roles = principal === 'systemuser' ? rel('systemuserroles') : rel('teamroles');
    if (!roles) return false;
    if (store.related(roles, sideOf(roles, principal), id).length > 0) return false;
    if (principal === 'team') return true;
    const membership = rel('teammembership');
    const teamRoles = rel('teamroles');
    if (!membership || !teamRoles) return true;
    return !store
        .related(membership, sideOf(membership, 'systemuser'), id)
        .some((team) => store.related(teamRoles, sideOf(teamRoles, 'team'), team).length > 0);
}

function sideOf(rel: SimManyToMany, table: string): 1 | 2 {
    return rel.entity1LogicalName === table ? 1 : 2;
}
