/**
 * What it takes to create a table or column like the source's in another environment: the definitions the plan's
 * readers leave out (display names, lengths, ranges, formats, date-time behaviours, option labels, global option set
 * names), read only for the tables a spec loads as `new`. Also the target facts that creating needs: its publishers
 * (whose prefixes schema names carry), a solution by unique name, its global option sets. Property names and casts as
 * create-update-column-definitions-using-web-api.md and the *AttributeMetadata EntityType references give them.
 */
import type { DataverseClient } from './client-types.js';
import type { AttributeType } from './metadata-types.js';
import type { MetadataReadOptions } from './metadata.js';
import { odataString } from './odata-url.js';

export interface OptionDefinition {
    value: number;
    label: string;
}

/** A column as creating one needs it; only the properties its type has are set. */
export interface ColumnDefinition {
    logicalName: string;
    schemaName: string;
    attributeType: AttributeType;
    /** AttributeTypeName.Value: `MultiSelectPicklistType` tells a multi-select choice from a choice. */
    attributeTypeName?: string;
    displayName: string;
    description?: string;
    requiredLevel: string;
    maxLength?: number;
    /** StringAttributeMetadata.FormatName.Value (Text, Email, Url, Phone, ...). */
    formatName?: string;
    /** Memo, Integer, DateTime `Format` (TextArea; None, Duration, TimeZone, Language, Locale; DateOnly, DateAndTime). */
    format?: string;
    minValue?: number;
    maxValue?: number;
    precision?: number;
    /** Money: 0 the column's Precision, 1 the organization's pricing precision, 2 the currency's. */
    precisionSource?: number;
    /** DateTimeBehavior.Value: UserLocal, DateOnly, TimeZoneIndependent. */
    dateTimeBehavior?: string;
    /** Boolean labels. */
    trueLabel?: string;
    falseLabel?: string;
    /** Choices: the option set, local or global (by name). */
    optionSet?: { isGlobal: boolean; name?: string; displayName?: string; options: OptionDefinition[] };
}

export interface TableDefinition {
    logicalName: string;
    schemaName: string;
    entitySetName: string;
    displayName: string;
    displayCollectionName: string;
    description?: string;
    ownershipType: string;
    hasActivities: boolean;
    hasNotes: boolean;
    isCustomEntity: boolean;
    /** Custom and system columns, by logical name. */
    columns: Map<string, ColumnDefinition>;
}

interface RawLabel {
    UserLocalizedLabel?: { Label?: string } | null;
    LocalizedLabels?: Array<{ Label?: string }>;
}

export function labelText(label: RawLabel | null | undefined): string {
    return label?.UserLocalizedLabel?.Label ?? label?.LocalizedLabels?.[0]?.Label ?? '';
}

interface RawOptionSet {
    Name?: string | null;
    IsGlobal?: boolean | null;
    DisplayName?: RawLabel | null;
    Options?: Array<{ Value: number; Label?: RawLabel | null }> | null;
    TrueOption?: { Value: number; Label?: RawLabel | null } | null;
    FalseOption?: { Value: number; Label?: RawLabel | null } | null;
}

interface RawColumn {
    LogicalName: string;
    SchemaName: string;
    AttributeType: string;
    AttributeTypeName?: { Value?: string } | null;
    DisplayName?: RawLabel | null;
    Description?: RawLabel | null;
    RequiredLevel?: { Value?: string } | null;
    MaxLength?: number | null;
    FormatName?: { Value?: string } | null;
    Format?: string | null;
    MinValue?: number | null;
    MaxValue?: number | null;
    Precision?: number | null;
    PrecisionSource?: number | null;
    DateTimeBehavior?: { Value?: string } | null;
    OptionSet?: RawOptionSet | null;
    GlobalOptionSet?: RawOptionSet | null;
}

interface RawEntity {
    LogicalName: string;
    SchemaName: string;
    EntitySetName: string;
    DisplayName?: RawLabel | null;
    DisplayCollectionName?: RawLabel | null;
    Description?: RawLabel | null;
    OwnershipType: string;
    HasActivities?: boolean | null;
    HasNotes?: boolean | null;
    IsCustomEntity?: boolean | null;
    Attributes: RawColumn[];
}

const BASE = [
    'LogicalName',
    'SchemaName',
    'AttributeType',
    'AttributeTypeName',
    'DisplayName',
    'Description',
    'RequiredLevel',
];

/** The derived types whose own properties a created column carries, and what to read through each cast. */
const DETAIL_CASTS: Array<{ cast: string; query: string }> = [
    { cast: 'StringAttributeMetadata', query: '$select=LogicalName,MaxLength,FormatName' },
    { cast: 'MemoAttributeMetadata', query: '$select=LogicalName,MaxLength,Format' },
    { cast: 'IntegerAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue,Format' },
    { cast: 'BigIntAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue' },
    { cast: 'DecimalAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue,Precision' },
    { cast: 'DoubleAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue,Precision' },
    { cast: 'MoneyAttributeMetadata', query: '$select=LogicalName,MinValue,MaxValue,Precision,PrecisionSource' },
    { cast: 'DateTimeAttributeMetadata', query: '$select=LogicalName,Format,DateTimeBehavior' },
    { cast: 'BooleanAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet' },
    { cast: 'PicklistAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet,GlobalOptionSet' },
    { cast: 'MultiSelectPicklistAttributeMetadata', query: '$select=LogicalName&$expand=OptionSet,GlobalOptionSet' },
];

/** The cast each AttributeTypeName is read through. */
const CAST_OF: Record<string, string> = {
    StringType: 'StringAttributeMetadata',
    MemoType: 'MemoAttributeMetadata',
    IntegerType: 'IntegerAttributeMetadata',
    BigIntType: 'BigIntAttributeMetadata',
    DecimalType: 'DecimalAttributeMetadata',
    DoubleType: 'DoubleAttributeMetadata',
    MoneyType: 'MoneyAttributeMetadata',
    DateTimeType: 'DateTimeAttributeMetadata',
    BooleanType: 'BooleanAttributeMetadata',
    PicklistType: 'PicklistAttributeMetadata',
    MultiSelectPicklistType: 'MultiSelectPicklistAttributeMetadata',
};

function optionSetOf(raw: RawColumn): ColumnDefinition['optionSet'] {
    const set = raw.GlobalOptionSet ?? raw.OptionSet;
    if (!set?.Options) return undefined;
    const isGlobal = set.IsGlobal === true;
    return {
        isGlobal,
        ...(isGlobal && set.Name ? { name: set.Name } : {}),
        ...(isGlobal && labelText(set.DisplayName) ? { displayName: labelText(set.DisplayName) } : {}),
        options: set.Options.map((o) => ({ value: o.Value, label: labelText(o.Label) })),
    };
}

function toColumn(raw: RawColumn): ColumnDefinition {
    const column: ColumnDefinition = {
        logicalName: raw.LogicalName,
        schemaName: raw.SchemaName,
        attributeType: raw.AttributeType as AttributeType,
        ...(raw.AttributeTypeName?.Value ? { attributeTypeName: raw.AttributeTypeName.Value } : {}),
        displayName: labelText(raw.DisplayName) || raw.SchemaName,
        ...(labelText(raw.Description) ? { description: labelText(raw.Description) } : {}),
        requiredLevel: raw.RequiredLevel?.Value ?? 'None',
    };
    return column;
}

function addDetails(column: ColumnDefinition, raw: RawColumn): void {
    if (typeof raw.MaxLength === 'number') column.maxLength = raw.MaxLength;
    if (raw.FormatName?.Value) column.formatName = raw.FormatName.Value;
    if (typeof raw.Format === 'string') column.format = raw.Format;
    if (typeof raw.MinValue === 'number') column.minValue = raw.MinValue;
    if (typeof raw.MaxValue === 'number') column.maxValue = raw.MaxValue;
    if (typeof raw.Precision === 'number') column.precision = raw.Precision;
    if (typeof raw.PrecisionSource === 'number') column.precisionSource = raw.PrecisionSource;
    if (raw.DateTimeBehavior?.Value) column.dateTimeBehavior = raw.DateTimeBehavior.Value;
    if (raw.OptionSet?.TrueOption) column.trueLabel = labelText(raw.OptionSet.TrueOption.Label);
    if (raw.OptionSet?.FalseOption) column.falseLabel = labelText(raw.OptionSet.FalseOption.Label);
    const optionSet = optionSetOf(raw);
    if (optionSet) column.optionSet = optionSet;
}

/** One table's definition: one request for the table and its columns, one per derived type it has. */
export async function readTableDefinition(
    client: DataverseClient,
    logicalName: string,
    options: MetadataReadOptions = {},
): Promise<TableDefinition> {
    const { signal } = options;
    const base = `EntityDefinitions(LogicalName=${odataString(logicalName)})`;
    const entity = await client.get<RawEntity>(
        `${base}?$select=LogicalName,SchemaName,EntitySetName,DisplayName,DisplayCollectionName,Description,OwnershipType,HasActivities,HasNotes,IsCustomEntity&$expand=Attributes($select=${BASE.join(',')})`,
        { signal },
    );
    const columns = new Map(entity.Attributes.map((raw) => [raw.LogicalName, toColumn(raw)]));
    const casts = new Set([...columns.values()].map((c) => CAST_OF[c.attributeTypeName ?? '']).filter(Boolean));
    const details = await Promise.all(
        DETAIL_CASTS.filter((c) => casts.has(c.cast)).map((c) =>
            client.get<{ value: RawColumn[] }>(`${base}/Attributes/Microsoft.Dynamics.CRM.${c.cast}?${c.query}`, {
                signal,
            }),
        ),
    );
    for (const raw of details.flatMap((d) => d.value)) {
        const column = columns.get(raw.LogicalName);
        if (column) addDetails(column, raw);
    }
    return {
        logicalName: entity.LogicalName,
        schemaName: entity.SchemaName,
        entitySetName: entity.EntitySetName,
        displayName: labelText(entity.DisplayName) || entity.SchemaName,
        displayCollectionName:
            labelText(entity.DisplayCollectionName) || labelText(entity.DisplayName) || entity.SchemaName,
        ...(labelText(entity.Description) ? { description: labelText(entity.Description) } : {}),
        ownershipType: entity.OwnershipType,
        hasActivities: entity.HasActivities === true,
        hasNotes: entity.HasNotes === true,
        isCustomEntity: entity.IsCustomEntity === true,
        columns,
    };
}

export interface PublisherInfo {
    uniqueName: string;
    /** The prefix schema names of its components carry, without the `_`. */
    prefix: string;
}

/** The target's publishers (the `publisher` table), for the prefix check. */
export async function readPublishers(
    client: DataverseClient,
    options: MetadataReadOptions = {},
): Promise<PublisherInfo[]> {
    const response = await client.get<{ value: Array<{ uniquename: string; customizationprefix: string | null }> }>(
        'publishers?$select=uniquename,customizationprefix',
        { signal: options.signal },
    );
    return response.value
        .filter((p) => typeof p.customizationprefix === 'string' && p.customizationprefix !== '')
        .map((p) => ({ uniqueName: p.uniquename, prefix: p.customizationprefix! }));
}

export interface SolutionInfo {
    uniqueName: string;
    isManaged: boolean;
}

/** A solution by unique name (the `solution` table), or undefined. */
export async function readSolution(
    client: DataverseClient,
    uniqueName: string,
    options: MetadataReadOptions = {},
): Promise<SolutionInfo | undefined> {
    const response = await client.get<{ value: Array<{ uniquename: string; ismanaged: boolean }> }>(
        `solutions?$select=uniquename,ismanaged&$filter=uniquename eq ${odataString(uniqueName)}`,
        { signal: options.signal },
    );
    const found = response.value[0];
    return found ? { uniqueName: found.uniquename, isManaged: found.ismanaged === true } : undefined;
}

/** Names of the environment's global option sets (GlobalOptionSetDefinitions takes no `$filter`). */
export async function readGlobalOptionSetNames(
    client: DataverseClient,
    options: MetadataReadOptions = {},
): Promise<string[]> {
    const response = await client.get<{ value: Array<{ Name: string }> }>('GlobalOptionSetDefinitions?$select=Name', {
        signal: options.signal,
    });
    return response.value.map((o) => o.Name);
}
