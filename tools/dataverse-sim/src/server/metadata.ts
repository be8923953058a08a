/**
 * The metadata objects the Web API serves (EntityMetadata, AttributeMetadata and its derived types,
 * OneToMany/ManyToMany relationships, EntityKeyMetadata), in their JSON shapes, built from the schema.
 * MetadataIds are derived from names, so they are stable across restarts and equal in every environment
 * built from the same schema.
 */
import { ExactNumber } from '../exact-number.js';
import { createHash } from 'node:crypto';
import { PARTY_TABLES } from '../data/schema-complete.js';
import type { SimAttribute, SimAttributeType, SimKey, SimManyToMany, SimOption, SimTable } from '../model.js';
import type { LookupRelationship, SchemaIndex, TableInfo } from './schema-index.js';
import { privilegeId, privilegeKinds, privilegeName, privilegeType } from '../security/privileges.js';

export type MetadataObject = Record<string, unknown>;

export function metadataId(...parts: string[]): string {
    const h = createHash('sha1').update(parts.join('|')).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function label(text: string, ...idParts: string[]): MetadataObject {
    const localized = {
        Label: text,
        LanguageCode: 1033,
        IsManaged: true,
        MetadataId: metadataId('label', ...idParts),
        HasChanged: null,
    };
    return { LocalizedLabels: text ? [localized] : [], UserLocalizedLabel: text ? localized : null };
}

function managed(value: boolean, name: string): MetadataObject {
    return { Value: value, CanBeChanged: false, ManagedPropertyLogicalName: name };
}

/** The schema name, or the logical name capitalized when the schema gives none. */
export function schemaNameOf(logicalName: string, given: string | undefined): string {
    return given ?? logicalName.charAt(0).toUpperCase() + logicalName.slice(1);
}

export function entityMetadata(info: TableInfo): MetadataObject {
    const t = info.table;
    const schemaName = schemaNameOf(t.logicalName, t.schemaName);
    return {
        MetadataId: metadataId('entity', t.logicalName),
        LogicalName: t.logicalName,
        SchemaName: schemaName,
        EntitySetName: t.entitySetName,
        LogicalCollectionName: t.entitySetName,
        CollectionSchemaName: `${schemaName}s`,
        PrimaryIdAttribute: t.primaryIdAttribute,
        PrimaryNameAttribute: t.primaryNameAttribute || null,
        ObjectTypeCode: t.objectTypeCode ?? 10000 + (hashNumber(t.logicalName) % 90000),
        OwnershipType: t.ownershipType,
        IsIntersect: t.isIntersect ?? false,
        IsCustomEntity: t.isCustom ?? false,
        IsManaged: !(t.isCustom ?? false),
        ChangeTrackingEnabled: t.changeTracking,
        CanChangeTrackingBeEnabled: managed(true, 'canchangetrackingbeenabled'),
        IsValidForAdvancedFind: !(t.isIntersect ?? false),
        IsActivity: t.isActivity ?? false,
        IsActivityParty: ACTIVITY_PARTY_TABLES.has(t.logicalName),
        // Rows carry a version number that If-Match compares (every table but intersect tables).
        IsOptimisticConcurrencyEnabled: !(t.isIntersect ?? false),
        IsAuditEnabled: managed(false, 'canmodifyauditsettings'),
        IsDuplicateDetectionEnabled: managed(false, 'canmodifyduplicatedetectionsettings'),
        IsValidForQueue: managed(false, 'canmodifyqueuesettings'),
        IsAvailableOffline: !(t.isIntersect ?? false),
        IsBPFEntity: false,
        IsLogicalEntity: false,
        IsPrivate: false,
        IsChildEntity: false,
        EnforceStateTransitions: t.enforceStateTransitions ?? false,
        IsElastic: t.tableType === 'Elastic',
        // A virtual table names its data provider (EntityMetadata.DataProviderId); standard tables have none.
        DataProviderId: t.tableType === 'Virtual' ? metadataId('dataprovider', t.logicalName) : null,
        DataSourceId: null,
        PrimaryImageAttribute: t.attributes.some((a) => a.type === 'Image' && a.logicalName === 'entityimage')
            ? 'entityimage'
            : null,
        HasActivities: t.hasActivities ?? false,
        Privileges: entityPrivileges(t),
        HasNotes: t.hasNotes ?? false,
        // EntityMetadata.TableType: "Standard", "Activity", "Virtual" or "Elastic".
        TableType: t.tableType ?? (t.isActivity ? 'Activity' : 'Standard'),
        DisplayName: label(t.displayName ?? t.logicalName, 'entity', t.logicalName),
        DisplayCollectionName: label(t.displayCollectionName ?? t.entitySetName, 'entitycollection', t.logicalName),
        Description: label(t.description ?? '', 'entity-description', t.logicalName),
    };
}

const TYPE_NAMES: Record<SimAttributeType, { typeName: string; odataType: string }> = {
    String: { typeName: 'StringType', odataType: 'StringAttributeMetadata' },
    Memo: { typeName: 'MemoType', odataType: 'MemoAttributeMetadata' },
    Integer: { typeName: 'IntegerType', odataType: 'IntegerAttributeMetadata' },
    BigInt: { typeName: 'BigIntType', odataType: 'BigIntAttributeMetadata' },
    Decimal: { typeName: 'DecimalType', odataType: 'DecimalAttributeMetadata' },
    Double: { typeName: 'DoubleType', odataType: 'DoubleAttributeMetadata' },
    Money: { typeName: 'MoneyType', odataType: 'MoneyAttributeMetadata' },
    Boolean: { typeName: 'BooleanType', odataType: 'BooleanAttributeMetadata' },
    DateTime: { typeName: 'DateTimeType', odataType: 'DateTimeAttributeMetadata' },
    Picklist: { typeName: 'PicklistType', odataType: 'PicklistAttributeMetadata' },
    MultiSelectPicklist: { typeName: 'MultiSelectPicklistType', odataType: 'MultiSelectPicklistAttributeMetadata' },
    State: { typeName: 'StateType', odataType: 'StateAttributeMetadata' },
    Status: { typeName: 'StatusType', odataType: 'StatusAttributeMetadata' },
    Lookup: { typeName: 'LookupType', odataType: 'LookupAttributeMetadata' },
    Customer: { typeName: 'CustomerType', odataType: 'LookupAttributeMetadata' },
    Owner: { typeName: 'OwnerType', odataType: 'LookupAttributeMetadata' },
    Uniqueidentifier: { typeName: 'UniqueidentifierType', odataType: 'UniqueIdentifierAttributeMetadata' },
    EntityName: { typeName: 'EntityNameType', odataType: 'EntityNameAttributeMetadata' },
    Image: { typeName: 'ImageType', odataType: 'ImageAttributeMetadata' },
    File: { typeName: 'FileType', odataType: 'FileAttributeMetadata' },
    PartyList: { typeName: 'PartyListType', odataType: 'LookupAttributeMetadata' },
    Virtual: { typeName: 'VirtualType', odataType: 'AttributeMetadata' },
};

/** The AttributeType the service reports: multi-select choices, images and files are Virtual, told apart by AttributeTypeName. */
const REPORTED_AS_VIRTUAL = new Set<SimAttributeType>(['MultiSelectPicklist', 'Image', 'File']);

/** Tables whose rows can be parties of activities (EntityMetadata.IsActivityParty) among those the simulator knows. */
const ACTIVITY_PARTY_TABLES = new Set(PARTY_TABLES);

/** The derived metadata type (`LookupAttributeMetadata`, ...) of an attribute. */
export function attributeTypeName(attr: SimAttribute): string {
    return TYPE_NAMES[attr.type].odataType;
}

/** Properties only the derived types have; `$select` of them needs a cast. */
export const DERIVED_PROPERTIES: Record<string, string[]> = {
    StringAttributeMetadata: ['MaxLength', 'Format', 'FormatName', 'DatabaseLength'],
    MemoAttributeMetadata: ['MaxLength', 'Format'],
    IntegerAttributeMetadata: ['MinValue', 'MaxValue', 'Format'],
    BigIntAttributeMetadata: ['MinValue', 'MaxValue'],
    DecimalAttributeMetadata: ['MinValue', 'MaxValue', 'Precision'],
    DoubleAttributeMetadata: ['MinValue', 'MaxValue', 'Precision'],
    MoneyAttributeMetadata: ['MinValue', 'MaxValue', 'Precision', 'PrecisionSource'],
    BooleanAttributeMetadata: ['DefaultValue'],
    DateTimeAttributeMetadata: ['Format', 'DateTimeBehavior'],
    PicklistAttributeMetadata: ['DefaultFormValue'],
    MultiSelectPicklistAttributeMetadata: ['DefaultFormValue'],
    StateAttributeMetadata: [],
    StatusAttributeMetadata: [],
    LookupAttributeMetadata: ['Targets', 'Format'],
    UniqueIdentifierAttributeMetadata: [],
    EntityNameAttributeMetadata: [],
    ImageAttributeMetadata: ['MaxSizeInKB', 'IsPrimaryImage', 'CanStoreFullImage', 'MaxHeight', 'MaxWidth'],
    FileAttributeMetadata: ['MaxSizeInKB'],
    AttributeMetadata: [],
};

export const ENUM_ATTRIBUTE_TYPES = new Set([
    'PicklistAttributeMetadata',
    'MultiSelectPicklistAttributeMetadata',
    'StateAttributeMetadata',
    'StatusAttributeMetadata',
    'BooleanAttributeMetadata',
]);

export function attributeMetadata(table: SimTable, attr: SimAttribute): MetadataObject {
    const { typeName, odataType } = TYPE_NAMES[attr.type];
    const out: MetadataObject = {
        '@odata.type': `#Microsoft.Dynamics.CRM.${odataType}`,
        MetadataId: metadataId('attribute', table.logicalName, attr.logicalName),
        LogicalName: attr.logicalName,
        SchemaName: schemaNameOf(attr.logicalName, attr.schemaName),
        EntityLogicalName: table.logicalName,
        AttributeType: REPORTED_AS_VIRTUAL.has(attr.type) ? 'Virtual' : attr.type,
        AttributeTypeName: { Value: typeName },
        AttributeOf: attr.attributeOf ?? null,
        IsPrimaryId: attr.isPrimaryId ?? false,
        IsPrimaryName: attr.isPrimaryName ?? false,
        IsValidForCreate: attr.validForCreate ?? true,
        IsValidForUpdate: attr.validForUpdate ?? true,
        IsValidForRead: attr.validForRead ?? true,
        IsCustomAttribute: attr.isCustom ?? false,
        // Column-level security: true for the security configuration's `columns` (security/column-security.ts).
        IsSecured: attr.isSecured ?? false,
        IsManaged: !(attr.isCustom ?? false),
        IsLogical: false,
        RequiredLevel: {
            Value: attr.requiredLevel ?? 'None',
            CanBeChanged: true,
            ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
        },
        DisplayName: label(attr.displayName ?? attr.logicalName, 'attribute', table.logicalName, attr.logicalName),
        Description: label(attr.description ?? '', 'attribute-description', table.logicalName, attr.logicalName),
    };
    switch (odataType) {
        case 'StringAttributeMetadata':
        case 'MemoAttributeMetadata':
            out.MaxLength = attr.maxLength ?? (attr.type === 'Memo' ? 2000 : 100);
            out.Format = attr.formatName ?? (attr.type === 'Memo' ? 'TextArea' : 'Text');
            if (attr.type === 'String') out.FormatName = { Value: attr.formatName ?? 'Text' };
            break;
        case 'IntegerAttributeMetadata':
            out.MinValue = attr.minValue ?? -2147483648;
            out.MaxValue = attr.maxValue ?? 2147483647;
            out.Format = 'None';
            break;
        case 'BigIntAttributeMetadata':
            // SQL bigint's range, written exactly (research W2).
            out.MinValue = ExactNumber.parse('-9223372036854775808');
            out.MaxValue = ExactNumber.parse('9223372036854775807');
            break;
        case 'DecimalAttributeMetadata':
            out.MinValue = attr.minValue ?? -100_000_000_000;
            out.MaxValue = attr.maxValue ?? 100_000_000_000;
            out.Precision = attr.precision ?? 2;
            break;
        case 'MoneyAttributeMetadata':
            out.MinValue = attr.minValue ?? -922_337_203_685_477;
            out.MaxValue = attr.maxValue ?? 922_337_203_685_477;
            out.Precision = attr.precision ?? 2;
            break;
        case 'DoubleAttributeMetadata':
            out.MinValue = attr.minValue ?? -100_000_000_000;
            out.MaxValue = attr.maxValue ?? 100_000_000_000;
            out.Precision = attr.precision ?? 2;
            break;
        case 'DateTimeAttributeMetadata':
            out.Format = attr.dateTimeFormat ?? 'DateAndTime';
            out.DateTimeBehavior = { Value: attr.dateTimeBehavior ?? 'UserLocal' };
            break;
        case 'LookupAttributeMetadata':
            out.Targets = [...(attr.targets ?? [])];
            out.Format = 'None';
            break;
        case 'ImageAttributeMetadata':
            out.MaxSizeInKB = attr.maxSizeInKB ?? 10240;
            out.IsPrimaryImage = attr.logicalName === 'entityimage';
            out.CanStoreFullImage = true;
            out.MaxHeight = 144;
            out.MaxWidth = 144;
            break;
        case 'FileAttributeMetadata':
            out.MaxSizeInKB = attr.maxSizeInKB ?? 32768;
            break;
    }
    return out;
}

/**
 * The OptionSet of a choice column: its own (named `<table>_<column>`), or the global option set it uses, the same
 * object (MetadataId, Name, IsGlobal) that GlobalOptionSetDefinitions serves.
 */
export function optionSetMetadata(table: SimTable, attr: SimAttribute): MetadataObject {
    const kind = attr.type === 'MultiSelectPicklist' ? 'Picklist' : attr.type;
    const global = attr.globalOptionSet;
    if (attr.type === 'Boolean') return booleanOptionSetMetadata(table, attr);
    return {
        MetadataId:
            global !== undefined
                ? metadataId('globaloptionset', global)
                : metadataId('optionset', table.logicalName, attr.logicalName),
        Name: global ?? `${table.logicalName}_${attr.logicalName}`,
        IsGlobal: global !== undefined,
        IsCustomOptionSet: attr.isCustom ?? false,
        OptionSetType: kind,
        Options: (attr.options ?? []).map((o) => optionMetadata(table, attr, o)),
    };
}

/** A Boolean column's two options (BooleanOptionSetMetadata: TrueOption 1, FalseOption 0); labels Yes / No by default. */
function booleanOptionSetMetadata(table: SimTable, attr: SimAttribute): MetadataObject {
    const option = (value: number, fallback: string) =>
        optionMetadata(table, attr, attr.options?.find((o) => o.value === value) ?? { value, label: fallback });
    return {
        MetadataId: metadataId('optionset', table.logicalName, attr.logicalName),
        Name: `${table.logicalName}_${attr.logicalName}`,
        IsGlobal: false,
        IsCustomOptionSet: attr.isCustom ?? false,
        OptionSetType: 'Boolean',
        TrueOption: option(1, 'Yes'),
        FalseOption: option(0, 'No'),
    };
}

function optionMetadata(table: SimTable, attr: SimAttribute, o: SimOption): MetadataObject {
    const out: MetadataObject = {
        Value: o.value,
        Label: label(o.label, 'option', table.logicalName, attr.logicalName, String(o.value)),
        Description: label('', 'option-description', table.logicalName, attr.logicalName, String(o.value)),
        IsManaged: true,
    };
    if (attr.type === 'Status') {
        out.State = o.state ?? 0;
        // The encoded XML document of allowed transitions (StatusOptionMetadata.TransitionData reference).
        out.TransitionData = o.transitions
            ? `<allowedtransitions xmlns="http://schemas.microsoft.com/crm/2009/WebServices">${o.transitions
                  .map((to) => `<allowedtransition sourcestatusid="${o.value}" tostatusid="${to}" />`)
                  .join('')}</allowedtransitions>`
            : null;
    }
    if (attr.type === 'State') {
        out.DefaultStatus = o.defaultStatus ?? null;
        out.InvariantName = o.label.replace(/\s+/g, '');
    }
    return out;
}

const CASCADE = {
    Assign: 'NoCascade',
    Delete: 'RemoveLink',
    Merge: 'NoCascade',
    Reparent: 'NoCascade',
    Share: 'NoCascade',
    Unshare: 'NoCascade',
    RollupView: 'NoCascade',
};

export function oneToManyMetadata(rel: LookupRelationship): MetadataObject {
    return {
        '@odata.type': '#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
        MetadataId: metadataId('relationship', rel.schemaName),
        SchemaName: rel.schemaName,
        RelationshipType: 'OneToManyRelationship',
        IsCustomRelationship: rel.isCustom,
        IsManaged: !rel.isCustom,
        IsValidForAdvancedFind: true,
        SecurityTypes: 'None',
        ReferencedAttribute: rel.referencedAttribute,
        ReferencedEntity: rel.referencedEntity,
        ReferencingAttribute: rel.referencingAttribute,
        ReferencingEntity: rel.referencingEntity,
        ReferencedEntityNavigationPropertyName: rel.referencedNavigation,
        ReferencingEntityNavigationPropertyName: rel.referencingNavigation,
        IsHierarchical: rel.referencedEntity === rel.referencingEntity,
        CascadeConfiguration: { ...CASCADE },
    };
}

export function manyToManyMetadata(rel: SimManyToMany): MetadataObject {
    return {
        '@odata.type': '#Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
        MetadataId: metadataId('relationship', rel.schemaName),
        SchemaName: rel.schemaName,
        RelationshipType: 'ManyToManyRelationship',
        IsCustomRelationship: false,
        IsManaged: true,
        IsValidForAdvancedFind: true,
        SecurityTypes: 'None',
        Entity1LogicalName: rel.entity1LogicalName,
        Entity2LogicalName: rel.entity2LogicalName,
        IntersectEntityName: rel.intersectEntityName,
        Entity1IntersectAttribute: rel.entity1IntersectAttribute,
        Entity2IntersectAttribute: rel.entity2IntersectAttribute,
        Entity1NavigationPropertyName: rel.entity1NavigationPropertyName,
        Entity2NavigationPropertyName: rel.entity2NavigationPropertyName,
    };
}

export function keyMetadata(table: SimTable, key: SimKey): MetadataObject {
    return {
        MetadataId: metadataId('key', table.logicalName, key.logicalName),
        LogicalName: key.logicalName,
        SchemaName: key.schemaName ?? key.logicalName,
        EntityLogicalName: table.logicalName,
        KeyAttributes: [...key.keyAttributes],
        EntityKeyIndexStatus: key.status ?? 'Active',
        IsManaged: true,
        DisplayName: label(key.logicalName, 'key', table.logicalName, key.logicalName),
    };
}

/** Relationships of one table, each list in the shape of its navigation collection. */
export function tableRelationships(schema: SchemaIndex, info: TableInfo) {
    const name = info.table.logicalName;
    return {
        ManyToOneRelationships: info.manyToOne.map(oneToManyMetadata),
        OneToManyRelationships: info.oneToMany.map(oneToManyMetadata),
        ManyToManyRelationships: schema.manyToMany
            .filter((r) => r.entity1LogicalName === name || r.entity2LogicalName === name)
            .map(manyToManyMetadata),
    };
}

function hashNumber(text: string): number {
    return createHash('sha1').update(text).digest().readUInt32BE(0);
}

/**
 * EntityMetadata.Privileges: one SecurityPrivilegeMetadata per access kind the table has (Name, PrivilegeId,
 * PrivilegeType, the depths it can be granted at: a table without owners only Global).
 */
function entityPrivileges(t: SimTable): MetadataObject[] {
    const owned = t.ownershipType === 'UserOwned' || t.ownershipType === 'BusinessOwned';
    return privilegeKinds(t).map((kind) => {
        const name = privilegeName(t, kind);
        return {
            Name: name,
            PrivilegeId: privilegeId(name),
            PrivilegeType: privilegeType(kind),
            CanBeBasic: t.ownershipType === 'UserOwned',
            CanBeLocal: owned,
            CanBeDeep: owned,
            CanBeGlobal: true,
            CanBeEntityReference: false,
            CanBeParentEntityReference: false,
        };
    });
}
