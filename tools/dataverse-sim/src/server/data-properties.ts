/**
 * One property of a row, `<set>(<id>)/<name>`: a column's value (GET, PUT, DELETE; lookups are refused, they are
 * set by `@odata.bind` or `$ref`), or the rows of a many-to-many navigation property (GET).
 */
import { ErrorCodes, SimError, unknownSegment } from '../errors.js';
import type { SimRow } from '../model.js';
import { isLookupType } from '../model.js';
import { parsePrefer } from '../odata/prefer.js';
import type { RouteContext } from './call-context.js';
import { columnView, countRead } from './data-reads.js';
import { collectionType } from './entity-response.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, jsonResponse, parseJsonBody } from './http-types.js';
import type { KeyTarget } from './references.js';
import { existingRowId } from './references.js';
import { methodNotAllowed } from './route-errors.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { RowSerializer } from './serialize.js';
import type { Store } from './store.js';
import type { Writer } from './writer.js';

export class PropertyRoutes {
    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly serializer: RowSerializer,
        private readonly writer: Writer,
    ) {}

    handle(req: SimRequest, info: TableInfo, target: KeyTarget, name: string, ctx: RouteContext): SimResponse {
        const { table } = info;
        const m2m = info.manyToMany.get(name);
        if (m2m && req.method === 'GET') {
            const id = existingRowId(this.store, info, target);
            const rel = m2m.relationship;
            const otherTable = m2m.side === 1 ? rel.entity2LogicalName : rel.entity1LogicalName;
            const otherInfo = this.schema.table(otherTable)!;
            const prefs = parsePrefer(req.headers.prefer);
            ctx.caller.principal?.requireRow(table, this.store.get(table.logicalName, id)!, 'read');
            const visible = ctx.caller.principal?.readFilter(otherInfo.table) ?? (() => true);
            const view = columnView(otherInfo, ctx, req, false);
            const rows = this.store
                .related(rel, m2m.side, id)
                .map((otherId) => this.store.get(otherTable, otherId))
                .filter((r): r is SimRow => r !== undefined && visible(r))
                .map(view);
            countRead(this.store, otherInfo, ctx, rows.length);
            return jsonResponse(
                200,
                {
                    '@odata.context': `${ctx.base}$metadata#${otherInfo.table.entitySetName}`,
                    value: rows.map(this.serializer.forRows(otherInfo, undefined, prefs.includeAnnotations)),
                },
                collectionType(ctx),
            );
        }
        const attr = info.attributes.get(name);
        if (!attr) throw unknownSegment(name);
        if (isLookupType(attr.type) || attr.attributeOf) {
            // research §2.2: single-property writes "can't be used for navigation properties".
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                `The property '${name}' of '${table.logicalName}' is a lookup; set it with '@odata.bind' or its $ref.`,
            );
        }
        const id = existingRowId(this.store, info, target);
        if (req.method === 'GET') {
            countRead(this.store, info, ctx, 1);
            const stored = this.store.get(table.logicalName, id)!;
            ctx.caller.principal?.requireRow(table, stored, 'read');
            const row = columnView(info, ctx, req, true)(stored);
            return jsonResponse(200, {
                '@odata.context': `${ctx.base}$metadata#${table.entitySetName}(${id})/${name}`,
                value: row[name] ?? null,
            });
        }
        if (req.method === 'PUT') {
            const body = parseJsonBody(req);
            if (!('value' in body))
                throw new SimError(400, ErrorCodes.ODataParse, 'The request body must have a "value" property.');
            this.writer.update(info, id, { [name]: body.value }, ctx);
        } else if (req.method === 'DELETE') {
            this.writer.update(info, id, { [name]: null }, ctx);
        } else throw methodNotAllowed(req.method);
        ctx.work.rowsWritten++;
        return emptyResponse(204);
    }
}
