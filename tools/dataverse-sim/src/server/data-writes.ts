/**
 * Writes of one row: create (POST), upsert by id or alternate key (PATCH, with `If-Match` / `If-None-Match`) and
 * delete; a write answers 204 with `OData-EntityId`, or the row under `Prefer: return=representation`.
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { SimRow } from '../model.js';
import type { Preferences } from '../odata/prefer.js';
import { parsePrefer } from '../odata/prefer.js';
import type { QueryEngine } from '../odata/types.js';
import type { RouteContext } from './call-context.js';
import { selectSuffix } from './entity-response.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, jsonResponse, parseJsonBody } from './http-types.js';
import type { KeyTarget } from './references.js';
import { existingRowId, findRowId, targetNotFound } from './references.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { RowSerializer } from './serialize.js';
import { etagOf } from './serialize.js';
import type { Store } from './store.js';
import type { Writer } from './writer.js';
import { columnView } from './data-reads.js';

export class DataWrites {
    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly engine: QueryEngine,
        private readonly serializer: RowSerializer,
        private readonly writer: Writer,
    ) {}

    create(req: SimRequest, info: TableInfo, ctx: RouteContext): SimResponse {
        const body = parseJsonBody(req);
        const prefs = parsePrefer(req.headers.prefer);
        const row = this.writer.create(info, body, ctx);
        ctx.work.rowsWritten++;
        return this.writeResult(req, info, row, prefs, 201, ctx);
    }

    upsert(req: SimRequest, info: TableInfo, target: KeyTarget, ctx: RouteContext): SimResponse {
        const { table } = info;
        const body = parseJsonBody(req);
        const prefs = parsePrefer(req.headers.prefer);
        const id = findRowId(this.store, info, target);
        const existing = id !== undefined ? this.store.get(table.logicalName, id) : undefined;
        const ifMatch = conditional(req.headers['if-match']);
        const ifNoneMatch = conditional(req.headers['if-none-match']);
        if (ifMatch !== undefined && !existing) throw targetNotFound(info, target);
        if (ifMatch !== undefined && ifMatch !== '*' && existing && ifMatch !== etagOf(existing))
            throw versionMismatch();
        if (ifNoneMatch === '*' && existing) {
            throw new SimError(412, ErrorCodes.DuplicateRecord, 'A record with matching key values already exists.');
        }
        let row: SimRow;
        let created = false;
        if (existing && id !== undefined) row = this.writer.update(info, id, body, ctx);
        else {
            row = this.writer.create(info, body, ctx, target);
            created = true;
        }
        ctx.work.rowsWritten++;
        return this.writeResult(req, info, row, prefs, created ? 201 : 200, ctx);
    }

    remove(req: SimRequest, info: TableInfo, target: KeyTarget, ctx: RouteContext): SimResponse {
        const id = existingRowId(this.store, info, target);
        const row = this.store.get(info.table.logicalName, id)!;
        const ifMatch = conditional(req.headers['if-match']);
        if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(row)) throw versionMismatch();
        this.writer.delete(info, id, ctx);
        ctx.work.rowsWritten++;
        return emptyResponse(204);
    }

    private writeResult(
        req: SimRequest,
        info: TableInfo,
        row: SimRow,
        prefs: Preferences,
        representationStatus: number,
        ctx: RouteContext,
    ): SimResponse {
        const { table } = info;
        const entityUrl = `${ctx.base}${table.entitySetName}(${idText(row[table.primaryIdAttribute])})`;
        if (prefs.returnRepresentation) {
            const parsed = this.engine.parseQuery(new URLSearchParams(req.url.search), table, this.schema.schema);
            return jsonResponse(
                representationStatus,
                {
                    '@odata.context': `${ctx.base}$metadata#${table.entitySetName}${selectSuffix(req)}/$entity`,
                    ...this.serializer.serialize(
                        info,
                        columnView(info, ctx, req, true)(row),
                        parsed.select,
                        prefs.includeAnnotations,
                    ),
                },
                { 'Preference-Applied': 'return=representation' },
            );
        }
        const headers: Record<string, string> = { 'OData-EntityId': entityUrl };
        if (ctx.inBatch) headers.Location = entityUrl;
        return emptyResponse(204, headers);
    }
}

/** `If-Match` / `If-None-Match` value; `null` (sent by many clients to defeat caches) counts as absent. */
function conditional(header: string | undefined): string | undefined {
    if (header === undefined) return undefined;
    const v = header.trim();
    return v === '' || v === 'null' ? undefined : v;
}

function versionMismatch(): SimError {
    return new SimError(
        412,
        ErrorCodes.ConcurrencyVersionMismatch,
        "The version of the existing record doesn't match the RowVersion property provided.",
    );
}

function idText(value: unknown): string {
    return typeof value === 'string' ? value : JSON.stringify(value);
}
