/**
 * Evaluates a parsed `$filter` over any object through a property resolver, so the same code filters table rows
 * and metadata objects (EntityDefinitions and the like). NULL follows SQL: a comparison with a NULL value is
 * false, except `eq null` / `ne null`.
 */
import type { FilterNode } from './types.js';
import type { CompareAs, CompareNode, CrmFunctionNode, FilterExpr, StringFunctionNode } from './filter.js';
import { foldForSearch, type Collation } from './collation.js';
import { compareValues } from './values.js';

export type PropertyResolver = (property: string) => unknown;

function isNull(v: unknown): boolean {
    return v === null || v === undefined;
}

function literalCompareAs(node: FilterExpr): CompareAs | undefined {
    if (node.kind !== 'literal') return undefined;
    switch (node.type) {
        case 'guid':
            return 'guid';
        case 'datetime':
        case 'date':
            return 'datetime';
        case 'enum':
            return 'string';
        default:
            return undefined;
    }
}

function evalValue(node: FilterExpr, resolve: PropertyResolver, collation: Collation): unknown {
    switch (node.kind) {
        case 'literal':
            return node.value;
        case 'property':
            return resolve(node.name);
        default:
            return evalBool(node, resolve, collation);
    }
}

function evalCompare(node: CompareNode, resolve: PropertyResolver, collation: Collation): boolean {
    const a = evalValue(node.left, resolve, collation);
    const b = evalValue(node.right, resolve, collation);
    if (isNull(a) || isNull(b)) {
        const nullLiteral =
            (node.left.kind === 'literal' && node.left.type === 'null') ||
            (node.right.kind === 'literal' && node.right.type === 'null');
        if (!nullLiteral) return false;
        if (node.op === 'eq') return isNull(a) && isNull(b);
        if (node.op === 'ne') return isNull(a) !== isNull(b);
        return false;
    }
    const as = node.as ?? literalCompareAs(node.left) ?? literalCompareAs(node.right);
    const c = compareValues(a, b, as, collation);
    if (c === undefined) return node.op === 'ne';
    switch (node.op) {
        case 'eq':
            return c === 0;
        case 'ne':
            return c !== 0;
        case 'gt':
            return c > 0;
        case 'ge':
            return c >= 0;
        case 'lt':
            return c < 0;
        case 'le':
            return c <= 0;
    }
}

function evalStringFunction(node: StringFunctionNode, resolve: PropertyResolver, collation: Collation): boolean {
    const target = evalValue(node.target, resolve, collation);
    const search = evalValue(node.search, resolve, collation);
    if (typeof target !== 'string' || typeof search !== 'string') return false;
    // LIKE keeps trailing spaces (only `=` and the order pad them away).
    const t = foldForSearch(target, collation);
    const s = foldForSearch(search, collation);
    if (node.name === 'contains') return t.includes(s);
    if (node.name === 'startswith') return t.startsWith(s);
    return t.endsWith(s);
}

function evalCrmFunction(node: CrmFunctionNode, resolve: PropertyResolver, collation: Collation): boolean {
    const value = resolve(node.property);
    if (node.name === 'Null') return isNull(value);
    if (node.name === 'NotNull') return !isNull(value);
    // SQL: IN / BETWEEN with a NULL operand is unknown, so both the function and its negation are false.
    if (isNull(value)) return false;
    const cmp = (text: string): number | undefined => {
        const as = node.as ?? (typeof value === 'boolean' ? 'boolean' : undefined);
        const other = as === 'boolean' ? text.toLowerCase() === 'true' || text === '1' : text;
        return compareValues(value, other, as, collation);
    };
    if (node.name === 'In' || node.name === 'NotIn') {
        const found = node.values.some((v) => cmp(v) === 0);
        return node.name === 'In' ? found : !found;
    }
    const lo = cmp(node.values[0] ?? '');
    const hi = cmp(node.values[1] ?? '');
    if (lo === undefined || hi === undefined) return false;
    const inside = lo >= 0 && hi <= 0;
    return node.name === 'Between' ? inside : !inside;
}

function evalBool(node: FilterExpr, resolve: PropertyResolver, collation: Collation): boolean {
    switch (node.kind) {
        case 'and':
            return evalBool(node.left, resolve, collation) && evalBool(node.right, resolve, collation);
        case 'or':
            return evalBool(node.left, resolve, collation) || evalBool(node.right, resolve, collation);
        case 'not':
            return !evalBool(node.operand, resolve, collation);
        case 'compare':
            return evalCompare(node, resolve, collation);
        case 'function':
            return evalStringFunction(node, resolve, collation);
        case 'crm':
            return evalCrmFunction(node, resolve, collation);
        case 'literal':
            return node.value === true;
        case 'property':
            return resolve(node.name) === true;
    }
}

/**
 * True when the object that `resolve` reads satisfies the filter (a tree from parseFilter); strings compare under
 * `collation` (the organization's; `_CI_AI` unless told).
 */
export function evaluateFilter(node: FilterNode, resolve: PropertyResolver, collation: Collation = 'CI_AI'): boolean {
    return evalBool(node as FilterExpr, resolve, collation);
}
