/**
 * Binds query options to a table, as ODataLib binds them to the entity type: every property must exist
 * (lookups only as `_x_value`), and operand types must be compatible. Also reads bound properties off rows.
 */
import type { ExactNumber } from '../exact-number.js';
import { ErrorCodes, SimError } from '../errors.js';
import { isGuid } from '../guid-order.js';
import { hasNoProperty, isLookupType, isLookupValue, type SimAttribute, type SimRow, type SimTable } from '../model.js';
import type { CompareAs, FilterExpr, LiteralNode } from './filter.js';
import type { PropertyResolver } from './filter-eval.js';
import { odataError } from './odata-error.js';

export type EdmType =
    | 'Edm.String'
    | 'Edm.Int32'
    | 'Edm.Int64'
    | 'Edm.Decimal'
    | 'Edm.Double'
    | 'Edm.Boolean'
    | 'Edm.DateTimeOffset'
    | 'Edm.Date'
    | 'Edm.Guid'
    | 'Edm.Binary';

export interface TableProperty {
    /** The Web API property name (`_x_value` for lookups). */
    name: string;
    attribute: SimAttribute;
    edm: EdmType;
}

const EDM_BY_TYPE: Partial<Record<SimAttribute['type'], EdmType>> = {
    String: 'Edm.String',
    Memo: 'Edm.String',
    EntityName: 'Edm.String',
    MultiSelectPicklist: 'Edm.String',
    Integer: 'Edm.Int32',
    Picklist: 'Edm.Int32',
    State: 'Edm.Int32',
    Status: 'Edm.Int32',
    BigInt: 'Edm.Int64',
    Decimal: 'Edm.Decimal',
    Money: 'Edm.Decimal',
    Double: 'Edm.Double',
    Boolean: 'Edm.Boolean',
    DateTime: 'Edm.DateTimeOffset',
    Uniqueidentifier: 'Edm.Guid',
    Lookup: 'Edm.Guid',
    Customer: 'Edm.Guid',
    Owner: 'Edm.Guid',
    Image: 'Edm.Binary',
    // A file column reads as its file id (file-column-data.md: `"sample_filecolumn": "<file id>"`).
    File: 'Edm.Guid',
};

const NUMERIC = new Set<string>(['Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double']);

export function compareAsFor(edm: EdmType): CompareAs {
    if (NUMERIC.has(edm)) return 'number';
    if (edm === 'Edm.Boolean') return 'boolean';
    if (edm === 'Edm.Guid') return 'guid';
    if (edm === 'Edm.DateTimeOffset' || edm === 'Edm.Date') return 'datetime';
    return 'string';
}

/** The property name the Web API exposes for an attribute; undefined when it exposes none. */
export function propertyNameOf(attribute: SimAttribute): string | undefined {
    if (attribute.validForRead === false || attribute.attributeOf || hasNoProperty(attribute.type)) return undefined;
    return isLookupType(attribute.type) ? `_${attribute.logicalName}_value` : attribute.logicalName;
}

/** Built once per table, again when columns were added to it (metadata writes only add). */
const propertyCache = new WeakMap<SimTable, { columns: number; map: Map<string, TableProperty> }>();

/** The table's structural properties by Web API name. */
export function tableProperties(table: SimTable): Map<string, TableProperty> {
    const cached = propertyCache.get(table);
    if (cached?.columns === table.attributes.length) return cached.map;
    const map = new Map<string, TableProperty>();
    for (const attribute of table.attributes) {
        const name = propertyNameOf(attribute);
        const edm = EDM_BY_TYPE[attribute.type];
        if (name !== undefined && edm !== undefined) map.set(name, { name, attribute, edm });
    }
    propertyCache.set(table, { columns: table.attributes.length, map });
    return map;
}

export function unknownProperty(table: SimTable, name: string): SimError {
    return odataError(
        `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${table.logicalName}'.`,
    );
}

export function propertyOrThrow(table: SimTable, name: string): TableProperty {
    const prop = tableProperties(table).get(name);
    if (!prop) throw unknownProperty(table, name);
    return prop;
}

/** Reads a property off a row: `_x_value` and the bare lookup name give the lookup's id. */
export function rowReader(table: SimTable): (row: SimRow, property: string) => unknown {
    const getters = new Map<string, string>();
    for (const attribute of table.attributes) {
        getters.set(attribute.logicalName, attribute.logicalName);
        if (isLookupType(attribute.type)) getters.set(`_${attribute.logicalName}_value`, attribute.logicalName);
    }
    return (row, property) => {
        const attr = getters.get(property);
        if (attr === undefined) return undefined;
        const v = row[attr];
        if (v === undefined) return null;
        return isLookupValue(v) ? v.id : v;
    };
}

/** Reads properties off a row as rowReader does, as a resolver for evaluateFilter. */
export function rowResolver(table: SimTable): (row: SimRow) => PropertyResolver {
    const read = rowReader(table);
    return (row) => (property) => read(row, property);
}

const OPERATOR_KIND = {
    eq: 'Equal',
    ne: 'NotEqual',
    gt: 'GreaterThan',
    ge: 'GreaterThanOrEqual',
    lt: 'LessThan',
    le: 'LessThanOrEqual',
    and: 'And',
    or: 'Or',
} as const;

function literalEdm(node: LiteralNode): string | null {
    switch (node.type) {
        case 'string':
            return 'Edm.String';
        case 'number': {
            const v = node.value as number | ExactNumber;
            if (typeof v !== 'number') return v.isInteger ? 'Edm.Int64' : 'Edm.Decimal';
            if (!Number.isInteger(v)) return 'Edm.Decimal';
            return Math.abs(v) < 2 ** 31 ? 'Edm.Int32' : 'Edm.Int64';
        }
        case 'boolean':
            return 'Edm.Boolean';
        case 'guid':
            return 'Edm.Guid';
        case 'datetime':
            return 'Edm.DateTimeOffset';
        case 'date':
            return 'Edm.Date';
        case 'enum':
            return node.enumType ?? 'Edm.String';
        case 'null':
            return null;
    }
}

function compatible(a: string, b: string): boolean {
    if (a === b) return true;
    if (NUMERIC.has(a) && NUMERIC.has(b)) return true;
    const dates = new Set(['Edm.DateTimeOffset', 'Edm.Date']);
    return dates.has(a) && dates.has(b);
}

class Binder {
    constructor(private readonly table: SimTable) {}

    /** Binds a node; returns the bound node and its EDM type (null for the null literal). */
    bind(node: FilterExpr): { node: FilterExpr; edm: string | null } {
        switch (node.kind) {
            case 'literal':
                return { node, edm: literalEdm(node) };
            case 'property':
                return { node, edm: propertyOrThrow(this.table, node.name).edm };
            case 'and':
            case 'or': {
                const left = this.bind(node.left);
                const right = this.bind(node.right);
                for (const side of [left.edm, right.edm]) {
                    if (side !== 'Edm.Boolean') {
                        throw odataError(
                            'A binary operator with incompatible types was detected. Found operand types ' +
                                `'${left.edm ?? 'null'}' and '${right.edm ?? 'null'}' for operator kind '${OPERATOR_KIND[node.kind]}'.`,
                        );
                    }
                }
                return { node: { kind: node.kind, left: left.node, right: right.node }, edm: 'Edm.Boolean' };
            }
            case 'not': {
                const operand = this.bind(node.operand);
                if (operand.edm !== 'Edm.Boolean') {
                    throw odataError(
                        'A unary operator with an incompatible type was detected. Found operand type ' +
                            `'${operand.edm ?? 'null'}' for operator kind 'Not'.`,
                    );
                }
                return { node: { kind: 'not', operand: operand.node }, edm: 'Edm.Boolean' };
            }
            case 'compare':
                return this.bindCompare(node);
            case 'function': {
                const target = this.bind(node.target);
                const search = this.bind(node.search);
                if (target.edm !== 'Edm.String' || (search.edm !== 'Edm.String' && search.edm !== null)) {
                    throw odataError(
                        `No function signature for the function with name '${node.name}' matches the specified arguments. ` +
                            `The function signatures considered are: ${node.name}(Edm.String Nullable=true, Edm.String Nullable=true).`,
                    );
                }
                return { node: { ...node, target: target.node, search: search.node }, edm: 'Edm.Boolean' };
            }
            case 'crm':
                return { node: this.bindCrm(node), edm: 'Edm.Boolean' };
        }
    }

    private bindCompare(node: Extract<FilterExpr, { kind: 'compare' }>): { node: FilterExpr; edm: string } {
        let left = this.bind(node.left);
        let right = this.bind(node.right);
        // Dataverse accepts a quoted GUID for a Guid property (its docs filter `_x_value eq '<guid>'`).
        const asGuid = (side: typeof left, other: typeof left): typeof left => {
            if (other.edm !== 'Edm.Guid' || side.node.kind !== 'literal' || side.node.type !== 'string') return side;
            const text = side.node.value as string;
            if (!isGuid(text)) throw odataError(`Unrecognized 'Edm.Guid' literal '${text}'.`);
            return { node: { kind: 'literal', type: 'guid', value: text.toLowerCase() }, edm: 'Edm.Guid' };
        };
        left = asGuid(left, right);
        right = asGuid(right, left);
        if (left.edm !== null && right.edm !== null && !compatible(left.edm, right.edm)) {
            throw odataError(
                'A binary operator with incompatible types was detected. Found operand types ' +
                    `'${left.edm}' and '${right.edm}' for operator kind '${OPERATOR_KIND[node.op]}'.`,
            );
        }
        const edm = (left.edm ?? right.edm) as EdmType | null;
        const bound: FilterExpr = { kind: 'compare', op: node.op, left: left.node, right: right.node };
        if (edm !== null) bound.as = compareAsFor(edm);
        return { node: bound, edm: 'Edm.Boolean' };
    }

    private bindCrm(node: Extract<FilterExpr, { kind: 'crm' }>): FilterExpr {
        const props = tableProperties(this.table);
        const prop = props.get(node.property) ?? props.get(`_${node.property}_value`);
        if (!prop || (prop.name !== node.property && !isLookupType(prop.attribute.type))) {
            // The query functions run through the FetchXML query builder, which reports missing attributes this way.
            throw new SimError(
                400,
                ErrorCodes.QueryBuilderNoAttribute,
                `'${this.table.logicalName}' entity doesn't contain attribute with Name = '${node.property}' and NameMapping = 'Logical'.`,
            );
        }
        const as = compareAsFor(prop.edm);
        for (const value of node.values) {
            const ok =
                as === 'number'
                    ? value.trim() !== '' && !Number.isNaN(Number(value))
                    : as === 'guid'
                      ? isGuid(value)
                      : as === 'datetime'
                        ? !Number.isNaN(Date.parse(value))
                        : as === 'boolean'
                          ? /^(true|false|0|1)$/i.test(value)
                          : true;
            if (!ok) {
                throw odataError(
                    `The value '${value}' in PropertyValues of 'Microsoft.Dynamics.CRM.${node.name}' is not a valid ${prop.edm} for '${node.property}'.`,
                );
            }
        }
        return { ...node, as };
    }
}

/** Checks a parsed filter against the table and annotates each comparison with how to compare. */
export function bindFilter(expr: FilterExpr, table: SimTable, filterText: string): FilterExpr {
    const bound = new Binder(table).bind(expr);
    if (bound.edm !== 'Edm.Boolean') {
        throw odataError(`The $filter expression must evaluate to a single boolean value: '${filterText}'.`);
    }
    return bound.node;
}
