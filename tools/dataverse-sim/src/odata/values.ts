/**
 * Value comparison as Dataverse's SQL Server backend does it: strings under a case- and accent-insensitive
 * collation (Latin1_General_CI_AI is the default), GUIDs in uniqueidentifier order, NULLs sorting first.
 */
import { compareSqlGuids, isGuid } from '../guid-order.js';
import type { CompareAs } from './filter.js';

const collator = new Intl.Collator('en', { sensitivity: 'base' });
const ASCII = /^[\x20-\x7e]*$/;

/** Case- and accent-insensitive string order (negative, zero, positive). */
export function compareStrings(a: string, b: string): number {
    if (a === b) return 0;
    if (ASCII.test(a) && ASCII.test(b)) {
        const la = a.toLowerCase();
        const lb = b.toLowerCase();
        if (la === lb) return 0;
    }
    return collator.compare(a, b);
}

/** Folds a string for substring tests (contains/startswith/endswith) under the same collation. */
export function foldString(s: string): string {
    const lower = s.toLowerCase();
    return ASCII.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

function toTime(v: unknown): number {
    return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

/** What a pair of non-null values compares as, when no binding said so. */
export function inferCompareAs(a: unknown, b: unknown): CompareAs | undefined {
    if (typeof a === 'number' && typeof b === 'number') return 'number';
    if (typeof a === 'boolean' && typeof b === 'boolean') return 'boolean';
    if (typeof a === 'string' && typeof b === 'string') return 'string';
    if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return 'number';
    if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && !Number.isNaN(Number(a))) return 'number';
    return undefined;
}

/**
 * Compares two non-null values; undefined when they are not comparable (then no comparison holds but `ne`).
 */
export function compareValues(a: unknown, b: unknown, as: CompareAs | undefined): number | undefined {
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
            return compareStrings(a, b);
        default:
            return undefined;
    }
}

/** Sort order of possibly-null values for $orderby: NULL first (SQL Server ascending). */
export function compareForSort(a: unknown, b: unknown, as: CompareAs): number {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an && bn ? 0 : an ? -1 : 1;
    return compareValues(a, b, as) ?? 0;
}
