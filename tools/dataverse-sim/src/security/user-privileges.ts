/**
 * `GET systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()` and
 * `.../Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='prvReadAccount')`: the privileges a
 * user holds through its roles, as `RetrieveUserPrivilegesResponse` / `RetrieveUserPrivilegeByPrivilegeNameResponse`
 * (`RolePrivileges`: Collection(RolePrivilege): Depth (PrivilegeDepth: Basic, Local, Deep, Global), PrivilegeId,
 * BusinessUnitId, PrivilegeName; RolePrivilege ComplexType reference). A user the configuration does not restrict
 * holds every privilege at Global depth, as the System Administrator role gives it.
 *
 * `.../Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`: the user's field permissions on secured columns,
 * as `RetrievePrincipalAttributePrivilegesResponse` (`AttributePrivileges`: Collection(AttributePrivilege): AttributeId
 * (the attribute's MetadataId), CanCreate, CanRead, CanUpdate (0 Not Allowed, 4 Allowed), CanReadUnMasked (0, 1, 3);
 * AttributePrivilege ComplexType reference); every secured column, all allowed, for an unrestricted user.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { isLookupValue } from '../model.js';
import type { SimResponse } from '../server/http-types.js';
import { jsonResponse } from '../server/http-types.js';
import type { Store } from '../server/store.js';
import type { Depth } from './config.js';
import { ACCESS_KINDS } from './config.js';
import { BYPASS_BUSINESS_LOGIC, BYPASS_PLUGINS, privilegeId, privilegeName } from './privileges.js';
import type { SecurityModel } from './security-model.js';

const PATH =
    /^systemusers\(([0-9a-fA-F-]{36})\)\/Microsoft\.Dynamics\.CRM\.(RetrieveUserPrivileges|RetrieveUserPrivilegeByPrivilegeName|RetrievePrincipalAttributePrivileges)(?:\((.*)\))?$/;

export interface RolePrivilege {
    Depth: Depth;
    PrivilegeId: string;
    BusinessUnitId: string;
    PrivilegeName: string;
}

export function addressesUserPrivileges(rest: string): boolean {
    return PATH.test(decodeURIComponent(rest));
}

export function userPrivilegesResponse(rest: string, base: string, store: Store, security: SecurityModel): SimResponse {
    const m = PATH.exec(decodeURIComponent(rest))!;
    const userId = m[1]!.toLowerCase();
    const fn = m[2]!;
    const user = store.get('systemuser', userId);
    if (!user) throw new SimError(404, ErrorCodes.ObjectDoesNotExist, `systemuser With Id = ${userId} Does Not Exist`);
    const unit = isLookupValue(user.businessunitid) ? user.businessunitid.id : '00000000-0000-0000-0000-000000000000';
    if (fn === 'RetrievePrincipalAttributePrivileges') {
        return jsonResponse(200, {
            '@odata.context': `${base}$metadata#Microsoft.Dynamics.CRM.${fn}Response`,
            AttributePrivileges: security.columnsOfUser(userId).attributePrivileges(),
        });
    }
    let privileges = rolePrivileges(security, userId, unit);
    if (fn === 'RetrieveUserPrivilegeByPrivilegeName') {
        const name = /^PrivilegeName='([^']*)'$/.exec(m[3] ?? '')?.[1];
        if (name === undefined) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                "The parameter 'PrivilegeName' of the function 'RetrieveUserPrivilegeByPrivilegeName' is missing.",
            );
        }
        privileges = privileges.filter((p) => p.PrivilegeName.toLowerCase() === name.toLowerCase());
    }
    return jsonResponse(200, {
        '@odata.context': `${base}$metadata#Microsoft.Dynamics.CRM.${fn}Response`,
        RolePrivileges: privileges,
    });
}

function rolePrivileges(security: SecurityModel, userId: string, unit: string): RolePrivilege[] {
    const principal = security.principalOfUser(userId);
    const out: RolePrivilege[] = [];
    const add = (name: string, depth: Depth) =>
        out.push({ Depth: depth, PrivilegeId: privilegeId(name), BusinessUnitId: unit, PrivilegeName: name });
    for (const table of security.privilegedTables()) {
        for (const kind of ACCESS_KINDS) {
            const depth = principal ? principal.depth(table, kind) : 'Global';
            if (depth) add(privilegeName(table, kind), depth);
        }
    }
    if (!principal || principal.bypassBusinessLogic) add(BYPASS_BUSINESS_LOGIC, 'Global');
    if (!principal || principal.bypassPlugins) add(BYPASS_PLUGINS, 'Global');
    // Activities share one set of privileges (prvReadActivity): listed once.
    const seen = new Set<string>();
    return out.filter((p) => !seen.has(p.PrivilegeName) && seen.add(p.PrivilegeName));
}
