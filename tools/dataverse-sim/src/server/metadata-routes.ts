/**
 * `EntityDefinitions` and `RelationshipDefinitions`: by key, navigation collections (Attributes,
 * Keys, relationships), type casts, and `$select` / `$filter` / `$expand` (with nested options) over
 * metadata objects. Metadata is never paged, as on the real service.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { isGuid } from '../guid-order.js';
import type { SimAttribute, SimTable } from '../model.js';
import { evaluateFilter, parseFilter } from '../odata/index.js';
import type { FilterNode } from '../odata/types.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { jsonResponse } from './http-types.js';
import type { MetadataObject } from './metadata.js';
import {
    attributeMetadata,
    attributeTypeName,
    DERIVED_PROPERTIES,
    ENUM_ATTRIBUTE_TYPES,
    entityMetadata,
    keyMetadata,
    manyToManyMetadata,
    metadataId,
    oneToManyMetadata,
    optionSetMetadata,
    tableRelationships,
} from './metadata.js';
import type { PathSegment } from './resource-path.js';
import { splitTopLevel } from './resource-path.js';
import { notFound } from './route-errors.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';

const CRM = 'Microsoft.Dynamics.CRM.';
const ENTITY_NAVIGATIONS = [
    'Attributes',
    'Keys',
    'ManyToOneRelationships',
    'OneToManyRelationships',
    'ManyToManyRelationships',
] as const;

interface QueryOptions {
    select?: string[];
    filter?: string;
    expand: Map<string, QueryOptions>;
}

/** A kind of metadata object: how to validate `$select` and what can be expanded. */
interface MetadataType {
    name: string;
    properties: Set<string>;
    expand: Record<string, (obj: MetadataObject) => MetadataObject | MetadataObject[] | null>;
}

export class MetadataRoutes {
    constructor(private readonly schema: SchemaIndex) {}

    handle(req: SimRequest, segments: PathSegment[], base: string): SimResponse {
        if (req.method !== 'GET') {
            throw new SimError(
                405,
                ErrorCodes.UnexpectedError,
                `The HTTP method '${req.method}' is not allowed for metadata in the simulator.`,
            );
        }
        const options = parseOptions(new URLSearchParams(req.url.search));
        const [head, nav, cast, extra] = segments;
        if (!head || extra) throw notFound(req);
        if (head.name === 'RelationshipDefinitions') return this.relationships(req, head, nav, options, base);
        if (head.name === 'GlobalOptionSetDefinitions') return this.globalOptionSets(req, head, nav, options, base);
        const entityType = this.entityType();
        if (!head.key) {
            if (nav) throw notFound(req);
            const all = [...this.schema.tables.values()].map((info) => ({ info, obj: entityMetadata(info) }));
            const value = this.list(
                all.map((x) => this.withNavigations(x.info, x.obj)),
                entityType,
                options,
            );
            return jsonResponse(200, {
                '@odata.context': `${base}$metadata#EntityDefinitions${selectText(options)}`,
                value,
            });
        }
        const info = this.findTable(head);
        const entityKey = `EntityDefinitions(${head.key.text})`;
        if (!nav) {
            const obj = this.one(this.withNavigations(info, entityMetadata(info)), entityType, options);
            return jsonResponse(200, {
                '@odata.context': `${base}$metadata#EntityDefinitions${selectText(options)}/$entity`,
                ...obj,
            });
        }
        if (!(ENTITY_NAVIGATIONS as readonly string[]).includes(nav.name)) throw notFound(req);
        if (nav.name === 'Attributes')
            return this.attributes(req, info, nav, cast, options, `${base}$metadata#${entityKey}`);
        if (cast) throw notFound(req);
        const items = this.navigationItems(info, nav.name as (typeof ENTITY_NAVIGATIONS)[number]);
        const type =
            nav.name === 'Keys'
                ? this.keyType()
                : this.relationshipType(nav.name === 'ManyToManyRelationships' ? 'ManyToMany' : 'OneToMany');
        const context = `${base}$metadata#${entityKey}/${nav.name}${selectText(options)}`;
        if (nav.key) {
            const found = items.find((o) =>
                matchesKey(o, nav.key!.single, nav.key!.named, nav.name === 'Keys' ? 'LogicalName' : 'SchemaName'),
            );
            if (!found) throw notFoundMetadata(`${nav.name}(${nav.key.text})`);
            return jsonResponse(200, { '@odata.context': `${context}/$entity`, ...this.one(found, type, options) });
        }
        return jsonResponse(200, { '@odata.context': context, value: this.list(items, type, options) });
    }

    private attributes(
        req: SimRequest,
        info: TableInfo,
        nav: PathSegment,
        cast: PathSegment | undefined,
        options: QueryOptions,
        context: string,
    ): SimResponse {
        const table = info.table;
        let castType: string | undefined;
        if (cast) {
            if (!cast.name.startsWith(CRM) || cast.key) throw notFound(req);
            castType = cast.name.slice(CRM.length);
            if (!(castType in DERIVED_PROPERTIES)) throw notFound(req);
        }
        const type = this.attributeType(castType);
        let attrs: SimAttribute[] = table.attributes;
        if (nav.key) {
            const found = table.attributes.find((a) =>
                matchesKey(attributeMetadata(table, a), nav.key!.single, nav.key!.named, 'LogicalName'),
            );
            if (!found) throw notFoundMetadata(`Attributes(${nav.key.text})`);
            attrs = [found];
        }
        if (castType) attrs = attrs.filter((a) => attributeTypeName(a) === castType);
        const objects = attrs.map((a) => {
            const obj = attributeMetadata(table, a);
            if (castType && ENUM_ATTRIBUTE_TYPES.has(castType)) {
                const optionSet = optionSetMetadata(table, a);
                Object.defineProperty(obj, '__optionSet', { value: optionSet, enumerable: false });
                const global = optionSet.IsGlobal === true ? optionSet : null;
                Object.defineProperty(obj, '__globalOptionSet', { value: global, enumerable: false });
            }
            return obj;
        });
        const castText = castType ? `/${CRM}${castType}` : '';
        if (nav.key) {
            const obj = objects[0];
            if (!obj)
                throw new SimError(400, ErrorCodes.ODataParse, `The attribute is not of type '${CRM}${castType}'.`);
            return jsonResponse(200, {
                '@odata.context': `${context}/Attributes${castText}${selectText(options)}/$entity`,
                ...this.one(obj, type, options),
            });
        }
        return jsonResponse(200, {
            '@odata.context': `${context}/Attributes${castText}${selectText(options)}`,
            value: this.list(objects, type, options),
        });
    }

    private relationships(
        req: SimRequest,
        head: PathSegment,
        cast: PathSegment | undefined,
        options: QueryOptions,
        base: string,
    ): SimResponse {
        let kind: 'OneToMany' | 'ManyToMany' | undefined;
        if (cast) {
            if (cast.name === `${CRM}OneToManyRelationshipMetadata`) kind = 'OneToMany';
            else if (cast.name === `${CRM}ManyToManyRelationshipMetadata`) kind = 'ManyToMany';
            else throw notFound(req);
        }
        const all: MetadataObject[] = [];
        if (kind !== 'ManyToMany') all.push(...this.schema.relationships.map(oneToManyMetadata));
        if (kind !== 'OneToMany') all.push(...this.schema.manyToMany.map(manyToManyMetadata));
        const type = this.relationshipType(kind ?? 'Base');
        return this.keyedSet('RelationshipDefinitions', 'SchemaName', { head, cast, options, base }, all, type);
    }

    /** A top-level metadata set: one object by key (`(Name='x')`, `(<MetadataId>)`), or all of them. */
    private keyedSet(
        set: string,
        keyProperty: string,
        at: { head: PathSegment; cast: PathSegment | undefined; options: QueryOptions; base: string },
        all: MetadataObject[],
        type: MetadataType,
    ): SimResponse {
        const { head, cast, options, base } = at;
        const castText = cast ? `/${cast.name}` : '';
        const context = `${base}$metadata#${set}${castText}${selectText(options)}`;
        if (head.key) {
            const found = all.find((o) => matchesKey(o, head.key!.single, head.key!.named, keyProperty));
            if (!found) throw notFoundMetadata(`${set}(${head.key.text})`);
            return jsonResponse(200, { '@odata.context': `${context}/$entity`, ...this.one(found, type, options) });
        }
        return jsonResponse(200, { '@odata.context': context, value: this.list(all, type, options) });
    }

    /**
     * `GlobalOptionSetDefinitions`, `(Name='x')` or `(<MetadataId>)`, optionally cast to OptionSetMetadata: the global
     * option sets the schema's choice columns use. `$filter` is refused there, as on the service (research §5).
     */
    private globalOptionSets(
        req: SimRequest,
        head: PathSegment,
        cast: PathSegment | undefined,
        options: QueryOptions,
        base: string,
    ): SimResponse {
        if (cast && cast.name !== `${CRM}OptionSetMetadata`) throw notFound(req);
        if (options.filter !== undefined) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                'The query parameter $filter is not supported on GlobalOptionSetDefinitions.',
            );
        }
        const all = [...this.globalOptionSetList().values()];
        const type: MetadataType = {
            name: 'OptionSetMetadata',
            properties: new Set(['Name', 'IsGlobal', 'IsCustomOptionSet', 'OptionSetType', 'Options', 'MetadataId']),
            expand: {},
        };
        return this.keyedSet('GlobalOptionSetDefinitions', 'Name', { head, cast, options, base }, all, type);
    }

    /** Every global option set the schema uses, by name (the first column that uses one defines its options). */
    private globalOptionSetList(): Map<string, MetadataObject> {
        const sets = new Map<string, MetadataObject>();
        for (const info of this.schema.tables.values())
            for (const attr of info.table.attributes) {
                const name = attr.globalOptionSet;
                if (name === undefined || sets.has(name)) continue;
                sets.set(name, {
                    '@odata.type': `#${CRM}OptionSetMetadata`,
                    ...optionSetMetadata(info.table, attr),
                });
            }
        // Created through the Web API (metadata-writes), before or without a column that uses them.
        for (const [name, set] of this.schema.globalOptionSets) {
            if (sets.has(name)) continue;
            const attr: SimAttribute = {
                logicalName: name,
                type: 'Picklist',
                globalOptionSet: name,
                options: set.options,
            };
            sets.set(name, {
                '@odata.type': `#${CRM}OptionSetMetadata`,
                ...optionSetMetadata({ logicalName: '' } as SimTable, { ...attr, isCustom: true }),
            });
        }
        return sets;
    }

    private withNavigations(info: TableInfo, obj: MetadataObject): MetadataObject {
        Object.defineProperty(obj, '__info', { value: info, enumerable: false });
        return obj;
    }

    private navigationItems(info: TableInfo, nav: (typeof ENTITY_NAVIGATIONS)[number]): MetadataObject[] {
        const table = info.table;
        if (nav === 'Attributes') return table.attributes.map((a) => attributeMetadata(table, a));
        if (nav === 'Keys') return (table.keys ?? []).map((k) => keyMetadata(table, k));
        return tableRelationships(this.schema, info)[nav];
    }

    // ---- metadata types -------------------------------------------------------------------------------------

    private entityType(): MetadataType {
        const sample = Object.keys(entityMetadata([...this.schema.tables.values()][0]!));
        const expand: MetadataType['expand'] = {};
        for (const nav of ENTITY_NAVIGATIONS) {
            expand[nav] = (obj) => this.navigationItems((obj as { __info?: TableInfo }).__info!, nav);
        }
        return { name: 'EntityMetadata', properties: new Set([...sample, ...ENTITY_NAVIGATIONS]), expand };
    }

    private attributeType(cast: string | undefined): MetadataType {
        const sample = Object.keys(
            attributeMetadata({ logicalName: 'x' } as never, { logicalName: 'x', type: 'Virtual' }),
        );
        const props = new Set(sample.filter((p) => !p.startsWith('@')));
        for (const p of DERIVED_PROPERTIES[cast ?? ''] ?? []) props.add(p);
        const expand: MetadataType['expand'] = {};
        if (cast && ENUM_ATTRIBUTE_TYPES.has(cast)) {
            props.add('OptionSet');
            props.add('GlobalOptionSet');
            expand.OptionSet = (obj) => (obj as { __optionSet?: MetadataObject }).__optionSet ?? null;
            expand.GlobalOptionSet = (obj) => (obj as { __globalOptionSet?: MetadataObject }).__globalOptionSet ?? null;
        }
        return { name: cast ?? 'AttributeMetadata', properties: props, expand };
    }

    private keyType(): MetadataType {
        const sample = Object.keys(keyMetadata({ logicalName: 'x' } as never, { logicalName: 'x', keyAttributes: [] }));
        return { name: 'EntityKeyMetadata', properties: new Set(sample), expand: {} };
    }

    private relationshipType(kind: 'OneToMany' | 'ManyToMany' | 'Base'): MetadataType {
        const one = Object.keys(
            oneToManyMetadata({
                schemaName: '',
                referencedEntity: '',
                referencedAttribute: '',
                referencingEntity: '',
                referencingAttribute: '',
                referencingNavigation: '',
                referencedNavigation: '',
                isCustom: false,
            }),
        );
        const many = Object.keys(
            manyToManyMetadata({
                schemaName: '',
                entity1LogicalName: '',
                entity2LogicalName: '',
                intersectEntityName: '',
                entity1IntersectAttribute: '',
                entity2IntersectAttribute: '',
                entity1NavigationPropertyName: '',
                entity2NavigationPropertyName: '',
            }),
        );
        const props = kind === 'OneToMany' ? one : kind === 'ManyToMany' ? many : one.filter((p) => many.includes(p));
        const name = kind === 'Base' ? 'RelationshipMetadataBase' : `${kind}RelationshipMetadata`;
        return { name, properties: new Set(props.filter((p) => !p.startsWith('@'))), expand: {} };
    }

    // ---- query options --------------------------------------------------------------------------------------

    private list(objects: MetadataObject[], type: MetadataType, options: QueryOptions): MetadataObject[] {
        this.validate(type, options);
        let filtered = objects;
        if (options.filter !== undefined) {
            const node = parseFilter(options.filter) as FilterNode;
            filtered = objects.filter((o) => evaluateFilter(node, (path) => resolvePath(o, path)));
        }
        return filtered.map((o) => this.shape(o, type, options));
    }

    private one(obj: MetadataObject, type: MetadataType, options: QueryOptions): MetadataObject {
        this.validate(type, options);
        if (options.filter !== undefined) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                'The query parameter $filter is not supported on a single entity.',
            );
        }
        return this.shape(obj, type, options);
    }

    private validate(type: MetadataType, options: QueryOptions): void {
        for (const name of options.select ?? []) {
            if (!type.properties.has(name)) throw noProperty(name, type.name);
        }
        for (const name of options.expand.keys()) {
            if (!(name in type.expand)) throw noProperty(name, type.name);
        }
    }

    private shape(obj: MetadataObject, type: MetadataType, options: QueryOptions): MetadataObject {
        let out: MetadataObject;
        if (options.select) {
            out = {};
            if (obj['@odata.type'] !== undefined) out['@odata.type'] = obj['@odata.type'];
            for (const name of options.select) if (name in obj) out[name] = obj[name];
            out.MetadataId = obj.MetadataId;
        } else out = { ...obj };
        for (const [name, nested] of options.expand) {
            const value = type.expand[name]!(obj);
            if (Array.isArray(value)) {
                const nestedType = this.nestedType(name);
                out[name] = this.list(value, nestedType, nested);
            } else out[name] = value && nested.select ? pick(value, nested.select) : value;
        }
        return out;
    }

    private nestedType(nav: string): MetadataType {
        if (nav === 'Attributes') return this.attributeType(undefined);
        if (nav === 'Keys') return this.keyType();
        return this.relationshipType(nav === 'ManyToManyRelationships' ? 'ManyToMany' : 'OneToMany');
    }

    private findTable(head: PathSegment): TableInfo {
        const key = head.key!;
        const [byName] = key.named ?? [];
        if (key.named?.length === 1 && byName![0] === 'LogicalName') {
            const info = typeof byName![1] === 'string' ? this.schema.table(byName![1]) : undefined;
            if (info) return info;
        } else {
            // By MetadataId: only the id is needed, not the whole EntityMetadata of every table.
            for (const info of this.schema.tables.values()) {
                const obj = { MetadataId: metadataId('entity', info.table.logicalName) };
                if (matchesKey(obj, key.single, key.named, 'LogicalName')) return info;
            }
        }
        const name = key.named?.[0]?.[1] ?? key.single;
        throw new SimError(404, ErrorCodes.ObjectDoesNotExist, `Could not find entity with name '${String(name)}'.`);
    }
}

function matchesKey(
    obj: MetadataObject,
    single: unknown,
    named: Array<[string, unknown]> | undefined,
    nameProperty: string,
): boolean {
    if (single !== undefined) return typeof single === 'string' && isGuid(single) && obj.MetadataId === single;
    if (!named || named.length !== 1) return false;
    const [prop, value] = named[0]!;
    if (prop === 'MetadataId') return obj.MetadataId === value;
    return prop === nameProperty && obj[nameProperty] === value;
}

function parseOptions(params: URLSearchParams | Map<string, string>): QueryOptions {
    const get = (k: string) => (params instanceof Map ? params.get(k) : (params.get(k) ?? undefined));
    const select = get('$select');
    const filter = get('$filter');
    const expandText = get('$expand');
    const options: QueryOptions = { expand: new Map() };
    if (select)
        options.select = select
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    if (filter !== undefined) options.filter = filter;
    for (const item of expandText ? splitTopLevel(expandText, ',') : []) {
        const open = item.indexOf('(');
        const name = (open < 0 ? item : item.slice(0, open)).trim();
        const nested = new Map<string, string>();
        if (open >= 0) {
            for (const opt of splitTopLevel(item.slice(open + 1, item.lastIndexOf(')')), ';')) {
                const eq = opt.indexOf('=');
                if (eq > 0) nested.set(opt.slice(0, eq).trim(), opt.slice(eq + 1));
            }
        }
        options.expand.set(name, parseOptions(nested));
    }
    return options;
}

function selectText(options: QueryOptions): string {
    return options.select ? `(${options.select.join(',')})` : '';
}

function resolvePath(obj: unknown, path: string): unknown {
    let current: unknown = obj;
    for (const part of path.split('/')) {
        if (current === null || typeof current !== 'object') return undefined;
        current = (current as Record<string, unknown>)[part];
    }
    return current;
}

function pick(obj: MetadataObject, names: string[]): MetadataObject {
    const out: MetadataObject = {};
    for (const n of names) if (n in obj) out[n] = obj[n];
    out.MetadataId = obj.MetadataId;
    return out;
}

function noProperty(name: string, type: string): SimError {
    return new SimError(
        400,
        ErrorCodes.ODataParse,
        `Could not find a property named '${name}' on type '${CRM}${type}'.`,
    );
}

function notFoundMetadata(what: string): SimError {
    return new SimError(404, ErrorCodes.ObjectDoesNotExist, `Could not find ${what}.`);
}
