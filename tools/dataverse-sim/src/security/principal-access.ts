/**
 * `GET systemusers(<id>)/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@tid)?@tid={'@odata.id':'accounts(<id>)'}`
 * (Use Web API functions, "Pass reference to an entity to a function"): the access rights the user has on one row, as
 * `RetrievePrincipalAccessResponse` `{ AccessRights }`, the AccessRights flags joined as the service writes an enum
 * value (`ReadAccess, WriteAccess, AppendAccess, AppendToAccess, CreateAccess, DeleteAccess, ShareAccess, AssignAccess`;
 * `None` when there is none). A configured identity has the rights its privileges' depths reach the row with; any
 * other user all of them. [inferred] The order of the flags, which is AccessRights' declaration order.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { existingRowId, parseEntityReference } from '../server/references.js';
import type { SchemaIndex } from '../server/schema-index.js';
import type { SimResponse } from '../server/http-types.js';
import { jsonResponse } from '../server/http-types.js';
import type { Store } from '../server/store.js';
import type { AccessKind } from './config.js';
import { accessRightName } from './privileges.js';
import type { SecurityModel } from './security-model.js';

const PATH = /^systemusers\(([0-9a-fA-F-]{36})\)\/Microsoft\.Dynamics\.CRM\.RetrievePrincipalAccess\(Target=(@\w+)\)$/;
const ORDER: AccessKind[] = ['read', 'write', 'append', 'appendto', 'create', 'delete', 'share', 'assign'];

export function addressesPrincipalAccess(rest: string): boolean {
    return PATH.test(decodeURIComponent(rest));
}

export function principalAccessResponse(
    rest: string,
    url: URL,
    base: string,
    schema: SchemaIndex,
    store: Store,
    security: SecurityModel,
): SimResponse {
    const [, rawUser, alias] = PATH.exec(decodeURIComponent(rest))!;
    const userId = rawUser!.toLowerCase();
    if (!store.get('systemuser', userId)) {
        throw new SimError(404, ErrorCodes.ObjectDoesNotExist, `systemuser With Id = ${userId} Does Not Exist`);
    }
    const reference = odataIdOf(url.searchParams.get(alias!));
    const target = parseEntityReference(schema, reference, undefined);
    const id = existingRowId(store, target.info, target.target);
    const row = store.get(target.info.table.logicalName, id)!;
    const principal = security.principalOfUser(userId);
    const table = target.info.table;
    const rights = ORDER.filter((kind) => {
        if (!principal) return true;
        const depth = principal.depth(table, kind);
        return depth !== undefined && principal.reaches(table, row, depth);
    }).map(accessRightName);
    return jsonResponse(200, {
        '@odata.context': `${base}$metadata#Microsoft.Dynamics.CRM.RetrievePrincipalAccessResponse`,
        AccessRights: rights.length > 0 ? rights.join(', ') : 'None',
    });
}

/** The `@odata.id` of a parameter alias value `{'@odata.id':'contacts(<id>)'}` (single or double quotes). */
function odataIdOf(value: string | null): string {
    let parsed: unknown;
    try {
        parsed = value === null ? undefined : JSON.parse(value.replace(/'/g, '"'));
    } catch {
        parsed = undefined;
    }
    const id = (parsed as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
    if (typeof id !== 'string') {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            "The parameter 'Target' of the function 'RetrievePrincipalAccess' must be an entity reference {'@odata.id':'<set>(<id>)'}.",
        );
    }
    return id;
}
