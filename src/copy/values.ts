/**
 * Column values between the two environments: a source value becomes the value the target should
 * hold (choice values through valueMap, multi-select lists value by value), and two values are
 * compared the way the service stores them (numbers exactly, at the target's precision; date-times as
 * instants; multi-select lists as sets), so that an unchanged row is recognised as unchanged and a
 * changed one, even in its last digit, as changed.
 */
import { decimalKey, isExactNumber } from '../dataverse/exact-number.js';
import type { ColumnMapping } from '../plan/types.js';

function mapOption(column: ColumnMapping, value: number): number {
    return column.valueMap?.[String(value)] ?? value;
}

/** Multi-select values arrive as `"1,2,3"`; some clients send arrays. */
function optionList(value: unknown): number[] | undefined {
    if (Array.isArray(value)) return value.map(Number);
    if (typeof value === 'string') return value === '' ? [] : value.split(',').map((v) => Number(v.trim()));
    if (typeof value === 'number') return [value];
    return undefined;
}

/** The value the target column should hold for a source value (null stays null). */
export function targetValue(column: ColumnMapping, value: unknown): unknown {
    if (value === undefined || value === null) return null;
    if (column.kind !== 'choice') return value;
    if (column.multiSelect) {
        const list = optionList(value);
        return list === undefined ? value : list.map((v) => mapOption(column, v)).join(',');
    }
    return typeof value === 'number' ? mapOption(column, value) : value;
}

/** Numbers as the Web API reads them: a plain number, or an ExactNumber for what a double cannot hold. */
function isNumeric(value: unknown): boolean {
    return typeof value === 'number' || isExactNumber(value);
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether the target's `actual` already equals the `expected` value (both as the Web API writes JSON). */
export function sameValue(column: ColumnMapping, expected: unknown, actual: unknown): boolean {
    const e = expected ?? null;
    const a = actual ?? null;
    if (e === null || a === null) return e === a || (column.multiSelect === true && isEmptyList(e) && isEmptyList(a));
    if (column.multiSelect) {
        const left = optionList(e);
        const right = optionList(a);
        if (!left || !right) return e === a;
        return left.length === right.length && [...left].sort().join(',') === [...right].sort().join(',');
    }
    if (isNumeric(e) && isNumeric(a)) {
        if (e === a) return true;
        // Exact decimal comparison, rounded as the service rounds a value to the column's precision: two doubles
        // that differ only past the 15th digit, or an Int64 past 2^53, are different values.
        return decimalKey(e, column.precision) === decimalKey(a, column.precision);
    }
    if (column.type === 'DateTime' && typeof e === 'string' && typeof a === 'string') {
        if (ISO_DATE_TIME.test(e) && ISO_DATE_TIME.test(a)) return Date.parse(e) === Date.parse(a);
    }
    return e === a;
}

function isEmptyList(value: unknown): boolean {
    return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}
