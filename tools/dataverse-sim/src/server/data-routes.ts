/**
 * Entity set routes: collection queries (paging, change tracking), single rows by id or alternate key,
 * create, upsert with conditional headers, delete, single-property PUT/DELETE, `$ref` associations,
 * and the bound CreateMultiple/UpdateMultiple/UpsertMultiple actions.
 */
import { ErrorCodes, SimError, unknownSegment } from '../errors.js';
import type { SimRow } from '../model.js';
import { isLookupType } from '../model.js';
import type { Preferences } from '../odata/prefer.js';
import { annotationRequested, MAX_PAGE_SIZE, parsePrefer } from '../odata/prefer.js';
import type { QueryEngine } from '../odata/types.js';
import { cookieEncode } from '../odata/skiptoken.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, JSON_CONTENT_TYPE, jsonResponse } from './http-types.js';
import type { KeyTarget } from './references.js';
import { existingRowId, findRowId, resolveKeyPredicate, targetNotFound } from './references.js';
import type { PathSegment } from './resource-path.js';
import { parseKeyPredicate } from './resource-path.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import { etagOf, RowSerializer } from './serialize.js';
import { ChangeTracking, changeTrackingDisabled } from './change-tracking.js';
import { methodNotAllowed, notFound } from './route-errors.js';
import type { RouteContext } from './call-context.js';
import type { SimClock } from './sim-clock.js';
import { StateMessages } from './state-messages.js';
import type { Store } from './store.js';
import { Writer } from './writer.js';

const TRACKING_PREFIX = 'ct';
const BULK_ACTIONS = ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple'] as const;
type BulkAction = (typeof BULK_ACTIONS)[number];

export class DataRoutes {
    private readonly serializer: RowSerializer;
    readonly writer: Writer;
    readonly stateMessages: StateMessages;
    private readonly tracking: ChangeTracking;

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly engine: QueryEngine,
        clock: SimClock,
    ) {
        this.serializer = new RowSerializer(schema, store);
        this.writer = new Writer(schema, store, () => clock.now());
        this.tracking = new ChangeTracking(store, clock);
        this.stateMessages = new StateMessages(schema, store, this.writer, () => clock.now());
    }

    handle(req: SimRequest, info: TableInfo, segments: PathSegment[], ctx: RouteContext): SimResponse {
        const [head, second, third, fourth] = segments;
        const method = req.method;
        if (!head) throw notFound(req);
        if (!head.key) {
            if (!second) {
                if (method === 'GET') return this.query(req, info, ctx);
                if (method === 'POST') return this.create(req, info, ctx);
                throw methodNotAllowed(method);
            }
            if (second.name === '$count' && !third && method === 'GET') return this.count(req, info, ctx);
            const action = /^Microsoft\.Dynamics\.CRM\.(\w+)$/.exec(second.name)?.[1];
            if (action === 'DeleteMultiple' && !third) {
                if (method !== 'POST') throw methodNotAllowed(method);
                // Elastic tables only; every simulated table is a standard table (research §3.2). Code unverified.
                throw new SimError(400, ErrorCodes.UnexpectedError, 'DeleteMultiple has not yet been implemented.');
            }
            if (action && (BULK_ACTIONS as readonly string[]).includes(action) && !third) {
                if (method !== 'POST') throw methodNotAllowed(method);
                return this.bulk(req, info, action as BulkAction, ctx);
            }
            throw notFound(req);
        }
        const target = resolveKeyPredicate(info, head.key);
        if (!second) {
            if (method === 'GET') return this.retrieve(req, info, target, ctx);
            if (method === 'PATCH') return this.upsert(req, info, target, ctx);
            if (method === 'DELETE') return this.remove(req, info, target, ctx);
            throw methodNotAllowed(method);
        }
        if (third?.name === '$ref' && !fourth) return this.reference(req, info, target, second, ctx);
        if (second.name === 'Microsoft.Dynamics.CRM.QualifyLead' && info.table.logicalName === 'lead' && !third) {
            if (method !== 'POST') throw methodNotAllowed(method);
            const response = this.stateMessages.qualifyLead(this.existingId(info, target), parseJsonBody(req), ctx);
            ctx.work.rowsWritten++;
            return response;
        }
        if (second.name === '$ref') throw notFound(req);
        if (!third) return this.property(req, info, target, second.name, ctx);
        throw notFound(req);
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    private query(req: SimRequest, info: TableInfo, ctx: RouteContext): SimResponse {
        const prefs = parsePrefer(req.headers.prefer);
        const params = new URLSearchParams(req.url.search);
        const { table } = info;
        if (params.has('$deltatoken')) return this.delta(req, info, params, prefs, ctx);
        let trackedVersion: number | undefined;
        if (prefs.trackChanges) {
            for (const option of ['filter', 'orderby', 'expand', 'top']) {
                if (params.has(`$${option}`)) {
                    throw new SimError(
                        400,
                        ErrorCodes.ODataParse,
                        `The "$${option}" query parameter isn't supported when Change Tracking is enabled.`,
                    );
                }
            }
            if (!table.changeTracking) throw changeTrackingDisabled(table.logicalName);
            trackedVersion = this.store.currentVersion;
            const token = params.get('$skiptoken');
            if (token?.startsWith(TRACKING_PREFIX)) {
                const sep = token.indexOf('!');
                trackedVersion = Number(token.slice(TRACKING_PREFIX.length, sep));
                params.set('$skiptoken', token.slice(sep + 1));
            }
        }
        const parsed = this.engine.parseQuery(params, table, this.schema.schema);
        if (prefs.maxPageSize !== undefined) parsed.top = undefined; // $top is ignored with odata.maxpagesize
        const pageSize = prefs.maxPageSize ?? MAX_PAGE_SIZE;
        const source = this.store.tableStore(table.logicalName);
        const page = this.engine.runQuery(source, table, parsed, pageSize);
        this.countRead(info, ctx, page.rows.length);
        const body: Record<string, unknown> = {
            '@odata.context': `${ctx.base}$metadata#${table.entitySetName}${selectSuffix(req)}`,
        };
        if (parsed.count && page.count !== undefined) body['@odata.count'] = page.count;
        this.totalCountAnnotations(body, prefs, parsed.count, page.count, page.countLimitExceeded === true);
        body.value = page.rows.map(this.serializer.forRows(info, parsed.select, prefs.includeAnnotations));
        if (page.nextSkipToken !== undefined) {
            const token =
                trackedVersion !== undefined
                    ? `${TRACKING_PREFIX}${trackedVersion}!${page.nextSkipToken}`
                    : page.nextSkipToken;
            body['@odata.nextLink'] = replaceParam(req.url, '$skiptoken', token);
        } else if (trackedVersion !== undefined) {
            const withoutSkip = removeParam(req.url, '$skiptoken');
            body['@odata.deltaLink'] = replaceParam(
                new URL(withoutSkip),
                '$deltatoken',
                this.tracking.token(trackedVersion),
            );
        }
        return jsonResponse(200, body, { ...preferenceApplied(prefs), ...collectionType(ctx) });
    }

    private totalCountAnnotations(
        body: Record<string, unknown>,
        prefs: Preferences,
        counted: boolean,
        count: number | undefined,
        limitExceeded: boolean,
    ): void {
        const total = 'Microsoft.Dynamics.CRM.totalrecordcount';
        const exceeded = 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded';
        const wants = (name: string) => annotationRequested(prefs, name);
        if (wants(total)) body[`@${total}`] = counted && count !== undefined ? count : -1;
        // True only above 5,000 rows: exactly 5,000 is the real count (research §1.1).
        if (wants(exceeded)) body[`@${exceeded}`] = counted && limitExceeded;
    }

    /**
     * GET the deltaLink: rows written since the token (by version), then deletions, paged by the page size (5000 or
     * `odata.maxpagesize`) with nextLinks, the new deltaLink on the last page.
     */
    private delta(
        req: SimRequest,
        info: TableInfo,
        params: URLSearchParams,
        prefs: Preferences,
        ctx: RouteContext,
    ): SimResponse {
        const { table } = info;
        const skipToken = params.get('$skiptoken') ?? undefined;
        const page = this.tracking.page(
            table,
            params.get('$deltatoken') ?? '',
            skipToken,
            prefs.maxPageSize ?? MAX_PAGE_SIZE,
        );
        params.delete('$deltatoken');
        params.delete('$skiptoken');
        const parsed = this.engine.parseQuery(params, table, this.schema.schema);
        this.countRead(info, ctx, page.items.length);
        const serialize = this.serializer.forRows(info, parsed.select, prefs.includeAnnotations);
        const deletedContext = `${ctx.base}$metadata#${table.entitySetName}/$deletedEntity`;
        const value = page.items.map((item) =>
            'row' in item
                ? serialize(item.row)
                : { '@odata.context': deletedContext, id: item.deleted, reason: 'deleted' },
        );
        const body: Record<string, unknown> = {
            '@odata.context': `${ctx.base}$metadata#${table.entitySetName}${selectSuffix(req)}/$delta`,
            value,
        };
        if (page.next !== undefined) body['@odata.nextLink'] = replaceParam(req.url, '$skiptoken', page.next);
        else {
            const base = new URL(removeParam(req.url, '$skiptoken'));
            body['@odata.deltaLink'] = replaceParam(base, '$deltatoken', this.tracking.token(page.snapshot));
        }
        return jsonResponse(200, body, { ...preferenceApplied(prefs), ...collectionType(ctx) });
    }

    /** `GET <set>/$count` (capped at 5000); with `$deltatoken`, the number of changes since the token (research §6). */
    private count(req: SimRequest, info: TableInfo, ctx: RouteContext): SimResponse {
        const token = new URLSearchParams(req.url.search).get('$deltatoken');
        let n: number;
        if (token !== null) n = this.tracking.count(info.table, token);
        else n = Math.min(this.store.tableStore(info.table.logicalName).size, MAX_PAGE_SIZE);
        this.countRead(info, ctx, 0);
        return { status: 200, headers: { 'OData-Version': '4.0', 'Content-Type': 'text/plain' }, body: String(n) };
    }

    private retrieve(req: SimRequest, info: TableInfo, target: KeyTarget, ctx: RouteContext): SimResponse {
        const { table } = info;
        const id = this.existingId(info, target);
        const row = this.store.get(table.logicalName, id)!;
        const prefs = parsePrefer(req.headers.prefer);
        const params = new URLSearchParams(req.url.search);
        const parsed = this.engine.parseQuery(params, table, this.schema.schema);
        const ifNoneMatch = req.headers['if-none-match'];
        if (ifNoneMatch && ifNoneMatch === etagOf(row) && !prefs.includeAnnotations && !params.has('$expand')) {
            return emptyResponse(304);
        }
        this.countRead(info, ctx, 1);
        return jsonResponse(
            200,
            {
                '@odata.context': `${ctx.base}$metadata#${table.entitySetName}${selectSuffix(req)}/$entity`,
                ...this.serializer.serialize(info, row, parsed.select, prefs.includeAnnotations),
            },
            preferenceApplied(prefs),
        );
    }

    private property(
        req: SimRequest,
        info: TableInfo,
        target: KeyTarget,
        name: string,
        ctx: RouteContext,
    ): SimResponse {
        const { table } = info;
        const m2m = info.manyToMany.get(name);
        if (m2m && req.method === 'GET') {
            const id = this.existingId(info, target);
            const rel = m2m.relationship;
            const otherTable = m2m.side === 1 ? rel.entity2LogicalName : rel.entity1LogicalName;
            const otherInfo = this.schema.table(otherTable)!;
            const prefs = parsePrefer(req.headers.prefer);
            const rows = this.store
                .related(rel, m2m.side, id)
                .map((otherId) => this.store.get(otherTable, otherId))
                .filter((r): r is SimRow => r !== undefined);
            this.countRead(otherInfo, ctx, rows.length);
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
        const id = this.existingId(info, target);
        if (req.method === 'GET') {
            this.countRead(info, ctx, 1);
            const row = this.store.get(table.logicalName, id)!;
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

    // ---- writes ---------------------------------------------------------------------------------------------

    private create(req: SimRequest, info: TableInfo, ctx: RouteContext): SimResponse {
        const body = parseJsonBody(req);
        const prefs = parsePrefer(req.headers.prefer);
        const row = this.writer.create(info, body, ctx);
        ctx.work.rowsWritten++;
        return this.writeResult(req, info, row, prefs, 201, ctx);
    }

    private upsert(req: SimRequest, info: TableInfo, target: KeyTarget, ctx: RouteContext): SimResponse {
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
                    ...this.serializer.serialize(info, row, parsed.select, prefs.includeAnnotations),
                },
                { 'Preference-Applied': 'return=representation' },
            );
        }
        const headers: Record<string, string> = { 'OData-EntityId': entityUrl };
        if (ctx.inBatch) headers.Location = entityUrl;
        return emptyResponse(204, headers);
    }

    private remove(req: SimRequest, info: TableInfo, target: KeyTarget, ctx: RouteContext): SimResponse {
        const id = this.existingId(info, target);
        const row = this.store.get(info.table.logicalName, id)!;
        const ifMatch = conditional(req.headers['if-match']);
        if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(row)) throw versionMismatch();
        this.writer.delete(info, id);
        ctx.work.rowsWritten++;
        return emptyResponse(204);
    }

    /** `$ref` on a navigation property: associate, set or clear a lookup, disassociate. */
    private reference(
        req: SimRequest,
        info: TableInfo,
        target: KeyTarget,
        nav: PathSegment,
        ctx: RouteContext,
    ): SimResponse {
        const id = this.existingId(info, target);
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
                ? { info: otherInfo, id: this.existingId(otherInfo, resolveKeyPredicate(otherInfo, nav.key)) }
                : this.writer.resolveExisting(otherRef(), ctx);
            if (other.info.table.logicalName !== otherTable) throw wrongTarget(nav.name, other.info.table.logicalName);
            const [a, b] = m2m.side === 1 ? [id, other.id] : [other.id, id];
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
                ? { info: childInfo, id: this.existingId(childInfo, resolveKeyPredicate(childInfo, nav.key)) }
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

    // ---- bulk actions ---------------------------------------------------------------------------------------

    private bulk(req: SimRequest, info: TableInfo, action: BulkAction, ctx: RouteContext): SimResponse {
        const { table } = info;
        if (table.bulkOperations === false || table.isIntersect) {
            throw new SimError(
                400,
                ErrorCodes.UnexpectedError,
                `The '${action}' method does not support entities of type '${table.logicalName}'. MessageProcessorCache returned MessageProcessor.Empty.`,
            );
        }
        const body = parseJsonBody(req);
        const targets = body.Targets;
        if (!Array.isArray(targets)) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                `The parameter 'Targets' of the action '${action}' is missing or not a collection.`,
            );
        }
        const expectedType = `Microsoft.Dynamics.CRM.${table.logicalName}`;
        targets.forEach((t, i) => {
            if (t === null || typeof t !== 'object' || Array.isArray(t)) {
                throw new SimError(400, ErrorCodes.ODataParse, `Targets[${i}] is not an entity.`);
            }
            const type = (t as Record<string, unknown>)['@odata.type'];
            if (type === undefined) {
                throw new SimError(
                    400,
                    ErrorCodes.ODataParse,
                    `An entity in 'Targets' has no '@odata.type' annotation; each entity must name its type, e.g. '${expectedType}'.`,
                );
            }
            if (type !== expectedType) {
                throw new SimError(
                    400,
                    ErrorCodes.InvalidArgument,
                    `Targets[${i}] has '@odata.type' '${JSON.stringify(type)}', expected '${expectedType}'.`,
                );
            }
        });
        const entities = targets as Array<Record<string, unknown>>;
        // Standard tables: all or nothing.
        const ids = this.store.transaction(() =>
            entities.map((entity) => {
                if (action === 'CreateMultiple') return this.writer.create(info, entity, ctx)[table.primaryIdAttribute];
                if (action === 'UpdateMultiple') {
                    const id = entity[table.primaryIdAttribute];
                    if (typeof id !== 'string') {
                        throw new SimError(
                            400,
                            ErrorCodes.InvalidArgument,
                            `Entity Id must be specified for Update (${table.primaryIdAttribute}).`,
                        );
                    }
                    if (!this.store.get(table.logicalName, id.toLowerCase())) {
                        // The bulk form of ObjectDoesNotExist (research §3.2, §7: "Contact With Ids = <guid> Do Not
                        // Exist"); naming the table by its schema name follows that quote [inferred].
                        throw new SimError(
                            404,
                            ErrorCodes.ObjectDoesNotExist,
                            `${table.schemaName ?? table.logicalName} With Ids = ${id.toLowerCase()} Do Not Exist`,
                        );
                    }
                    return this.writer.update(info, id.toLowerCase(), entity, ctx)[table.primaryIdAttribute];
                }
                return this.upsertTarget(info, entity, ctx);
            }),
        );
        ctx.work.rowsWritten += entities.length;
        if (action === 'CreateMultiple') {
            return jsonResponse(200, {
                '@odata.context': `${ctx.base}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
                Ids: ids,
            });
        }
        return emptyResponse(204);
    }

    private upsertTarget(info: TableInfo, entity: Record<string, unknown>, ctx: RouteContext): unknown {
        const { table } = info;
        let target: KeyTarget = {};
        const odataId = entity['@odata.id'];
        if (typeof odataId === 'string') {
            const m = /^([A-Za-z0-9_]+)\((.*)\)$/.exec(
                odataId.replace(/^.*\/api\/data\/v9\.[0-2]\//, '').replace(/^\//, ''),
            );
            if (!m || m[1] !== table.entitySetName) {
                throw new SimError(
                    400,
                    ErrorCodes.InvalidArgument,
                    `'@odata.id' '${odataId}' does not address a row of ${table.entitySetName}.`,
                );
            }
            target = resolveKeyPredicate(info, parseKeyPredicate(m[2]!));
        } else if (typeof entity[table.primaryIdAttribute] === 'string') {
            target = { id: (entity[table.primaryIdAttribute] as string).toLowerCase() };
        }
        const id = target.id !== undefined || target.keyValues ? findRowId(this.store, info, target) : undefined;
        const body = { ...entity };
        delete body['@odata.id'];
        if (id !== undefined) return this.writer.update(info, id, body, ctx)[table.primaryIdAttribute];
        return this.writer.create(info, body, ctx, target)[table.primaryIdAttribute];
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private existingId(info: TableInfo, target: KeyTarget): string {
        return existingRowId(this.store, info, target);
    }

    private countRead(info: TableInfo, ctx: RouteContext, n: number): void {
        ctx.work.rowsRead += n;
        this.store.tableStore(info.table.logicalName).rowsRead += n;
    }
}

export function parseJsonBody(req: SimRequest): Record<string, unknown> {
    if (req.body.trim() === '') return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(req.body);
    } catch (err) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new SimError(400, ErrorCodes.ODataParse, 'The request body must be a JSON object.');
    }
    return parsed as Record<string, unknown>;
}

/** The `$select` text as the client wrote it, for `@odata.context` (`$metadata#accounts(name,revenue)`). */
function selectSuffix(req: SimRequest): string {
    const select = new URLSearchParams(req.url.search).get('$select');
    return select ? `(${select})` : '';
}

/** Collections inside `$batch` are answered as streamed JSON (research §0; the execute-batch doc examples). */
function collectionType(ctx: RouteContext): Record<string, string> {
    return ctx.inBatch ? { 'Content-Type': `${JSON_CONTENT_TYPE}; odata.streaming=true` } : {};
}

/** One `Preference-Applied` header line per applied preference, as the service sends them (research §0). */
function preferenceApplied(prefs: Preferences): Record<string, string[]> {
    return prefs.applied.length > 0 ? { 'Preference-Applied': [...prefs.applied] } : {};
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

function wrongTarget(nav: string, table: string): SimError {
    return new SimError(400, ErrorCodes.ODataParse, `The navigation property '${nav}' cannot refer to a '${table}'.`);
}

/** The request URL with one query option replaced (or added), other options kept byte for byte. */
export function replaceParam(url: URL, name: string, value: string): string {
    const base = removeParam(url, name);
    const sep = base.includes('?') ? '&' : '?';
    return `${base}${sep}${name}=${name === '$deltatoken' ? cookieEncode(value) : encodeURIComponent(value)}`;
}

function removeParam(url: URL, name: string): string {
    const parts = url.search
        .replace(/^\?/, '')
        .split('&')
        .filter((p) => p !== '' && decodeURIComponent(p.split('=')[0]!) !== name);
    return `${url.origin}${url.pathname}${parts.length ? `?${parts.join('&')}` : ''}`;
}

function idText(value: unknown): string {
    return typeof value === 'string' ? value : JSON.stringify(value);
}
