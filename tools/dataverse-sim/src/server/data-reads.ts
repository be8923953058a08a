/**
 * Reads of an entity set: collection queries (paging, change tracking and its delta pages), `$count`, and one row
 * by id or alternate key (`If-None-Match` answered with 304).
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { SimRow } from '../model.js';
import type { Preferences } from '../odata/prefer.js';
import { annotationRequested, MAX_PAGE_SIZE, parsePrefer } from '../odata/prefer.js';
import type { QueryEngine, RowSource } from '../odata/types.js';
import type { RouteContext } from './call-context.js';
import type { ChangeTracking } from './change-tracking.js';
import { changeTrackingDisabled } from './change-tracking.js';
import { collectionType, preferenceApplied, selectSuffix } from './entity-response.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, jsonResponse } from './http-types.js';
import { removeParam, replaceParam } from './next-links.js';
import type { KeyTarget } from './references.js';
import { existingRowId } from './references.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { RowSerializer } from './serialize.js';
import { etagOf } from './serialize.js';
import type { Store, TableStore } from './store.js';

const TRACKING_PREFIX = 'ct';

/**
 * A `$expand` the simulator serves for some navigation properties (an activity's parties): takes it out of the query
 * and returns what adds the expanded collection to each serialized row, or undefined when it is not its own.
 */
export type Expander = (
    info: TableInfo,
    params: URLSearchParams,
    annotations: string[] | undefined,
) => ((row: SimRow, out: Record<string, unknown>) => void) | undefined;

export class DataReads {
    readonly expanders: Expander[] = [];

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly engine: QueryEngine,
        private readonly serializer: RowSerializer,
        private readonly tracking: ChangeTracking,
    ) {}

    query(req: SimRequest, info: TableInfo, ctx: RouteContext): SimResponse {
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
        const expand = this.expand(info, params, prefs.includeAnnotations);
        const parsed = this.engine.parseQuery(params, table, this.schema.schema);
        if (prefs.maxPageSize !== undefined) parsed.top = undefined; // $top is ignored with odata.maxpagesize
        const pageSize = prefs.maxPageSize ?? MAX_PAGE_SIZE;
        const source = readableRows(this.store.tableStore(table.logicalName), readFilterOf(info, ctx));
        const page = this.engine.runQuery(source, table, parsed, pageSize, { collation: this.store.collation });
        countQuery(this.store, info, ctx, page.rows.length);
        const body: Record<string, unknown> = {
            '@odata.context': `${ctx.base}$metadata#${table.entitySetName}${selectSuffix(req)}`,
        };
        if (parsed.count && page.count !== undefined) body['@odata.count'] = page.count;
        totalCountAnnotations(body, prefs, parsed.count, page.count, page.countLimitExceeded === true);
        const serialize = this.serializer.forRows(info, parsed.select, prefs.includeAnnotations);
        const view = columnView(info, ctx, req, false);
        body.value = page.rows.map((row) => expand(row, serialize(view(row))));
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
        const visible = readFilterOf(info, ctx);
        const page = this.tracking.page(
            table,
            params.get('$deltatoken') ?? '',
            skipToken,
            prefs.maxPageSize ?? MAX_PAGE_SIZE,
        );
        params.delete('$deltatoken');
        params.delete('$skiptoken');
        const parsed = this.engine.parseQuery(params, table, this.schema.schema);
        countQuery(this.store, info, ctx, page.items.length);
        const serializeRow = this.serializer.forRows(info, parsed.select, prefs.includeAnnotations);
        const view = columnView(info, ctx, req, false);
        const serialize = (row: SimRow) => serializeRow(view(row));
        const deletedContext = `${ctx.base}$metadata#${table.entitySetName}/$deletedEntity`;
        // [inferred] A caller without organization-level read gets the changes of the rows it may read.
        const items = visible ? page.items.filter((item) => !('row' in item) || visible(item.row)) : page.items;
        const value = items.map((item) =>
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
    count(req: SimRequest, info: TableInfo, ctx: RouteContext): SimResponse {
        const token = new URLSearchParams(req.url.search).get('$deltatoken');
        const visible = readFilterOf(info, ctx);
        let n: number;
        if (token !== null) n = this.tracking.count(info.table, token);
        else n = Math.min(readableRows(this.store.tableStore(info.table.logicalName), visible).size, MAX_PAGE_SIZE);
        countQuery(this.store, info, ctx, 0);
        return { status: 200, headers: { 'OData-Version': '4.0', 'Content-Type': 'text/plain' }, body: String(n) };
    }

    retrieve(req: SimRequest, info: TableInfo, target: KeyTarget, ctx: RouteContext): SimResponse {
        const { table } = info;
        const id = existingRowId(this.store, info, target);
        const row = this.store.get(table.logicalName, id)!;
        if (!table.isIntersect) ctx.caller.principal?.requireRow(table, row, 'read');
        const prefs = parsePrefer(req.headers.prefer);
        const params = new URLSearchParams(req.url.search);
        const expanded = params.has('$expand');
        const expand = this.expand(info, params, prefs.includeAnnotations);
        const parsed = this.engine.parseQuery(params, table, this.schema.schema);
        const ifNoneMatch = req.headers['if-none-match'];
        if (ifNoneMatch && ifNoneMatch === etagOf(row) && !prefs.includeAnnotations && !expanded) {
            return emptyResponse(304);
        }
        countRead(this.store, info, ctx, 1);
        return jsonResponse(
            200,
            {
                '@odata.context': `${ctx.base}$metadata#${table.entitySetName}${selectSuffix(req)}/$entity`,
                ...expand(
                    row,
                    this.serializer.serialize(
                        info,
                        columnView(info, ctx, req, true)(row),
                        parsed.select,
                        prefs.includeAnnotations,
                    ),
                ),
            },
            preferenceApplied(prefs),
        );
    }

    /** The first expander that serves the query's `$expand`, as a function that adds it to a serialized row. */
    private expand(info: TableInfo, params: URLSearchParams, annotations: string[] | undefined) {
        for (const expander of this.expanders) {
            const add = expander(info, params, annotations);
            if (add)
                return (row: SimRow, out: Record<string, unknown>) => {
                    add(row, out);
                    return out;
                };
        }
        return (_row: SimRow, out: Record<string, unknown>) => out;
    }
}

/**
 * Rows as the caller reads them under column-level security (security/column-security.ts); `single` for a Retrieve of
 * one row, and the request's `UnMaskedData=true` (column-level-security.md, "Retrieve unmasked data").
 */
export function columnView(
    info: TableInfo,
    ctx: RouteContext,
    req: SimRequest,
    single: boolean,
): (row: SimRow) => SimRow {
    const columns = ctx.caller.columns;
    if (!columns) return (row) => row;
    const unmask = new URLSearchParams(req.url.search).get('UnMaskedData')?.toLowerCase() === 'true';
    return (row) => columns.view(info.table, row, { single, unmask });
}

/** The caller's read filter of a table (PrivilegeDenied without read privilege); undefined when it reads every row. */
function readFilterOf(info: TableInfo, ctx: RouteContext): ((row: SimRow) => boolean) | undefined {
    if (info.table.isIntersect) return undefined;
    return ctx.caller.principal?.readFilter(info.table);
}

/** A table's rows as the caller may read them: every row, or those the filter passes (the service trims every query). */
function readableRows(source: TableStore, visible: ((row: SimRow) => boolean) | undefined): RowSource {
    if (!visible) return source;
    return {
        get size() {
            let n = 0;
            for (const row of source.scan()) if (visible(row)) n++;
            return n;
        },
        *scan(start) {
            for (const row of source.scan(start)) if (visible(row)) yield row;
        },
        get(id) {
            const row = source.get(id);
            return row && visible(row) ? row : undefined;
        },
    };
}

/** Rows a request read, for the gate (its work) and the table's stats. */
export function countRead(store: Store, info: TableInfo, ctx: RouteContext, n: number): void {
    ctx.work.rowsRead += n;
    store.tableStore(info.table.logicalName).rowsRead += n;
}

/** A collection read and its rows, so stats tell a count (one query) from a walk (one query a page). */
function countQuery(store: Store, info: TableInfo, ctx: RouteContext, n: number): void {
    countRead(store, info, ctx, n);
    store.tableStore(info.table.logicalName).queries++;
}

function totalCountAnnotations(
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
