/**
 * An AttributeMetadata body (POST EntityDefinitions(LogicalName='x')/Attributes, or an item of a new table's
 * `Attributes`) as the simulator's column: the derived type from `@odata.type`, its properties as
 * create-update-column-definitions-using-web-api.md and create-update-entity-definitions-using-web-api.md send them
 * (String MaxLength/FormatName, Memo MaxLength/Format, Integer/Decimal/Double/Money MinValue/MaxValue/Precision,
 * Boolean OptionSet TrueOption/FalseOption, DateTime Format/DateTimeBehavior, Picklist and MultiSelectPicklist
 * OptionSet.Options or `GlobalOptionSet@odata.bind`, BigInt). Type limits: Column (attribute) definitions
 * (entity-attribute-metadata.md) and the AttributeMetadata type references. Lookups are created by relationships.
 */
import { z } from 'zod';
import type { SimAttribute, SimOption } from '../../model.js';
import { metadataId } from '../metadata.js';
import type { SchemaIndex, TableInfo } from '../schema-index.js';
import { labelSchema, labelText } from './labels.js';
import { checkedLogicalName, odataTypeOf } from './names.js';
import { parsed } from './parsed.js';
import { componentNotFound, invalidDefinition, minMaxOutOfRange, nameInUse } from './refusals.js';

const requiredLevel = z
    .object({ Value: z.enum(['None', 'SystemRequired', 'ApplicationRequired', 'Recommended']) })
    .passthrough();

const common = z
    .object({
        SchemaName: z.string().min(1),
        DisplayName: labelSchema.optional(),
        Description: labelSchema.optional(),
        RequiredLevel: requiredLevel.optional(),
        IsPrimaryName: z.boolean().optional(),
    })
    .passthrough();

const range = { MinValue: z.number().optional(), MaxValue: z.number().optional() };
const option = z.object({ Value: z.number().int(), Label: labelSchema }).passthrough();

const TYPE_SCHEMAS = {
    StringAttributeMetadata: common.extend({
        MaxLength: z.number().int().min(1).max(4000).optional(),
        FormatName: z.object({ Value: z.string() }).passthrough().optional(),
    }),
    MemoAttributeMetadata: common.extend({
        MaxLength: z.number().int().min(1).max(1048576).optional(),
        Format: z.string().optional(),
    }),
    IntegerAttributeMetadata: common.extend(range),
    BigIntAttributeMetadata: common,
    DecimalAttributeMetadata: common.extend({ ...range, Precision: z.number().int().min(0).max(10).optional() }),
    DoubleAttributeMetadata: common.extend({ ...range, Precision: z.number().int().min(0).max(5).optional() }),
    MoneyAttributeMetadata: common.extend({
        ...range,
        Precision: z.number().int().min(0).max(4).optional(),
        PrecisionSource: z.number().int().min(0).max(2).optional(),
    }),
    BooleanAttributeMetadata: common.extend({
        OptionSet: z.object({ TrueOption: option.optional(), FalseOption: option.optional() }).passthrough().optional(),
    }),
    DateTimeAttributeMetadata: common.extend({
        Format: z.enum(['DateOnly', 'DateAndTime']).optional(),
        DateTimeBehavior: z
            .object({ Value: z.enum(['UserLocal', 'DateOnly', 'TimeZoneIndependent']) })
            .passthrough()
            .optional(),
    }),
    PicklistAttributeMetadata: common.extend({
        OptionSet: z
            .object({ Options: z.array(option), IsGlobal: z.boolean().optional() })
            .passthrough()
            .optional(),
        'GlobalOptionSet@odata.bind': z.string().optional(),
    }),
    MultiSelectPicklistAttributeMetadata: common.extend({
        OptionSet: z
            .object({ Options: z.array(option), IsGlobal: z.boolean().optional() })
            .passthrough()
            .optional(),
        'GlobalOptionSet@odata.bind': z.string().optional(),
    }),
} as const;

type TypeName = keyof typeof TYPE_SCHEMAS;

/** What each numeric type holds (AttributeMetadata type references: MinValue / MaxValue limits). */
const LIMITS: Partial<Record<TypeName, [number, number]>> = {
    IntegerAttributeMetadata: [-2147483648, 2147483647],
    DecimalAttributeMetadata: [-100_000_000_000, 100_000_000_000],
    DoubleAttributeMetadata: [-100_000_000_000, 100_000_000_000],
    MoneyAttributeMetadata: [-922_337_203_685_477, 922_337_203_685_477],
};

export interface ColumnContext {
    schema: SchemaIndex;
    info: Pick<TableInfo, 'table' | 'attributes'>;
    prefixes: string[];
}

/**
 * The columns one body creates: the column, and for Money its read-only `_base` twin (plus the table's currency
 * lookup and exchange rate when it has none yet, as the platform adds them with the first money column).
 */
export function buildColumns(body: Record<string, unknown>, ctx: ColumnContext): SimAttribute[] {
    const typeName = odataTypeOf(body);
    if (typeName === undefined || !(typeName in TYPE_SCHEMAS))
        throw invalidDefinition(
            'AttributeMetadata',
            `@odata.type '${String(body['@odata.type'])}' is not a type a column can be created with here (${Object.keys(TYPE_SCHEMAS).join(', ')}; lookups are created with their relationship)`,
        );
    const type = typeName as TypeName;
    const input = parsed(type, TYPE_SCHEMAS[type] as z.ZodType<z.infer<typeof common> & Record<string, unknown>>, body);
    const table = ctx.info.table.logicalName;
    const logicalName = checkedLogicalName(input.SchemaName, ctx.prefixes);
    if (ctx.info.attributes.has(logicalName)) throw nameInUse('column', logicalName);
    const attr: SimAttribute = {
        logicalName,
        schemaName: input.SchemaName,
        type: 'String',
        isCustom: true,
        requiredLevel: input.RequiredLevel?.Value ?? 'None',
    };
    const display = labelText(input.DisplayName);
    const description = labelText(input.Description);
    if (display !== undefined) attr.displayName = display;
    if (description !== undefined) attr.description = description;
    const limits = LIMITS[type];
    if (limits) checkRange(input, limits, attr, table);
    const get = <T>(name: string): T | undefined => input[name] as T | undefined;
    switch (type) {
        case 'StringAttributeMetadata':
            attr.maxLength = get<number>('MaxLength') ?? 100;
            attr.formatName = get<{ Value: string }>('FormatName')?.Value ?? 'Text';
            if (input.IsPrimaryName) attr.isPrimaryName = true;
            return [attr];
        case 'MemoAttributeMetadata':
            return [{ ...attr, type: 'Memo', maxLength: get<number>('MaxLength') ?? 2000, formatName: 'TextArea' }];
        case 'IntegerAttributeMetadata':
            return [{ ...attr, type: 'Integer' }];
        case 'BigIntAttributeMetadata':
            return [{ ...attr, type: 'BigInt' }];
        case 'DecimalAttributeMetadata':
            return [{ ...attr, type: 'Decimal', precision: get<number>('Precision') ?? 2 }];
        case 'DoubleAttributeMetadata':
            return [{ ...attr, type: 'Double', precision: get<number>('Precision') ?? 2 }];
        case 'MoneyAttributeMetadata':
            return moneyColumns({ ...attr, type: 'Money', precision: get<number>('Precision') ?? 2 }, ctx);
        case 'BooleanAttributeMetadata': {
            const set = get<{ TrueOption?: z.infer<typeof option>; FalseOption?: z.infer<typeof option> }>('OptionSet');
            return [
                {
                    ...attr,
                    type: 'Boolean',
                    options: [
                        { value: 0, label: labelText(set?.FalseOption?.Label) ?? 'No' },
                        { value: 1, label: labelText(set?.TrueOption?.Label) ?? 'Yes' },
                    ],
                },
            ];
        }
        case 'DateTimeAttributeMetadata': {
            const behavior = get<{ Value: 'UserLocal' | 'DateOnly' | 'TimeZoneIndependent' }>('DateTimeBehavior');
            return [
                {
                    ...attr,
                    type: 'DateTime',
                    dateTimeFormat: get<'DateOnly' | 'DateAndTime'>('Format') ?? 'DateAndTime',
                    dateTimeBehavior: behavior?.Value ?? 'UserLocal',
                },
            ];
        }
        case 'PicklistAttributeMetadata':
        case 'MultiSelectPicklistAttributeMetadata':
            return [choiceColumn(attr, type, input, ctx)];
    }
}

function checkRange(
    input: Record<string, unknown>,
    [lower, upper]: [number, number],
    attr: SimAttribute,
    table: string,
): void {
    const min = (input.MinValue as number | undefined) ?? lower;
    const max = (input.MaxValue as number | undefined) ?? upper;
    if (min < lower || max > upper || min > max)
        throw minMaxOutOfRange(attr.schemaName!, metadataId('attribute', table, attr.logicalName), {
            min,
            max,
            lower,
            upper,
        });
    if (input.MinValue !== undefined) attr.minValue = min;
    if (input.MaxValue !== undefined) attr.maxValue = max;
}

function moneyColumns(money: SimAttribute, ctx: ColumnContext): SimAttribute[] {
    const table = ctx.info.table.logicalName;
    const base: SimAttribute = {
        logicalName: `${money.logicalName}_base`,
        schemaName: `${money.schemaName!}_Base`,
        type: 'Money',
        precision: 4,
        isCustom: true,
        validForCreate: false,
        validForUpdate: false,
    };
    const out = [money, base];
    if (!ctx.info.attributes.has('transactioncurrencyid'))
        out.push(
            {
                logicalName: 'transactioncurrencyid',
                schemaName: 'TransactionCurrencyId',
                type: 'Lookup',
                targets: ['transactioncurrency'],
                relationshipNames: { transactioncurrency: `TransactionCurrency_${table}` },
            },
            {
                logicalName: 'exchangerate',
                schemaName: 'ExchangeRate',
                type: 'Decimal',
                precision: 10,
                validForCreate: false,
                validForUpdate: false,
            },
        );
    return out;
}

/** A choice column: its own options, or those of the global option set it binds (by MetadataId or Name). */
function choiceColumn(
    attr: SimAttribute,
    type: 'PicklistAttributeMetadata' | 'MultiSelectPicklistAttributeMetadata',
    input: Record<string, unknown>,
    ctx: ColumnContext,
): SimAttribute {
    const kind = type === 'PicklistAttributeMetadata' ? 'Picklist' : 'MultiSelectPicklist';
    const bind = input['GlobalOptionSet@odata.bind'] as string | undefined;
    if (bind !== undefined) {
        const global = findGlobalOptionSet(ctx.schema, bind);
        return { ...attr, type: kind, globalOptionSet: global.name, options: global.options.map((o) => ({ ...o })) };
    }
    const set = input.OptionSet as { Options: Array<z.infer<typeof option>> } | undefined;
    if (!set) throw invalidDefinition(type, 'a choice column needs OptionSet.Options or GlobalOptionSet@odata.bind');
    return { ...attr, type: kind, options: optionsOf(set.Options, type) };
}

export function optionsOf(options: Array<z.infer<typeof option>>, what: string): SimOption[] {
    const seen = new Set<number>();
    return options.map((o) => {
        if (seen.has(o.Value)) throw invalidDefinition(what, `option value ${o.Value} appears twice`);
        seen.add(o.Value);
        return { value: o.Value, label: labelText(o.Label) ?? String(o.Value) };
    });
}

export const optionSchema = option;

/**
 * The global option set `GlobalOptionSet@odata.bind` names: `/GlobalOptionSetDefinitions(<MetadataId>)` or
 * `GlobalOptionSetDefinitions(Name='x')`, one created here or one a schema column uses.
 */
function findGlobalOptionSet(schema: SchemaIndex, bind: string): { name: string; options: SimOption[] } {
    const m = /GlobalOptionSetDefinitions\((?:Name='([^']+)'|([0-9a-fA-F-]{36}))\)$/.exec(bind);
    if (!m) throw invalidDefinition('GlobalOptionSet@odata.bind', `'${bind}' names no global option set`);
    const byName = m[1];
    const byId = m[2]?.toLowerCase();
    const matches = (name: string) => name === byName || metadataId('globaloptionset', name) === byId;
    for (const [name, set] of schema.globalOptionSets) if (matches(name)) return { name, options: set.options };
    for (const info of schema.tables.values())
        for (const a of info.table.attributes)
            if (a.globalOptionSet !== undefined && matches(a.globalOptionSet))
                return { name: a.globalOptionSet, options: a.options ?? [] };
    throw componentNotFound(`GlobalOptionSetDefinitions(${byName !== undefined ? `Name='${byName}'` : byId!})`);
}
