/**
 * How the copy engine names rows in OData: alternate-key segments (`accounts(accountnumber='A-1')`),
 * filters that select rows by id or by key values in chunks short enough for a URL, and the key
 * that identifies a row by its key values whatever the case (Dataverse compares key strings with
 * the SQL default collation, case-insensitively).
 */
import { isExactNumber } from '../dataverse/exact-number.js';
import { isGuid, odataString } from '../dataverse/odata-url.js';
import type { AttributeType } from '../dataverse/metadata-types.js';
import type { TablePlan } from '../plan/types.js';

/** Rows addressed per filtered read: 50 GUID clauses keep a URL near 3 KB, far below the service's limits. */
export const ROWS_PER_FILTER = 50;

/** An OData literal for a key or filter value of the given column type. */
export function odataLiteral(value: unknown, type?: AttributeType): string {
    if (value === null || value === undefined) return 'null';
    // An ExactNumber's text is its full literal (an Int64 or Decimal key beyond a double's digits).
    if (typeof value === 'number' || typeof value === 'boolean' || isExactNumber(value)) return String(value);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (type === 'Uniqueidentifier' || type === 'Lookup' || type === 'Owner' || type === 'Customer') {
        if (isGuid(text)) return text.toLowerCase();
    }
    if (type === 'Integer' || type === 'BigInt' || type === 'Decimal' || type === 'Double' || type === 'Money') {
        if (/^-?\d+(\.\d+)?$/.test(text)) return text;
    }
    return odataString(text);
}

export interface KeyColumn {
    /** Column name on the side being addressed. */
    name: string;
    type?: AttributeType;
}

/** The key columns of a table matched on an alternate key, with their target types. */
export function keyColumns(table: TablePlan): KeyColumn[] {
    if (table.match.kind !== 'key') return [];
    return table.match.columns.map((name) => {
        const type = table.columns.find((c) => c.target === name)?.type;
        return { name, ...(type ? { type } : {}) };
    });
}

/** `accountnumber='A-1',name='x'`: the inside of an alternate-key segment. */
export function keySegment(columns: readonly KeyColumn[], values: readonly unknown[]): string {
    return columns.map((c, i) => `${c.name}=${odataLiteral(values[i], c.type)}`).join(',');
}

/** `accounts(accountnumber='A-1')`, relative to the API root. */
export function keyPath(entitySet: string, columns: readonly KeyColumn[], values: readonly unknown[]): string {
    return `${entitySet}(${keySegment(columns, values)})`;
}

/** One string per key tuple, equal for values the service treats as the same key. */
export function keyIdentity(values: readonly unknown[]): string {
    // An ExactNumber keys as its decimal text, one text per value.
    return JSON.stringify(values.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : (v ?? null))));
}

/** `(pk eq a or pk eq b ...)` filters, one per chunk of ids. */
export function idFilters(primaryId: string, ids: readonly string[], chunk = ROWS_PER_FILTER): string[] {
    const filters: string[] = [];
    for (let i = 0; i < ids.length; i += chunk) {
        const clauses = ids.slice(i, i + chunk).map((id) => {
            if (!isGuid(id)) throw new TypeError(`'${id}' is not a GUID and cannot address a row of ${primaryId}`);
            return `${primaryId} eq ${id.toLowerCase()}`;
        });
        filters.push(`(${clauses.join(' or ')})`);
    }
    return filters;
}

/** `((k1 eq 'a' and k2 eq 1) or ...)` filters, one per chunk of key tuples. */
export function keyFilters(
    columns: readonly KeyColumn[],
    tuples: ReadonlyArray<readonly unknown[]>,
    chunk = ROWS_PER_FILTER,
): string[] {
    const filters: string[] = [];
    for (let i = 0; i < tuples.length; i += chunk) {
        const clauses = tuples
            .slice(i, i + chunk)
            .map(
                (values) =>
                    `(${columns.map((c, j) => `${c.name} eq ${odataLiteral(values[j], c.type)}`).join(' and ')})`,
            );
        filters.push(`(${clauses.join(' or ')})`);
    }
    return filters;
}

/** `(a) and (b)` without empty parts. */
export function andFilters(...parts: Array<string | undefined>): string | undefined {
    const present = parts.filter((p): p is string => p !== undefined && p !== '');
    if (present.length <= 1) return present[0];
    return present.map((p) => `(${p})`).join(' and ');
}
