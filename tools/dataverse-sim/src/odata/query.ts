/**
 * Query options against one table: `parseQuery` validates them as Dataverse does (400s with the service's
 * messages), `runQuery` produces one page. Default order is the primary key in SQL uniqueidentifier order, with
 * the primary key as the final tie-break under any $orderby so skiptoken paging never repeats or drops a row.
 */
import { compareSqlGuids, sqlGuidSortKey } from '../guid-order.js';
import { isLookupValue, type SimAttribute, type SimRow, type SimSchema, type SimTable } from '../model.js';
import { bindFilter, compareAsFor, propertyOrThrow, rowReader, tableProperties, unknownProperty } from './bind.js';
import type { CompareAs, CompareOp, FilterExpr } from './filter.js';
import { parseFilter } from './filter.js';
import { evaluateFilter, type PropertyResolver } from './filter-eval.js';
import { odataError, simulatorLimitation } from './odata-error.js';
import { MAX_PAGE_SIZE } from './prefer.js';
import { decodeSkipToken, encodeSkipToken } from './skiptoken.js';
import type { OrderBy, ParsedQuery, QueryPage, RowSource, RunOptions } from './types.js';
import { compareSortable, sortableValue } from './values.js';

/** The service caps `@odata.count` at 5000. */
export const COUNT_LIMIT = 5000;

const SUPPORTED_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$skiptoken']);

export interface SortKey {
    attribute: string;
    type: SimAttribute['type'];
    descending: boolean;
    as: CompareAs;
}

function attributeOf(table: SimTable, logicalName: string): SimAttribute {
    const attribute = table.attributes.find((a) => a.logicalName === logicalName);
    if (!attribute) throw new Error(`Table '${table.logicalName}' has no attribute '${logicalName}'`);
    return attribute;
}

/** The sort keys a query pages by: its $orderby, then the primary key ascending (unless already ordered by it). */
export function sortKeysOf(table: SimTable, orderBy: readonly OrderBy[]): SortKey[] {
    const keys: SortKey[] = [];
    const props = tableProperties(table);
    const key = (attribute: string, descending: boolean): SortKey => {
        const attr = attributeOf(table, attribute);
        const prop = [...props.values()].find((p) => p.attribute === attr);
        return { attribute, type: attr.type, descending, as: prop ? compareAsFor(prop.edm) : 'string' };
    };
    for (const o of orderBy) {
        keys.push(key(o.attribute, o.descending));
        if (o.attribute === table.primaryIdAttribute) return keys;
    }
    keys.push(key(table.primaryIdAttribute, false));
    return keys;
}

function parseSelect(text: string, table: SimTable): string[] | undefined {
    const items = text.split(',').map((s) => s.trim());
    if (items.includes('*') || text.trim() === '') return undefined;
    const selected = new Set<string>([table.primaryIdAttribute]);
    const hasCurrency = table.attributes.some((a) => a.logicalName === 'transactioncurrencyid');
    for (const item of items) {
        if (item.includes('/')) throw simulatorLimitation(`paths in $select ('${item}')`);
        const prop = tableProperties(table).get(item);
        if (!prop) throw unknownProperty(table, item);
        selected.add(prop.attribute.logicalName);
        // Selecting a money column also returns the row's currency, as the service does.
        if (prop.attribute.type === 'Money' && hasCurrency) selected.add('transactioncurrencyid');
    }
    return [...selected];
}

function parseOrderBy(text: string, table: SimTable): OrderBy[] {
    return text.split(',').map((item, index) => {
        const m = /^\s*([A-Za-z0-9_]+)(?:\s+(asc|desc))?\s*$/.exec(item);
        if (!m) {
            if (item.includes('/')) throw simulatorLimitation(`navigation paths in $orderby ('${item.trim()}')`);
            throw odataError(`Syntax error at position ${index} in '${text}'.`);
        }
        const prop = propertyOrThrow(table, m[1] as string);
        return { attribute: prop.attribute.logicalName, descending: m[2] === 'desc' };
    });
}

function parseTop(text: string): number {
    if (!/^\d+$/.test(text)) {
        throw odataError(
            `Invalid value '${text}' for $top query option found. The $top query option requires a non-negative integer value.`,
        );
    }
    const top = Number(text);
    // Stricter choice (the service's limit for $top is not documented): a single page never exceeds 5000 rows.
    if (top > MAX_PAGE_SIZE) throw odataError(`The $top value ${text} exceeds the maximum of ${MAX_PAGE_SIZE}.`);
    return top;
}

export function parseQuery(params: URLSearchParams, table: SimTable, _schema: SimSchema): ParsedQuery {
    const seen = new Set<string>();
    for (const key of params.keys()) {
        if (!key.startsWith('$')) continue;
        if (seen.has(key)) {
            throw odataError(
                `Query option '${key}' was specified more than once, but it must be specified at most once.`,
            );
        }
        seen.add(key);
        if (key === '$skip') throw odataError('Skip Clause is not supported in CRM');
        if (key === '$expand' || key === '$apply' || key === '$search' || key === '$compute') {
            throw simulatorLimitation(`the ${key} query option on entity sets (query the related table separately)`);
        }
        if (!SUPPORTED_OPTIONS.has(key)) throw odataError(`The query parameter '${key}' is not supported.`);
    }
    const selectText = params.get('$select');
    const filterText = params.get('$filter');
    const orderText = params.get('$orderby');
    const topText = params.get('$top');
    const countText = params.get('$count');
    if (countText !== null && countText !== 'true' && countText !== 'false') {
        throw odataError(`'${countText}' is not a valid count option.`);
    }
    const query: ParsedQuery = {
        select: selectText === null ? undefined : parseSelect(selectText, table),
        filter:
            filterText === null
                ? undefined
                : bindFilter(
                      parseFilter(filterText, (alias) => params.get(alias) ?? undefined),
                      table,
                      filterText,
                  ),
        orderBy: orderText === null ? [] : parseOrderBy(orderText, table),
        top: topText === null ? undefined : parseTop(topText),
        count: countText === 'true',
        skipToken: params.get('$skiptoken') ?? undefined,
    };
    if (query.skipToken !== undefined) decodeSkipToken(query.skipToken, sortKeysOf(table, query.orderBy));
    return query;
}

interface KeyBounds {
    lower?: { id: string; inclusive: boolean };
    upper?: { id: string; inclusive: boolean };
}

const FLIP = { gt: 'lt', ge: 'le', lt: 'gt', le: 'ge', eq: 'eq', ne: 'ne' } as const;

/** The top-level AND conjuncts of a filter (the filter itself when it is no `and`). */
function conjunctsOf(node: FilterExpr): FilterExpr[] {
    return node.kind === 'and' ? [...conjunctsOf(node.left), ...conjunctsOf(node.right)] : [node];
}

/** A comparison of the primary key with a GUID literal, read as `pk <op> id` whichever side the key is on. */
function primaryKeyComparison(node: FilterExpr, pk: string): { op: CompareOp; id: string } | undefined {
    if (node.kind !== 'compare') return undefined;
    let op = node.op;
    let literal = node.right;
    if (node.left.kind !== 'property' || node.left.name !== pk) {
        if (node.right.kind !== 'property' || node.right.name !== pk) return undefined;
        op = FLIP[op];
        literal = node.left;
    }
    if (literal.kind !== 'literal' || literal.type !== 'guid') return undefined;
    return { op, id: literal.value as string };
}

/** Primary-key bounds implied by top-level AND conjuncts such as `accountid gt X and accountid le Y`. */
export function primaryKeyBounds(filter: FilterExpr | undefined, pk: string): KeyBounds {
    const bounds: KeyBounds = {};
    const tighten = (side: 'lower' | 'upper', id: string, inclusive: boolean): void => {
        const current = bounds[side];
        const c = current ? compareSqlGuids(id, current.id) : side === 'lower' ? 1 : -1;
        const tighter = side === 'lower' ? c > 0 : c < 0;
        if (tighter || (c === 0 && current?.inclusive && !inclusive)) bounds[side] = { id, inclusive };
    };
    for (const conjunct of filter ? conjunctsOf(filter) : []) {
        const comparison = primaryKeyComparison(conjunct, pk);
        if (!comparison) continue;
        const { op, id } = comparison;
        if (op === 'gt' || op === 'ge' || op === 'eq') tighten('lower', id, op !== 'gt');
        if (op === 'lt' || op === 'le' || op === 'eq') tighten('upper', id, op !== 'lt');
    }
    return bounds;
}

/**
 * The primary keys a filter can only match, when one of its top-level AND conjuncts is `pk eq X` or an
 * OR of such comparisons (`(accountid eq A or accountid eq B ...)`, how clients read rows by id): those
 * rows are sought by key, as SQL Server seeks its clustered index, instead of scanning the table.
 */
export function primaryKeyCandidates(filter: FilterExpr | undefined, pk: string): string[] | undefined {
    const idsOf = (node: FilterExpr): string[] | undefined => {
        if (node.kind === 'or') {
            const left = idsOf(node.left);
            const right = left && idsOf(node.right);
            return left && right ? [...left, ...right] : undefined;
        }
        const comparison = primaryKeyComparison(node, pk);
        return comparison?.op === 'eq' ? [comparison.id.toLowerCase()] : undefined;
    };
    if (!filter) return undefined;
    for (const conjunct of conjunctsOf(filter)) {
        const ids = idsOf(conjunct);
        if (ids) return [...new Set(ids)].sort((a, b) => compareSqlGuids(a, b));
    }
    return undefined;
}

/** The rows of `candidates` (in key order) after `start`, sought one by one, counting what it touched. */
function* candidateScan(
    get: (id: string) => SimRow | undefined,
    candidates: readonly string[],
    start: { id: string; inclusive: boolean } | undefined,
    touched: { n: number },
): Generator<SimRow> {
    for (const id of candidates) {
        if (start) {
            const c = compareSqlGuids(id, start.id);
            if (c < 0 || (c === 0 && !start.inclusive)) continue;
        }
        const row = get(id);
        touched.n++;
        if (row) yield row;
    }
}

/** Reads the scan's rows inside the key bounds, counting what it touched. */
function* boundedScan(
    source: RowSource,
    pk: string,
    bounds: KeyBounds,
    start: { id: string; inclusive: boolean } | undefined,
    touched: { n: number },
): Generator<SimRow> {
    // Start at the later of the filter's lower bound and the skiptoken position; on a tie, exclusive wins.
    let from = bounds.lower;
    if (start) {
        const c = from ? compareSqlGuids(start.id, from.id) : 1;
        if (c > 0 || (c === 0 && !start.inclusive)) from = start;
    }
    const upper = bounds.upper;
    const upperKey = upper ? sqlGuidSortKey(upper.id) : '';
    for (const row of source.scan(from)) {
        touched.n++;
        if (upper) {
            const key = sqlGuidSortKey(row[pk] as string);
            if (key > upperKey || (key === upperKey && !upper.inclusive)) return;
        }
        yield row;
    }
}

export function runQuery(
    source: RowSource,
    table: SimTable,
    query: ParsedQuery,
    pageSize: number,
    options: RunOptions = {},
): QueryPage {
    const pk = table.primaryIdAttribute;
    const collation = options.collation ?? 'CI_AI';
    const paged = options.maxPageSizePreferred === true || query.top === undefined;
    const size = Math.max(1, Math.min(Math.floor(pageSize), MAX_PAGE_SIZE));
    const limit = paged ? size : Math.min(query.top ?? size, size);
    const sortKeys = sortKeysOf(table, query.orderBy);
    const token = query.skipToken === undefined ? undefined : decodeSkipToken(query.skipToken, sortKeys);
    const filter = query.filter as FilterExpr | undefined;
    const valueOf = rowReader(table);
    // One resolver over the row being tested, not a new closure per row scanned.
    let current: SimRow = {};
    const resolveCurrent: PropertyResolver = (property) => valueOf(current, property);
    const matches = (row: SimRow): boolean => {
        if (!filter) return true;
        current = row;
        return evaluateFilter(filter, resolveCurrent, collation);
    };
    const bounds = primaryKeyBounds(filter, pk);
    const touched = { n: 0 };
    const get = source.get?.bind(source);
    const candidates = get && primaryKeyCandidates(filter, pk);
    const scan = (start: { id: string; inclusive: boolean } | undefined): Iterable<SimRow> =>
        get && candidates
            ? candidateScan(get, candidates, start, touched)
            : boundedScan(source, pk, bounds, start, touched);

    // Sort keys of a row, prepared once per held row so sorting compares plain values.
    const keyOf = (row: SimRow, i: number): unknown => {
        const k = sortKeys[i] as SortKey;
        const v = row[k.attribute];
        return sortableValue(isLookupValue(v) ? v.id : v, k.as);
    };
    const keysOf = (row: SimRow): unknown[] => sortKeys.map((_k, i) => keyOf(row, i));
    const compareKeys = (a: unknown[], b: unknown[]): number => {
        for (let i = 0; i < sortKeys.length; i++) {
            const k = sortKeys[i] as SortKey;
            const c = compareSortable(a[i], b[i], k.as, collation);
            if (c !== 0) return k.descending ? -c : c;
        }
        return 0;
    };
    /** Compares a row with prepared keys, preparing only the row's keys it needs (no allocation per row). */
    const compareRowTo = (row: SimRow, keys: unknown[]): number => {
        for (let i = 0; i < sortKeys.length; i++) {
            const k = sortKeys[i] as SortKey;
            const c = compareSortable(keyOf(row, i), keys[i], k.as, collation);
            if (c !== 0) return k.descending ? -c : c;
        }
        return 0;
    };
    const tokenKeys = token?.keys.map((t, i) => sortableValue(t.last, (sortKeys[i] as SortKey).as));

    let rows: SimRow[] = [];
    const byPrimaryKey = sortKeys.length === 1 && !(sortKeys[0] as SortKey).descending;
    if (limit === 0) {
        rows = [];
    } else if (byPrimaryKey) {
        // Optimized path: rows arrive in key order, so start at the bound / token and stop after limit + 1 matches.
        const lastId = token?.keys[0]?.last as string | undefined;
        const start = lastId === undefined ? undefined : { id: lastId, inclusive: false };
        for (const row of scan(start)) {
            if (!matches(row)) continue;
            rows.push(row);
            if (rows.length > limit) break;
        }
    } else {
        // General path: keep the best limit + 1 rows after the token. Once `keep` rows are held, only rows
        // that beat the current worst are buffered, so a page over n rows costs about n comparisons.
        const keep = limit + 1;
        let held: Array<{ row: SimRow; keys: unknown[] }> = [];
        let worst: unknown[] | undefined;
        const trim = (): void => {
            held.sort((a, b) => compareKeys(a.keys, b.keys));
            if (held.length > keep) held.length = keep;
            worst = held.length === keep ? (held[keep - 1] as { keys: unknown[] }).keys : undefined;
        };
        for (const row of scan(undefined)) {
            if (!matches(row)) continue;
            if (tokenKeys && compareRowTo(row, tokenKeys) <= 0) continue;
            if (worst && compareRowTo(row, worst) >= 0) continue;
            held.push({ row, keys: keysOf(row) });
            if (held.length >= keep * 2) trim();
        }
        trim();
        rows = held.map((h) => h.row);
        held = [];
    }

    const page: QueryPage = { rows };
    const more = rows.length > limit;
    if (more) rows.length = limit;
    if (more && paged) {
        const first = rows[0] as SimRow;
        const last = rows[rows.length - 1] as SimRow;
        page.nextSkipToken = encodeSkipToken({
            pageNumber: (token?.pageNumber ?? 1) + 1,
            keys: sortKeys.map((k) => ({
                attribute: k.attribute,
                type: k.type,
                last: valueOf(last, k.attribute),
                first: valueOf(first, k.attribute),
            })),
        });
    }
    if (query.count) {
        let n = 0;
        for (const row of scan(undefined)) {
            if (matches(row) && ++n > COUNT_LIMIT) break;
        }
        page.count = Math.min(n, COUNT_LIMIT);
        page.countLimitExceeded = n > COUNT_LIMIT;
    }
    page.rowsScanned = touched.n;
    return page;
}
