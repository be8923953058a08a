/**
 * How the copy engine names rows in OData, in one place: alternate-key segments (`accounts(accountnumber='A-1')`,
 * type-aware and percent-encoded), whether a key value can be put in a URL at all, filters that select rows by id or
 * by key values in chunks measured in bytes against the service's URL limit, and the key that identifies a row by its
 * key values as the target's collation compares them (dataverse/collation.ts: case-insensitive, accent-insensitive
 * under `_CI_AI`, trailing spaces ignored).
 */
import { collationKey, DEFAULT_COLLATION, type Collation } from '../dataverse/collation.js';
import { isExactNumber } from '../dataverse/exact-number.js';
import { encodeOData, isGuid, odataString } from '../dataverse/odata-url.js';
import type { AttributeType } from '../dataverse/metadata-types.js';
import type { TablePlan } from '../plan/types.js';

/**
 * "The maximum length of URL accepted by is 32 KB (32,768 characters)" (PD: webapi/compose-http-requests-handle-
 * errors.md "Maximum URL length"); a filtered read is cut into URLs below it.
 */
export const MAX_URL_LENGTH = 32_768;
/** Kept free in every read URL for the environment URL, `/api/data/v9.2/`, the entity set and `&$...=` framing. */
export const URL_RESERVE = 1_024;
/** A filter is never cut smaller than this; a `$select` that leaves less is refused with a clear error. */
export const MIN_FILTER_BUDGET = 2_048;

/**
 * Characters that break a key value in a URL: "If the data within a column used in an alternate key contains one of
 * the following characters `/`,`<`,`>`,`*`,`%`,`&`,`:`,`\\`,`?`,`+`, then retrieve (`GET`), update, or upsert (`PATCH`)
 * actions don't work" (PD: define-alternate-keys-entity.md "Unicode characters in key value"). Rows with such a value
 * are found by `$filter` (which takes any value) and addressed by their target id.
 */
export const UNSAFE_KEY_CHARACTERS = /[/<>*%&:\\?+]/;

/**
 * True when every key value can be put in a key address (a URL segment, `@odata.id`, `@odata.bind`). Only text
 * columns hold such data; a date's `:` or a number is written as a literal of its own type.
 */
export function isAddressableKey(values: readonly unknown[], columns: readonly KeyColumn[]): boolean {
    return values.every((v, i) => {
        const type = columns[i]?.type;
        const text = type === undefined || type === 'String' || type === 'Memo';
        return !text || typeof v !== 'string' || !UNSAFE_KEY_CHARACTERS.test(v);
    });
}

const NUMERIC: ReadonlySet<AttributeType> = new Set(['Integer', 'BigInt', 'Decimal', 'Double', 'Money', 'Picklist']);
const GUID_TYPES: ReadonlySet<AttributeType> = new Set(['Uniqueidentifier', 'Lookup', 'Owner', 'Customer']);

/** A lookup-type key column is addressed by its value property, `_x_value` (use-alternate-key-reference-record). */
export function isLookupType(type: AttributeType | undefined): boolean {
    return type === 'Lookup' || type === 'Owner' || type === 'Customer';
}

/**
 * An OData literal for a key or filter value of the given column type: strings quoted with `''` doubling, GUIDs and
 * numbers bare, DateTime as an unquoted DateTimeOffset literal (a quoted date is a string to the service, research
 * realworld-gaps E6). Not percent-encoded: a filter is encoded as a whole, a key segment by `keySegment`.
 */
export function odataLiteral(value: unknown, type?: AttributeType): string {
    if (value === null || value === undefined) return 'null';
    // An ExactNumber's text is its full literal (an Int64 or Decimal key beyond a double's digits).
    if (typeof value === 'number' || typeof value === 'boolean' || isExactNumber(value)) return String(value);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (type !== undefined && GUID_TYPES.has(type) && isGuid(text)) return text.toLowerCase();
    if (type !== undefined && NUMERIC.has(type) && /^-?\d+(\.\d+)?$/.test(text)) return text;
    if (type === 'DateTime' && !Number.isNaN(new Date(text).getTime()) && /^\d{4}-\d{2}-\d{2}/.test(text))
        return new Date(text).toISOString().replace(/\.000Z$/, 'Z');
    return odataString(text);
}

export interface KeyColumn {
    /** The property that addresses the column: its name, or `_x_value` for a lookup. */
    name: string;
    type?: AttributeType;
}

/** The key columns of a table matched on an alternate key, with their target types (lookups as `_x_value`). */
export function keyColumns(table: TablePlan): KeyColumn[] {
    if (table.match.kind !== 'key') return [];
    return table.match.columns.map((name) => {
        const type = table.columns.find((c) => c.target === name)?.type;
        return { name: isLookupType(type) ? `_${name}_value` : name, ...(type ? { type } : {}) };
    });
}

/** The source properties that feed a key-matched table's key (lookups as `_x_value`), in key order. */
export function sourceKeyProperties(table: TablePlan): string[] {
    if (table.match.kind !== 'key') return [];
    const columns = keyColumns(table);
    return table.match.sourceColumns.map((name, i) => (isLookupType(columns[i]?.type) ? `_${name}_value` : name));
}

/**
 * `accountnumber='A%201',_primarycontactid_value=<id>`: the inside of an alternate-key segment, each literal
 * percent-encoded so a space, `#` or non-ASCII letter survives a `$batch` request line and a path segment. Callers
 * check `isAddressableKey` first: encoding does not make `/ < > * % & : \ ? +` work.
 */
export function keySegment(columns: readonly KeyColumn[], values: readonly unknown[]): string {
    return columns.map((c, i) => `${c.name}=${encodeURIComponent(odataLiteral(values[i], c.type))}`).join(',');
}

/** `accounts(accountnumber='A-1')`, relative to the API root: the one builder of key addresses. */
export function keyPath(entitySet: string, columns: readonly KeyColumn[], values: readonly unknown[]): string {
    if (!isAddressableKey(values, columns))
        throw new TypeError(
            `the key value ${JSON.stringify(values)} of ${entitySet} holds a character the service does not take in a key address`,
        );
    return `${entitySet}(${keySegment(columns, values)})`;
}

/**
 * One string per key tuple, equal for values the target treats as the same key: 'Café', 'cafe ' and 'CAFE' are one
 * key under `_CI_AI`; ' cafe' is another (leading spaces count).
 */
export function keyIdentity(values: readonly unknown[], collation: Collation = DEFAULT_COLLATION): string {
    // An ExactNumber keys as its decimal text, one text per value.
    return JSON.stringify(values.map((v) => (typeof v === 'string' ? collationKey(v, collation) : (v ?? null))));
}

/** The collation a table's keys compare by in the target (the plan reads it; older plans: the default). */
export function keyCollation(table: TablePlan): Collation {
    return (table.match.kind === 'key' ? table.match.collation : undefined) ?? DEFAULT_COLLATION;
}

/**
 * How long a filter may be, percent-encoded, in a read with this `$select` (and `andWith` joined to every filter),
 * so the whole URL stays under the service's limit.
 */
export function filterBudget(select: readonly string[], andWith?: string): number {
    const used = encodeOData(select.join(',')).length + (andWith ? encodeOData(`() and (${andWith})`).length : 0);
    const budget = MAX_URL_LENGTH - URL_RESERVE - used;
    if (budget < MIN_FILTER_BUDGET)
        throw new RangeError(
            `a read selecting ${select.length} columns leaves ${budget} characters of the service's ${MAX_URL_LENGTH}-character URL for its filter; select fewer columns`,
        );
    return budget;
}

/**
 * `(c1 or c2 ...)` filters, each at most `budget` characters once percent-encoded (as the client sends it): as many
 * clauses per read as the URL takes, not a fixed count.
 */
export function chunkClauses(clauses: readonly string[], budget: number): string[] {
    const filters: string[] = [];
    let current: string[] = [];
    let length = 2; // the parentheses
    const separator = encodeOData(' or ').length;
    for (const clause of clauses) {
        const size = encodeOData(clause).length;
        if (size + 2 > budget)
            throw new RangeError(`one filter clause is ${size} characters, over the budget ${budget}`);
        if (current.length > 0 && length + separator + size > budget) {
            filters.push(`(${current.join(' or ')})`);
            current = [];
            length = 2;
        }
        length += (current.length > 0 ? separator : 0) + size;
        current.push(clause);
    }
    if (current.length > 0) filters.push(`(${current.join(' or ')})`);
    return filters;
}

/** `(pk eq a or pk eq b ...)` filters, cut to the byte budget of the read they go into. */
export function idFilters(primaryId: string, ids: readonly string[], budget: number): string[] {
    const clauses = ids.map((id) => {
        if (!isGuid(id)) throw new TypeError(`'${id}' is not a GUID and cannot address a row of ${primaryId}`);
        return `${primaryId} eq ${id.toLowerCase()}`;
    });
    return chunkClauses(clauses, budget);
}

/** `((k1 eq 'a' and k2 eq 1) or ...)` filters, cut to the byte budget of the read they go into. */
export function keyFilters(
    columns: readonly KeyColumn[],
    tuples: ReadonlyArray<readonly unknown[]>,
    budget: number,
): string[] {
    const clauses = tuples.map(
        (values) => `(${columns.map((c, j) => `${c.name} eq ${odataLiteral(values[j], c.type)}`).join(' and ')})`,
    );
    return chunkClauses(clauses, budget);
}

/** `(a) and (b)` without empty parts. */
export function andFilters(...parts: Array<string | undefined>): string | undefined {
    const present = parts.filter((p): p is string => p !== undefined && p !== '');
    if (present.length <= 1) return present[0];
    return present.map((p) => `(${p})`).join(' and ');
}
