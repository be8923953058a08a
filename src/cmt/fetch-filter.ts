/**
 * Carrying a CMT export filter (FetchXML) over as an OData $filter, when it is simple: one
 * <entity> (or a bare <filter>) with nested <filter type="and|or"> of <condition>s on the entity's own fields, with
 * the common operators. Anything else (link-entity, date operators, unknown fields) is reported
 * as not translatable, so the user writes the OData filter by hand.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isGuid, odataString } from '../dataverse/odata-url.js';
import type { CmtField } from './schema.js';

export type FilterTranslation = { ok: true; filter: string } | { ok: false; reason: string };

type XmlNode = Record<string, unknown>;

class Untranslatable extends Error {}

const NUMERIC_TYPES = new Set(['number', 'bigint', 'decimal', 'float', 'money', 'optionsetvalue', 'state', 'status']);
const LOOKUP_TYPES = new Set(['entityreference', 'owner', 'customer']);
const COMPARISONS: Record<string, string> = { eq: 'eq', ne: 'ne', neq: 'ne', gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' };

function asArray(value: unknown): XmlNode[] {
    if (value === undefined || value === null || value === '') return [];
    return (Array.isArray(value) ? value : [value]).filter((v): v is XmlNode => typeof v === 'object' && v !== null);
}

function attr(node: XmlNode, name: string): string | undefined {
    const value = node[`@_${name}`];
    return typeof value === 'string' ? value : undefined;
}

function literal(value: string, field: CmtField): string {
    if (NUMERIC_TYPES.has(field.type)) {
        if (!/^-?\d+(\.\d+)?$/.test(value)) throw new Untranslatable(`'${value}' is not a number for ${field.name}`);
        return value;
    }
    if (field.type === 'bool') {
        if (value === '1' || value.toLowerCase() === 'true') return 'true';
        if (value === '0' || value.toLowerCase() === 'false') return 'false';
        throw new Untranslatable(`'${value}' is not a yes/no value for ${field.name}`);
    }
    if (field.type === 'guid' || LOOKUP_TYPES.has(field.type)) {
        const guid = value.replace(/^\{/, '').replace(/\}$/, '');
        if (!isGuid(guid)) throw new Untranslatable(`'${value}' is not a GUID for ${field.name}`);
        return guid.toLowerCase();
    }
    if (field.type === 'datetime') {
        if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value))
            throw new Untranslatable(`'${value}' is not an ISO date for ${field.name}`);
        return value;
    }
    return odataString(value);
}

function condition(node: XmlNode, fields: ReadonlyMap<string, CmtField>): string {
    const name = attr(node, 'attribute');
    const operator = (attr(node, 'operator') ?? '').toLowerCase();
    if (!name) throw new Untranslatable('a condition has no attribute');
    if (attr(node, 'entityname')) throw new Untranslatable(`condition on ${name} refers to a linked entity`);
    const field = fields.get(name);
    if (!field) throw new Untranslatable(`condition on '${name}', which is not a field of the entity in the schema`);
    const property = LOOKUP_TYPES.has(field.type) ? `_${name}_value` : name;
    const value = attr(node, 'value');
    // <value> children of in / not-in: plain text, or an object when the element has attributes.
    const values = (Array.isArray(node.value) ? (node.value as unknown[]) : []).map((v) => {
        const text = typeof v === 'object' && v !== null ? (v as XmlNode)['#text'] : v;
        return typeof text === 'string' || typeof text === 'number' ? String(text) : '';
    });
    const comparison = COMPARISONS[operator];
    if (comparison) {
        if (value === undefined) throw new Untranslatable(`condition ${name} ${operator} has no value`);
        return `${property} ${comparison} ${literal(value, field)}`;
    }
    switch (operator) {
        case 'null':
            return `${property} eq null`;
        case 'not-null':
            return `${property} ne null`;
        case 'like':
        case 'not-like': {
            if (value === undefined || field.type !== 'string')
                throw new Untranslatable(`${operator} on ${name} needs a text value`);
            const inner = value.replace(/^%/, '').replace(/%$/, '');
            // `like '%'` (or '%%') matches every value that is not null, as SQL's LIKE does.
            if (inner === '' && value.startsWith('%'))
                return operator === 'like' ? `${property} ne null` : `${property} eq null`;
            if (/[%_[\]]/.test(inner)) throw new Untranslatable(`pattern '${value}' has wildcards inside`);
            const quoted = literal(inner, field);
            const start = value.startsWith('%');
            const end = value.endsWith('%') && value.length > 1;
            const fn = start && end ? 'contains' : end ? 'startswith' : start ? 'endswith' : undefined;
            const test = fn ? `${fn}(${property},${quoted})` : `${property} eq ${quoted}`;
            return operator === 'like' ? test : `not ${test}`;
        }
        case 'in':
        case 'not-in': {
            const all = values.filter((v) => v !== '');
            if (all.length === 0) throw new Untranslatable(`${operator} on ${name} has no values`);
            const tests = all.map((v) => `${property} ${operator === 'in' ? 'eq' : 'ne'} ${literal(v, field)}`);
            return tests.length === 1 ? tests[0]! : `(${tests.join(operator === 'in' ? ' or ' : ' and ')})`;
        }
        default:
            throw new Untranslatable(`operator '${operator}' (on ${name}) has no simple OData equivalent`);
    }
}

/** A filter's conditions joined by its type; `parts` > 1 means it needs parentheses inside another filter. */
function filterNode(node: XmlNode, fields: ReadonlyMap<string, CmtField>): { text: string; parts: number } | undefined {
    const type = (attr(node, 'type') ?? 'and').toLowerCase();
    if (type !== 'and' && type !== 'or') throw new Untranslatable(`filter type '${type}'`);
    const parts = [
        ...asArray(node.condition).map((c) => condition(c, fields)),
        ...asArray(node.filter)
            .map((f) => filterNode(f, fields))
            .filter((f) => f !== undefined)
            .map((f) => (f.parts > 1 ? `(${f.text})` : f.text)),
    ];
    if (parts.length === 0) return undefined;
    return { text: parts.join(` ${type} `), parts: parts.length };
}

/**
 * The <filter> elements on the entity's own fields: those of the one <entity> of a <fetch>, or a bare <filter>, as
 * Microsoft's documented sample schema for custom analytics reports (msdyn_dataanalyticsreport, Customer Service
 * ALM) writes it.
 */
function entityFilters(doc: XmlNode): XmlNode[] {
    const fetch = asArray(doc.fetch)[0];
    if (!fetch) {
        const bare = asArray(doc.filter);
        if (bare.length > 0) return bare;
        throw new Untranslatable('no <fetch> element');
    }
    if (attr(fetch, 'aggregate') === 'true') throw new Untranslatable('aggregate queries');
    const entities = asArray(fetch.entity);
    if (entities.length !== 1) throw new Untranslatable('expected one <entity>');
    const entity = entities[0]!;
    if (asArray(entity['link-entity']).length > 0) throw new Untranslatable('link-entity conditions');
    return asArray(entity.filter);
}

/** Translates the FetchXML filter of one CMT entity; `fields` are that entity's schema fields. */
export function fetchXmlToODataFilter(fetchXml: string, fields: readonly CmtField[]): FilterTranslation {
    if (XMLValidator.validate(fetchXml) !== true) return { ok: false, reason: 'the FetchXML is not well-formed' };
    const parser = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@_',
        parseAttributeValue: false,
        parseTagValue: false,
        isArray: (name) => ['entity', 'filter', 'condition', 'value', 'link-entity'].includes(name),
    });
    try {
        const doc = parser.parse(fetchXml) as XmlNode;
        const byName = new Map(fields.map((f) => [f.name, f]));
        const parts = entityFilters(doc)
            .map((f) => filterNode(f, byName))
            .filter((f) => f !== undefined);
        if (parts.length === 0) throw new Untranslatable('no conditions');
        if (parts.length === 1) return { ok: true, filter: parts[0]!.text };
        return { ok: true, filter: parts.map((p) => (p.parts > 1 ? `(${p.text})` : p.text)).join(' and ') };
    } catch (error) {
        if (error instanceof Untranslatable) return { ok: false, reason: error.message };
        throw error;
    }
}
