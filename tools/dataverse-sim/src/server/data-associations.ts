/**
 * `$ref` on a navigation property of a row: associate and disassociate many-to-many pairs, set or clear a
 * single-valued lookup, and add or remove a child of a one-to-many relationship (which sets the child's lookup).
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { RouteContext } from './call-context.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, parseJsonBody } from './http-types.js';
import { checkPrincipalPair } from './principal-refusals.js';
import { checkAppend } from '../security/write-checks.js';
import type { KeyTarget } from './references.js';
import { existingRowId, resolveKeyPredicate } from './references.js';
import type { PathSegment } from './resource-path.js';
import { methodNotAllowed, notFound } from './route-errors.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { Store } from './store.js';
import type { Writer } from './writer.js';

export class Associations {
    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly writer: Writer,
    ) {}

    reference(req: SimRequest, info: TableInfo, target: KeyTarget, nav: PathSegment, ctx: RouteContext): SimResponse {
        const id = existingRowId(this.store, info, target);
        const m2m = info.manyToMany.get(nav.name);
        const single = info.navigation.get(nav.name);
        const oneToMany = info.oneToMany.find((r) => r.referencedNavigation === nav.name);
        const method = req.method;
        const otherRef = (): string => {
            const fromQuery = new URLSearchParams(req.url.search).get('$id');
            if (method === 'DELETE' && fromQuery) return fromQuery;
            const body = parseJsonBody(req);
            const ref = body['@odata.id'];
            if (typeof ref !== 'string') {
                throw new SimError(
                    400,
                    ErrorCodes.ODataParse,
                    'The request body must contain an "@odata.id" entity reference.',
                );
            }
            return ref;
        };
        if (m2m) {
            const rel = m2m.relationship;
            const otherTable = m2m.side === 1 ? rel.entity2LogicalName : rel.entity1LogicalName;
            const otherInfo = this.schema.table(otherTable)!;
            const other = nav.key
                ? { info: otherInfo, id: existingRowId(this.store, otherInfo, resolveKeyPredicate(otherInfo, nav.key)) }
                : this.writer.resolveExisting(otherRef(), ctx);
            if (other.info.table.logicalName !== otherTable) throw wrongTarget(nav.name, other.info.table.logicalName);
            const [a, b] = m2m.side === 1 ? [id, other.id] : [other.id, id];
            if (method === 'POST' || method === 'DELETE') checkPrincipalPair(this.store, rel, a, b, method);
            const principal = ctx.caller.principal;
            if (principal && (method === 'POST' || method === 'DELETE')) {
                const otherRow = this.store.get(otherTable, other.id);
                checkAppend(principal, info.table, { table: otherInfo.table, row: otherRow });
            }
            if (method === 'POST') {
                const added = this.store.associate(rel, a, b);
                if (!added) throw new SimError(412, ErrorCodes.DuplicateRecord, 'Cannot insert duplicate key.');
            } else if (method === 'DELETE') this.store.disassociate(rel, a, b);
            else throw methodNotAllowed(method);
            ctx.work.rowsWritten++;
            return emptyResponse(204);
        }
        if (single) {
            if (method === 'PUT') {
                this.writer.update(info, id, { [`${nav.name}@odata.bind`]: otherRef() }, ctx);
            } else if (method === 'DELETE') {
                this.writer.update(info, id, { [`${nav.name}@odata.bind`]: null }, ctx);
            } else throw methodNotAllowed(method);
            ctx.work.rowsWritten++;
            return emptyResponse(204);
        }
        if (oneToMany) {
            const childInfo = this.schema.table(oneToMany.referencingEntity)!;
            const child = nav.key
                ? { info: childInfo, id: existingRowId(this.store, childInfo, resolveKeyPredicate(childInfo, nav.key)) }
                : this.writer.resolveExisting(otherRef(), ctx);
            if (child.info !== childInfo) throw wrongTarget(nav.name, child.info.table.logicalName);
            const bind = `${oneToMany.referencingNavigation}@odata.bind`;
            const parentUrl = `${ctx.base}${info.table.entitySetName}(${id})`;
            if (method === 'POST') this.writer.update(childInfo, child.id, { [bind]: parentUrl }, ctx);
            else if (method === 'DELETE') this.writer.update(childInfo, child.id, { [bind]: null }, ctx);
            else throw methodNotAllowed(method);
            ctx.work.rowsWritten++;
            return emptyResponse(204);
        }
        throw notFound(req);
    }
}

function wrongTarget(nav: string, table: string): SimError {
    return new SimError(400, ErrorCodes.ODataParse, `The navigation property '${nav}' cannot refer to a '${table}'.`);
}
