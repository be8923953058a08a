/**
 * Reading a Configuration Migration Tool `data_schema.xml`: `<entities>` of `<entity>` with
 * `<fields>`, `<relationships>` and an optional `<filter>` (escaped FetchXML). Errors name the line
 * and the element.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface CmtField {
    name: string;
    /** The name as the file spells it, when not in lowercase (read as its lowercase logical name). */
    spelledAs?: string;
    /** CMT type: string, number, bigint, decimal, float, money, bool, datetime, guid, entityreference, owner, state, status, optionsetvalue, ... */
    type: string;
    /** entityreference targets (`account|contact` split). */
    lookupTypes: string[];
    primaryKey: boolean;
    line: number;
}

export interface CmtRelationship {
    name: string;
    manyToMany: boolean;
    m2mTargetEntity?: string;
    line: number;
}

export interface CmtEntity {
    name: string;
    /** The name as the file spells it, when not in lowercase (read as its lowercase logical name). */
    spelledAs?: string;
    primaryIdField?: string;
    disablePlugins: boolean;
    fields: CmtField[];
    relationships: CmtRelationship[];
    /** FetchXML text of the export filter, unescaped. */
    filter?: string;
    line: number;
}

/** fast-xml-parser's validation error as one readable line: where, then what. */
function xmlSyntaxProblem(err: { line?: number; col?: number; msg: string }): string {
    const where =
        err.line !== undefined ? `line ${err.line}${err.col !== undefined ? `, column ${err.col}` : ''}: ` : '';
    const unclosed = /^Invalid '\[([\s\S]*)\]' found\.$/.exec(err.msg);
    if (unclosed?.[1] !== undefined) {
        const tags = [...unclosed[1].matchAll(/"([^"]+)"/g)].map((m) => `<${m[1]}>`);
        return `the file ends before ${tags.join(', ')} ${tags.length === 1 ? 'is' : 'are'} closed (a truncated or broken XML file)`;
    }
    return `${where}${err.msg === 'Start tag expected.' ? 'not an XML file (no start tag)' : err.msg}`;
}

export class CmtSchemaError extends Error {
    constructor(
        readonly fileName: string,
        readonly problems: string[],
    ) {
        super(
            `${fileName} is not a usable Configuration Migration Tool schema:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
        );
        this.name = 'CmtSchemaError';
    }
}

type XmlNode = Record<string, unknown>;

/** 1-based line of every opening `<tag` in document order. */
function tagLines(text: string, tag: string): number[] {
    const lines: number[] = [];
    const pattern = new RegExp(`<${tag}[\\s/>]`, 'g');
    let line = 1;
    let last = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
        for (let i = last; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
        last = m.index;
        lines.push(line);
    }
    return lines;
}

/** Repeated elements in document order; an empty element (parsed as '') counts as one with no attributes. */
function asArray(value: unknown): XmlNode[] {
    if (value === undefined || value === null) return [];
    return (Array.isArray(value) ? value : [value]).map((v) =>
        typeof v === 'object' && v !== null ? (v as XmlNode) : {},
    );
}

function attribute(node: XmlNode, name: string): string | undefined {
    const value = node[`@_${name}`];
    return typeof value === 'string' ? value : undefined;
}

const LOGICAL_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A name read as a Dataverse logical name, which is always lowercase: Microsoft's own sample schemas spell some in
 * mixed case (`msdyn_screenpoptimeout_optionSet` in the Omnichannel workstream samples); undefined when it is not a
 * logical name in any case.
 */
function logicalName(raw: string): { name: string; spelledAs?: string } | undefined {
    const name = raw.toLowerCase();
    if (!LOGICAL_NAME.test(name)) return undefined;
    return name === raw ? { name } : { name, spelledAs: raw };
}

export function parseCmtSchema(xmlText: string, fileName = 'data_schema.xml'): CmtEntity[] {
    const valid = XMLValidator.validate(xmlText);
    if (valid !== true) {
        throw new CmtSchemaError(fileName, [xmlSyntaxProblem(valid.err)]);
    }
    const parser = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@_',
        parseAttributeValue: false,
        parseTagValue: false,
        trimValues: true,
        processEntities: true,
        isArray: (name) => name === 'entity' || name === 'field' || name === 'relationship',
    });
    const doc = parser.parse(xmlText) as XmlNode;
    const root = doc.entities;
    if (root === undefined) {
        const found = Object.keys(doc).filter((k) => !k.startsWith('?'));
        throw new CmtSchemaError(fileName, [
            `line 1: expected the root element <entities>, found ${found.length > 0 ? `<${found[0]}>` : 'no element'}`,
        ]);
    }
    const entityLines = tagLines(xmlText, 'entity');
    const fieldLines = tagLines(xmlText, 'field');
    const relationshipLines = tagLines(xmlText, 'relationship');
    let fieldIndex = 0;
    let relationshipIndex = 0;
    const problems: string[] = [];
    const entities: CmtEntity[] = [];

    asArray((root as XmlNode).entity).forEach((node, i) => {
        const line = entityLines[i] ?? 0;
        const rawName = attribute(node, 'name');
        const logical = rawName ? logicalName(rawName) : undefined;
        const name = logical?.name ?? rawName;
        if (!rawName) problems.push(`line ${line}: <entity> has no name attribute`);
        else if (!logical) problems.push(`line ${line}: <entity name="${rawName}"> is not a Dataverse logical name`);
        const fields: CmtField[] = [];
        for (const field of asArray((node.fields as XmlNode | undefined)?.field)) {
            const fieldLine = fieldLines[fieldIndex++] ?? 0;
            const rawField = attribute(field, 'name');
            const type = attribute(field, 'type');
            if (!rawField) {
                problems.push(`line ${fieldLine}: <field> of entity '${name ?? '?'}' has no name attribute`);
                continue;
            }
            const fieldName = logicalName(rawField);
            if (!fieldName) {
                problems.push(`line ${fieldLine}: <field name="${rawField}"> is not a Dataverse logical name`);
                continue;
            }
            if (!type) problems.push(`line ${fieldLine}: <field name="${rawField}"> has no type attribute`);
            fields.push({
                ...fieldName,
                type: (type ?? '').toLowerCase(),
                lookupTypes: (attribute(field, 'lookupType') ?? '').split('|').filter(Boolean),
                primaryKey: attribute(field, 'primaryKey') === 'true',
                line: fieldLine,
            });
        }
        const relationships: CmtRelationship[] = [];
        for (const rel of asArray((node.relationships as XmlNode | undefined)?.relationship)) {
            const relLine = relationshipLines[relationshipIndex++] ?? 0;
            const relName = attribute(rel, 'name');
            if (!relName) {
                problems.push(`line ${relLine}: <relationship> of entity '${name ?? '?'}' has no name attribute`);
                continue;
            }
            const target = attribute(rel, 'm2mTargetEntity')?.toLowerCase();
            relationships.push({
                name: relName,
                manyToMany: attribute(rel, 'manyToMany') === 'true',
                ...(target ? { m2mTargetEntity: target } : {}),
                line: relLine,
            });
        }
        const filter = typeof node.filter === 'string' && node.filter.trim() !== '' ? node.filter.trim() : undefined;
        const primaryIdField = attribute(node, 'primaryidfield');
        if (name && logical) {
            entities.push({
                ...logical,
                ...(primaryIdField ? { primaryIdField } : {}),
                disablePlugins: attribute(node, 'disableplugins') === 'true',
                fields,
                relationships,
                ...(filter ? { filter } : {}),
                line,
            });
        }
    });
    if (entities.length === 0 && problems.length === 0) problems.push('line 1: <entities> holds no <entity>');
    if (problems.length > 0) throw new CmtSchemaError(fileName, problems);
    return entities;
}
