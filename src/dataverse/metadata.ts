/**
 * Reads the metadata planning needs from one environment (research §5): tables with their
 * attributes, keys and relationships in one `$expand`ed request each, then the derived attribute
 * types (lookup targets, option sets, lengths, precisions) through casts, only for the types a
 * table actually has. Metadata is never paged, so each request returns everything.
 */
import { closeMatches } from '../util/suggest.js';
import type { DataverseClient } from './client-types.js';
import type {
    AttributeMetadata,
    AttributeType,
    EnvironmentMetadata,
    KeyMetadata,
    ManyToManyRelationshipMetadata,
    OneToManyRelationshipMetadata,
    OptionMetadata,
    TableMetadata,
} from './metadata-types.js';
import { odataString } from './odata-url.js';

/** Every reader takes its abort signal here. */
export interface MetadataReadOptions {
    signal?: AbortSignal;
}

export interface ReadMetadataOptions extends MetadataReadOptions {
    /** Also read the tables that lookups of the requested tables point to (one level). Default false. */
    includeLookupTargets?: boolean;
    /** The environment's table names when the caller has read them already (saves one request). */
    allTableNames?: readonly string[];
}

/** Names that do not exist in the environment, each with the closest existing names. */
export class UnknownNamesError extends Error {
    constructor(
        readonly what: 'table' | 'many-to-many relationship',
        readonly environmentUrl: string,
        readonly unknown: Array<{ name: string; suggestions: string[] }>,
    ) {
        const list = unknown
            .map(({ name, suggestions }) =>
                suggestions.length > 0
                    ? `'${name}' (did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?)`
                    : `'${name}'`,
            )
            .join(', ');
        super(`${environmentUrl} has no ${what}${unknown.length > 1 ? 's' : ''} named ${list}`);
        this.name = 'UnknownNamesError';
    }
}

const ENTITY_SELECT = [
    'LogicalName',
    'SchemaName',
    'EntitySetName',
    'PrimaryIdAttribute',
    'PrimaryNameAttribute',
    'OwnershipType',
    'IsIntersect',
    'ChangeTrackingEnabled',
    'IsCustomEntity',
    'ObjectTypeCode',
    'TableType',
    'EnforceStateTransitions',
    'Privileges',
];
const ATTRIBUTE_SELECT = [
    'LogicalName',
    'SchemaName',
    'AttributeType',
    'AttributeTypeName',
    'IsValidForCreate',
    'IsValidForUpdate',
    'IsValidForRead',
    'IsPrimaryId',
    'IsPrimaryName',
    'RequiredLevel',
    'AttributeOf',
    'IsCustomAttribute',
    'IsSecured',
    'MetadataId',
];
const KEY_SELECT = ['LogicalName', 'SchemaName', 'KeyAttributes', 'EntityKeyIndexStatus'];
const ONE_TO_MANY_SELECT = [
    'SchemaName',
    'ReferencedEntity',
    'ReferencedAttribute',
    'ReferencingEntity',
    'ReferencingAttribute',
    'ReferencedEntityNavigationPropertyName',
    'ReferencingEntityNavigationPropertyName',
];
const MANY_TO_MANY_SELECT = [
    'SchemaName',
    'Entity1LogicalName',
    'Entity2LogicalName',
    'IntersectEntityName',
    'Entity1IntersectAttribute',
    'Entity2IntersectAttribute',
    'Entity1NavigationPropertyName',
    'Entity2NavigationPropertyName',
];

/** Derived attribute metadata types, the AttributeTypeName values they cover, and what to read through them. */
const CASTS: Array<{ cast: string; typeNames: string[]; query: string }> = [
    {
        cast: 'LookupAttributeMetadata',
        typeNames: ['LookupType', 'CustomerType', 'OwnerType', 'PartyListType'],
        query: '$select=LogicalName,Targets',
    },
    ...['Picklist', 'MultiSelectPicklist', 'State', 'Status'].map((kind) => ({
        cast: `${kind}AttributeMetadata`,
        typeNames: [`${kind}Type`],
        query: '$select=LogicalName&$expand=OptionSet',
    })),
    ...['String', 'Memo'].map((kind) => ({
        cast: `${kind}AttributeMetadata`,
        typeNames: [`${kind}Type`],
        query: '$select=LogicalName,MaxLength',
    })),
    ...['Decimal', 'Double', 'Money'].map((kind) => ({
        cast: `${kind}AttributeMetadata`,
        typeNames: [`${kind}Type`],
        query: '$select=LogicalName,Precision',
    })),
    // The largest file or image the column takes (file-column-data.md "Check maximum file size").
    ...['File', 'Image'].map((kind) => ({
        cast: `${kind}AttributeMetadata`,
        typeNames: [`${kind}Type`],
        query: '$select=LogicalName,MaxSizeInKB',
    })),
];

interface Collection<T> {
    value: T[];
}

/** Logical names of every table in the environment (one cheap request). */
export async function readAllTableNames(client: DataverseClient, options: MetadataReadOptions = {}): Promise<string[]> {
    const response = await client.get<Collection<{ LogicalName: string }>>('EntityDefinitions?$select=LogicalName', {
        signal: options.signal,
    });
    return response.value.map((entity) => entity.LogicalName);
}

export async function readEnvironmentMetadata(
    client: DataverseClient,
    tableNames: readonly string[],
    options: ReadMetadataOptions = {},
): Promise<EnvironmentMetadata> {
    const allTableNames = options.allTableNames
        ? [...options.allTableNames]
        : await readAllTableNames(client, { signal: options.signal });
    const existing = new Set(allTableNames);
    const requested = [...new Set(tableNames)];
    const unknown = requested.filter((name) => !existing.has(name));
    if (unknown.length > 0) {
        throw new UnknownNamesError(
            'table',
            client.url,
            unknown.map((name) => ({ name, suggestions: closeMatches(name, allTableNames) })),
        );
    }
    const tables = new Map<string, TableMetadata>();
    const read = async (names: string[]): Promise<void> => {
        const results = await Promise.all(
            names.map((name) => readTableMetadata(client, name, { signal: options.signal })),
        );
        for (const table of results) tables.set(table.logicalName, table);
    };
    await read(requested);
    if (options.includeLookupTargets) {
        const targets = new Set<string>();
        for (const table of tables.values()) {
            for (const attribute of table.attributes) {
                for (const target of attribute.targets ?? []) {
                    if (!tables.has(target) && existing.has(target)) targets.add(target);
                }
            }
        }
        await read([...targets]);
    }
    return { url: client.url, tables, allTableNames };
}

interface RawEntity {
    LogicalName: string;
    SchemaName: string;
    EntitySetName: string;
    PrimaryIdAttribute: string;
    PrimaryNameAttribute: string | null;
    OwnershipType: string;
    IsIntersect: boolean;
    ChangeTrackingEnabled: boolean;
    IsCustomEntity: boolean;
    ObjectTypeCode?: number;
    /** "Standard", "Activity", "Virtual" or "Elastic" (EntityMetadata.TableType). */
    TableType?: string | null;
    EnforceStateTransitions?: boolean | null;
    /** SecurityPrivilegeMetadata: PrivilegeType by name (a few stacks write the enum's number). */
    Privileges?: Array<{ Name?: string | null; PrivilegeType?: string | number | null }> | null;
    Attributes: RawAttribute[];
    Keys: RawKey[];
    ManyToOneRelationships: RawOneToMany[];
    OneToManyRelationships: RawOneToMany[];
    ManyToManyRelationships: RawManyToMany[];
}

interface RawAttribute {
    LogicalName: string;
    SchemaName: string;
    AttributeType: string;
    AttributeTypeName?: { Value?: string } | null;
    IsValidForCreate?: boolean | null;
    IsValidForUpdate?: boolean | null;
    IsValidForRead?: boolean | null;
    IsPrimaryId?: boolean | null;
    IsPrimaryName?: boolean | null;
    RequiredLevel?: { Value?: string } | null;
    AttributeOf?: string | null;
    IsCustomAttribute?: boolean | null;
    IsSecured?: boolean | null;
    MetadataId?: string | null;
}

interface RawKey {
    LogicalName: string;
    SchemaName: string;
    KeyAttributes: string[];
    EntityKeyIndexStatus: string;
}

interface RawOneToMany {
    SchemaName: string;
    ReferencedEntity: string;
    ReferencedAttribute: string;
    ReferencingEntity: string;
    ReferencingAttribute: string;
    ReferencedEntityNavigationPropertyName: string;
    ReferencingEntityNavigationPropertyName: string;
}

interface RawManyToMany {
    SchemaName: string;
    Entity1LogicalName: string;
    Entity2LogicalName: string;
    IntersectEntityName: string;
    Entity1IntersectAttribute: string;
    Entity2IntersectAttribute: string;
    Entity1NavigationPropertyName: string;
    Entity2NavigationPropertyName: string;
}

interface RawLabel {
    UserLocalizedLabel?: { Label?: string } | null;
    LocalizedLabels?: Array<{ Label?: string }>;
}

interface RawDerivedAttribute {
    LogicalName: string;
    Targets?: string[] | null;
    MaxLength?: number | null;
    Precision?: number | null;
    MaxSizeInKB?: number | null;
    OptionSet?: {
        Options?: Array<RawOption>;
        TrueOption?: unknown;
    } | null;
}

/** One table's metadata, by logical name (which must exist). */
export async function readTableMetadata(
    client: DataverseClient,
    logicalName: string,
    options: MetadataReadOptions = {},
): Promise<TableMetadata> {
    const { signal } = options;
    const base = `EntityDefinitions(LogicalName=${odataString(logicalName)})`;
    const expand = [
        `Attributes($select=${ATTRIBUTE_SELECT.join(',')})`,
        `Keys($select=${KEY_SELECT.join(',')})`,
        `ManyToOneRelationships($select=${ONE_TO_MANY_SELECT.join(',')})`,
        `OneToManyRelationships($select=${ONE_TO_MANY_SELECT.join(',')})`,
        `ManyToManyRelationships($select=${MANY_TO_MANY_SELECT.join(',')})`,
    ].join(',');
    const entity = await client.get<RawEntity>(`${base}?$select=${ENTITY_SELECT.join(',')}&$expand=${expand}`, {
        signal,
    });
    const attributes = entity.Attributes.map(toAttribute);
    const byName = new Map(attributes.map((a) => [a.logicalName, a]));
    const presentTypeNames = new Set(attributes.map((a) => a.attributeTypeName));
    const casts = CASTS.filter((c) => c.typeNames.some((t) => presentTypeNames.has(t)));
    const derived = await Promise.all(
        casts.map((c) =>
            client.get<Collection<RawDerivedAttribute>>(
                `${base}/Attributes/Microsoft.Dynamics.CRM.${c.cast}?${c.query}`,
                {
                    signal,
                },
            ),
        ),
    );
    for (const raw of derived.flatMap((collection) => collection.value)) {
        const attribute = byName.get(raw.LogicalName);
        if (!attribute) continue;
        if (raw.Targets) attribute.targets = [...raw.Targets];
        if (typeof raw.MaxLength === 'number') attribute.maxLength = raw.MaxLength;
        if (typeof raw.Precision === 'number') attribute.precision = raw.Precision;
        if (typeof raw.MaxSizeInKB === 'number') attribute.maxSizeInKB = raw.MaxSizeInKB;
        if (raw.OptionSet?.Options) attribute.options = raw.OptionSet.Options.map(toOption);
    }
    return {
        logicalName: entity.LogicalName,
        schemaName: entity.SchemaName,
        entitySetName: entity.EntitySetName,
        primaryIdAttribute: entity.PrimaryIdAttribute,
        primaryNameAttribute: entity.PrimaryNameAttribute ?? null,
        ownershipType: entity.OwnershipType,
        isIntersect: entity.IsIntersect,
        changeTrackingEnabled: entity.ChangeTrackingEnabled,
        isCustomEntity: entity.IsCustomEntity,
        ...(typeof entity.ObjectTypeCode === 'number' ? { objectTypeCode: entity.ObjectTypeCode } : {}),
        ...(typeof entity.TableType === 'string' ? { tableType: entity.TableType } : {}),
        ...(entity.EnforceStateTransitions === true ? { enforceStateTransitions: true } : {}),
        ...(entity.Privileges?.length ? { privileges: privilegesByType(entity.Privileges) } : {}),
        attributes,
        keys: entity.Keys.map(toKey),
        manyToOne: entity.ManyToOneRelationships.map(toOneToMany),
        oneToMany: entity.OneToManyRelationships.map(toOneToMany),
        manyToMany: entity.ManyToManyRelationships.map(toManyToMany),
    };
}

/** PrivilegeType EnumType: None 0, Create 1, Read 2, Write 3, Delete 4, Assign 5, Share 6, Append 7, AppendTo 8. */
const PRIVILEGE_TYPES = ['None', 'Create', 'Read', 'Write', 'Delete', 'Assign', 'Share', 'Append', 'AppendTo'];

function privilegesByType(raw: NonNullable<RawEntity['Privileges']>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of raw) {
        const type = typeof p.PrivilegeType === 'number' ? PRIVILEGE_TYPES[p.PrivilegeType] : p.PrivilegeType;
        if (type && type !== 'None' && p.Name) out[type] = p.Name;
    }
    return out;
}

/**
 * Many-to-many relationships by schema name (as a spec lists them), read with one request.
 * Unknown names give one UnknownNamesError naming close matches.
 */
export async function readManyToMany(
    client: DataverseClient,
    schemaNames: readonly string[],
    options: MetadataReadOptions = {},
): Promise<Map<string, ManyToManyRelationshipMetadata>> {
    const response = await client.get<Collection<RawManyToMany>>(
        `RelationshipDefinitions/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata?$select=${MANY_TO_MANY_SELECT.join(',')}`,
        { signal: options.signal },
    );
    const bySchemaName = new Map(response.value.map((r) => [r.SchemaName.toLowerCase(), r]));
    const found = new Map<string, ManyToManyRelationshipMetadata>();
    const unknown: Array<{ name: string; suggestions: string[] }> = [];
    for (const name of schemaNames) {
        const raw = bySchemaName.get(name.toLowerCase());
        if (raw) found.set(name, toManyToMany(raw));
        else
            unknown.push({
                name,
                suggestions: closeMatches(
                    name,
                    response.value.map((r) => r.SchemaName),
                ),
            });
    }
    if (unknown.length > 0) throw new UnknownNamesError('many-to-many relationship', client.url, unknown);
    return found;
}

function toAttribute(raw: RawAttribute): AttributeMetadata {
    return {
        logicalName: raw.LogicalName,
        schemaName: raw.SchemaName,
        attributeType: raw.AttributeType as AttributeType,
        ...(raw.AttributeTypeName?.Value ? { attributeTypeName: raw.AttributeTypeName.Value } : {}),
        isValidForCreate: raw.IsValidForCreate ?? false,
        isValidForUpdate: raw.IsValidForUpdate ?? false,
        isValidForRead: raw.IsValidForRead ?? false,
        isPrimaryId: raw.IsPrimaryId ?? false,
        isPrimaryName: raw.IsPrimaryName ?? false,
        requiredLevel: raw.RequiredLevel?.Value ?? 'None',
        attributeOf: raw.AttributeOf ?? null,
        isCustomAttribute: raw.IsCustomAttribute ?? false,
        ...(raw.IsSecured ? { secured: { attributeId: (raw.MetadataId ?? '').toLowerCase() } } : {}),
    };
}

/** An option of an option set; State on status options, DefaultStatus on state options (StateOptionMetadata). */
interface RawOption {
    Value: number;
    Label?: RawLabel | null;
    State?: number | null;
    DefaultStatus?: number | null;
    /** Status options: the encoded `<allowedtransitions>` document (StatusOptionMetadata.TransitionData). */
    TransitionData?: string | null;
}

function toOption(raw: RawOption): OptionMetadata {
    const label = raw.Label?.UserLocalizedLabel?.Label ?? raw.Label?.LocalizedLabels?.[0]?.Label ?? '';
    const transitions = typeof raw.TransitionData === 'string' ? allowedTransitions(raw.TransitionData) : undefined;
    return {
        value: raw.Value,
        label,
        ...(typeof raw.State === 'number' ? { state: raw.State } : {}),
        ...(typeof raw.DefaultStatus === 'number' ? { defaultStatus: raw.DefaultStatus } : {}),
        ...(transitions ? { transitions } : {}),
    };
}

/**
 * The `tostatusid` values of a TransitionData document: `<allowedtransitions xmlns="..."><allowedtransition
 * sourcestatusid="1" tostatusid="6" /></allowedtransitions>` (StatusOptionMetadata.TransitionData reference). The
 * document may arrive XML-encoded.
 */
export function allowedTransitions(data: string): number[] {
    const text = data
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"');
    return [...text.matchAll(/tostatusid\s*=\s*"(-?\d+)"/g)].map((m) => Number(m[1]));
}

function toKey(raw: RawKey): KeyMetadata {
    return {
        logicalName: raw.LogicalName,
        schemaName: raw.SchemaName,
        keyAttributes: [...raw.KeyAttributes],
        entityKeyIndexStatus: raw.EntityKeyIndexStatus,
    };
}

function toOneToMany(raw: RawOneToMany): OneToManyRelationshipMetadata {
    return {
        schemaName: raw.SchemaName,
        referencedEntity: raw.ReferencedEntity,
        referencedAttribute: raw.ReferencedAttribute,
        referencingEntity: raw.ReferencingEntity,
        referencingAttribute: raw.ReferencingAttribute,
        referencedEntityNavigationPropertyName: raw.ReferencedEntityNavigationPropertyName,
        referencingEntityNavigationPropertyName: raw.ReferencingEntityNavigationPropertyName,
    };
}

function toManyToMany(raw: RawManyToMany): ManyToManyRelationshipMetadata {
    return {
        schemaName: raw.SchemaName,
        entity1LogicalName: raw.Entity1LogicalName,
        entity2LogicalName: raw.Entity2LogicalName,
        intersectEntityName: raw.IntersectEntityName,
        entity1IntersectAttribute: raw.Entity1IntersectAttribute,
        entity2IntersectAttribute: raw.Entity2IntersectAttribute,
        entity1NavigationPropertyName: raw.Entity1NavigationPropertyName,
        entity2NavigationPropertyName: raw.Entity2NavigationPropertyName,
    };
}
