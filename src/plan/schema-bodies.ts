/**
 * Request bodies that create a table, column, global choice, relationship or key like the source's, in the shapes
 * of create-update-entity-definitions-using-web-api.md, create-update-column-definitions-using-web-api.md,
 * create-update-optionsets.md, create-update-entity-relationships-using-web-api.md and define-alternate-keys-entity.md.
 * Pure.
 */
import type { ColumnDefinition, OptionDefinition, TableDefinition } from '../dataverse/metadata-definitions.js';
import type { KeyMetadata, OneToManyRelationshipMetadata } from '../dataverse/metadata-types.js';

/** Labels are written in the target's base language; 1033 (English) unless told. */
export function label(text: string, languageCode = 1033): Record<string, unknown> {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.Label',
        LocalizedLabels: [
            { '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: languageCode },
        ],
    };
}

/** SystemRequired is the platform's own level: a created column takes ApplicationRequired instead. */
function requiredLevel(level: string): Record<string, unknown> {
    return { Value: level === 'SystemRequired' ? 'ApplicationRequired' : level };
}

function common(column: ColumnDefinition, cast: string): Record<string, unknown> {
    return {
        '@odata.type': `Microsoft.Dynamics.CRM.${cast}`,
        SchemaName: column.schemaName,
        DisplayName: label(column.displayName),
        ...(column.description !== undefined ? { Description: label(column.description) } : {}),
        RequiredLevel: requiredLevel(column.requiredLevel),
    };
}

function range(column: ColumnDefinition): Record<string, unknown> {
    return {
        ...(column.minValue !== undefined ? { MinValue: column.minValue } : {}),
        ...(column.maxValue !== undefined ? { MaxValue: column.maxValue } : {}),
    };
}

function options(list: readonly OptionDefinition[]): Array<Record<string, unknown>> {
    return list.map((o) => ({ Value: o.value, Label: label(o.label) }));
}

/** A local option set as a choice column carries it. */
function localOptionSet(column: ColumnDefinition): Record<string, unknown> {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
        IsGlobal: false,
        OptionSetType: 'Picklist',
        Options: options(column.optionSet?.options ?? []),
    };
}

/** Column types this product creates, by AttributeTypeName. */
export const CREATABLE_TYPES = [
    'StringType',
    'MemoType',
    'IntegerType',
    'BigIntType',
    'DecimalType',
    'DoubleType',
    'MoneyType',
    'BooleanType',
    'DateTimeType',
    'PicklistType',
    'MultiSelectPicklistType',
] as const;

/** A short type description for `plan`: `String(100, Email)`, `Picklist(3 options, global x)`. */
export function describeColumnType(column: ColumnDefinition): string {
    const type = (column.attributeTypeName ?? column.attributeType).replace(/Type$/, '');
    const parts: string[] = [];
    if (column.maxLength !== undefined) parts.push(`max ${column.maxLength}`);
    if (column.formatName !== undefined && column.formatName !== 'Text') parts.push(column.formatName);
    if (column.format !== undefined && !['None', 'TextArea'].includes(column.format)) parts.push(column.format);
    if (column.precision !== undefined) parts.push(`precision ${column.precision}`);
    if (column.minValue !== undefined || column.maxValue !== undefined)
        parts.push(`${column.minValue ?? ''}..${column.maxValue ?? ''}`);
    if (column.dateTimeBehavior !== undefined) parts.push(column.dateTimeBehavior);
    if (column.trueLabel !== undefined) parts.push(`${column.trueLabel}/${column.falseLabel ?? ''}`);
    if (column.optionSet)
        parts.push(
            `${column.optionSet.options.length} options${column.optionSet.isGlobal ? `, global ${column.optionSet.name}` : ''}`,
        );
    return parts.length > 0 ? `${type}(${parts.join(', ')})` : type;
}

/**
 * The body of a column create. A choice on a global option set leaves the set out: the schema phase binds it by the
 * target's MetadataId (`GlobalOptionSet@odata.bind`).
 */
export function columnBody(column: ColumnDefinition): Record<string, unknown> {
    switch (column.attributeTypeName) {
        case 'StringType':
            return {
                ...common(column, 'StringAttributeMetadata'),
                AttributeType: 'String',
                AttributeTypeName: { Value: 'StringType' },
                MaxLength: column.maxLength ?? 100,
                FormatName: { Value: column.formatName ?? 'Text' },
            };
        case 'MemoType':
            return {
                ...common(column, 'MemoAttributeMetadata'),
                AttributeType: 'Memo',
                AttributeTypeName: { Value: 'MemoType' },
                Format: column.format ?? 'TextArea',
                MaxLength: column.maxLength ?? 2000,
            };
        case 'IntegerType':
            return {
                ...common(column, 'IntegerAttributeMetadata'),
                AttributeType: 'Integer',
                AttributeTypeName: { Value: 'IntegerType' },
                Format: column.format ?? 'None',
                ...range(column),
            };
        case 'BigIntType':
            return {
                ...common(column, 'BigIntAttributeMetadata'),
                AttributeType: 'BigInt',
                AttributeTypeName: { Value: 'BigIntType' },
            };
        case 'DecimalType':
        case 'DoubleType': {
            const kind = column.attributeTypeName === 'DecimalType' ? 'Decimal' : 'Double';
            return {
                ...common(column, `${kind}AttributeMetadata`),
                AttributeType: kind,
                AttributeTypeName: { Value: `${kind}Type` },
                ...range(column),
                ...(column.precision !== undefined ? { Precision: column.precision } : {}),
            };
        }
        case 'MoneyType':
            return {
                ...common(column, 'MoneyAttributeMetadata'),
                AttributeType: 'Money',
                AttributeTypeName: { Value: 'MoneyType' },
                ...range(column),
                ...(column.precision !== undefined ? { Precision: column.precision } : {}),
                PrecisionSource: column.precisionSource ?? 2,
            };
        case 'BooleanType':
            return {
                ...common(column, 'BooleanAttributeMetadata'),
                AttributeType: 'Boolean',
                AttributeTypeName: { Value: 'BooleanType' },
                OptionSet: {
                    '@odata.type': 'Microsoft.Dynamics.CRM.BooleanOptionSetMetadata',
                    TrueOption: { Value: 1, Label: label(column.trueLabel ?? 'Yes') },
                    FalseOption: { Value: 0, Label: label(column.falseLabel ?? 'No') },
                    OptionSetType: 'Boolean',
                },
            };
        case 'DateTimeType':
            return {
                ...common(column, 'DateTimeAttributeMetadata'),
                AttributeType: 'DateTime',
                AttributeTypeName: { Value: 'DateTimeType' },
                Format: column.format ?? 'DateAndTime',
                DateTimeBehavior: { Value: column.dateTimeBehavior ?? 'UserLocal' },
            };
        case 'PicklistType':
        case 'MultiSelectPicklistType': {
            const multi = column.attributeTypeName === 'MultiSelectPicklistType';
            return {
                ...common(column, multi ? 'MultiSelectPicklistAttributeMetadata' : 'PicklistAttributeMetadata'),
                AttributeType: multi ? 'Virtual' : 'Picklist',
                AttributeTypeName: { Value: column.attributeTypeName },
                ...(column.optionSet?.isGlobal ? {} : { OptionSet: localOptionSet(column) }),
            };
        }
        default:
            throw new Error(`no create body for a ${column.attributeTypeName ?? column.attributeType} column`);
    }
}

/** A global choice the target lacks. */
export function optionSetBody(column: ColumnDefinition): Record<string, unknown> {
    const set = column.optionSet!;
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
        Name: set.name,
        DisplayName: label(set.displayName ?? set.name ?? column.displayName),
        IsGlobal: true,
        OptionSetType: 'Picklist',
        Options: options(set.options),
    };
}

/** The table, with its primary name column (the service requires it in the same request). */
export function tableBody(table: TableDefinition, primaryName: ColumnDefinition): Record<string, unknown> {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
        SchemaName: table.schemaName,
        // Custom tables may name their entity set (EntityMetadata.EntitySetName): the source's keeps the plan's paths.
        EntitySetName: table.entitySetName,
        DisplayName: label(table.displayName),
        DisplayCollectionName: label(table.displayCollectionName),
        ...(table.description !== undefined ? { Description: label(table.description) } : {}),
        OwnershipType: table.ownershipType,
        IsActivity: false,
        HasActivities: table.hasActivities,
        HasNotes: table.hasNotes,
        Attributes: [
            {
                ...common(primaryName, 'StringAttributeMetadata'),
                AttributeType: 'String',
                AttributeTypeName: { Value: 'StringType' },
                IsPrimaryName: true,
                MaxLength: primaryName.maxLength ?? 100,
                // The primary name column must use the Text format.
                FormatName: { Value: 'Text' },
            },
        ],
    };
}

/** A one-to-many relationship and its lookup column, named and navigated as in the source. */
export function relationshipBody(
    relationship: OneToManyRelationshipMetadata,
    lookup: ColumnDefinition,
): Record<string, unknown> {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
        SchemaName: relationship.schemaName,
        ReferencedEntity: relationship.referencedEntity,
        ReferencedAttribute: relationship.referencedAttribute,
        ReferencingEntity: relationship.referencingEntity,
        ReferencedEntityNavigationPropertyName: relationship.referencedEntityNavigationPropertyName,
        ReferencingEntityNavigationPropertyName: relationship.referencingEntityNavigationPropertyName,
        CascadeConfiguration: {
            Assign: 'NoCascade',
            Delete: 'RemoveLink',
            Merge: 'NoCascade',
            Reparent: 'NoCascade',
            Share: 'NoCascade',
            Unshare: 'NoCascade',
        },
        Lookup: {
            ...common(lookup, 'LookupAttributeMetadata'),
            AttributeType: 'Lookup',
            AttributeTypeName: { Value: 'LookupType' },
        },
    };
}

export function keyBody(key: KeyMetadata): Record<string, unknown> {
    return { SchemaName: key.schemaName, DisplayName: label(key.schemaName), KeyAttributes: [...key.keyAttributes] };
}
