/**
 * Value comparison as Dataverse's SQL Server backend does it: strings under the organization's collation
 * (collation.ts; case-insensitive, accent-insensitive by default), GUIDs in uniqueidentifier order, NULLs sorting first.
 */
import { compareExact, isExactNumber } from '../exact-number.js';
import { compareSqlGuids, isGuid, sqlGuidSortKey } from '../guid-order.js';
import { compareCollated, type Collation } from './collation.js';
import type { CompareAs } from './filter.js';

/** String order under a collation (negative, zero, positive); `_CI_AI` unless told. */
export function compareStrings(a: string, b: string, collation: Collation = 'CI_AI'): number {
    return compareCollated(a, b, collation);
}

function isNumeric(v: unknown): boolean {
    return typeof v === 'number' || isExactNumber(v);
}

function toTime(v: unknown): number {
    return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

/** What a pair of non-null values compares as, when no binding said so. */
export function inferCompareAs(a: unknown, b: unknown): CompareAs | undefined {
    if (isNumeric(a) && isNumeric(b)) return 'number';
    if (typeof a === 'boolean' && typeof b === 'boolean') return 'boolean';
    if (typeof a === 'string' && typeof b === 'string') return 'string';
    if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return 'number';
    if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && !Number.isNaN(Number(a))) return 'number';
    return undefined;
}

/**
 * Compares two non-null values; undefined when they are not comparable (then no comparison holds but `ne`).
 */
export function compareValues(
    a: unknown,
    b: unknown,
    as: CompareAs | undefined,
    collation: Collation = 'CI_AI',
): number | undefined {
    const kind = as ?? inferCompareAs(a, b);
    switch (kind) {
        case 'guid':
            if (typeof a !== 'string' || typeof b !== 'string' || !isGuid(a) || !isGuid(b)) return undefined;
            return compareSqlGuids(a, b);
        case 'datetime': {
            const ta = toTime(a);
            const tb = toTime(b);
            if (Number.isNaN(ta) || Number.isNaN(tb)) return undefined;
            return ta - tb;
        }
        case 'number': {
            if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
            // SQL compares bigint and decimal values exactly: 9007199254740993 is not 9007199254740992.
            const c = compareExact(a, b);
            if (c !== undefined) return c;
            const na = Number(a);
            const nb = Number(b);
            if (Number.isNaN(na) || Number.isNaN(nb)) return undefined;
            return na < nb ? -1 : na > nb ? 1 : 0;
        }
        case 'boolean':
            if (typeof a !== 'boolean' || typeof b !== 'boolean') return undefined;
            return Number(a) - Number(b);
        case 'string':
            if (typeof a !== 'string' || typeof b !== 'string') return undefined;
            return compareStrings(a, b, collation);
        default:
            return undefined;
    }
}

/** A value prepared once for repeated sorting: GUIDs as their SQL sort key, datetimes as epoch ms. */
export function sortableValue(v: unknown, as: CompareAs): unknown {
    if (v === null || v === undefined) return null;
    if (as === 'guid' && typeof v === 'string') return sqlGuidSortKey(v);
    if (as === 'datetime') return toTime(v);
    if (as === 'boolean') return v === true ? 1 : 0;
    return v;
}

/** Sort order of two sortableValue()s for $orderby: NULL first (SQL Server ascending). */
export function compareSortable(a: unknown, b: unknown, as: CompareAs, collation: Collation = 'CI_AI'): number {
    if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
    if (as === 'string') return compareStrings(a as string, b as string, collation);
    if (as === 'number' && (isExactNumber(a) || isExactNumber(b))) return compareExact(a, b) ?? 0;
    return (a as number | string) < (b as number | string)
        ? -1
        : (a as number | string) > (b as number | string)
          ? 1
          : 0;
}
