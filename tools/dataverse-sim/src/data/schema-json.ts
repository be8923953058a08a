/**
 * Our JSON schema format (documented in SCHEMA.md): SimSchema with conveniences: entity set
 * names, primary id/name attributes and the standard columns are filled in when omitted,
 * intersect tables are created for many-to-many relationships, system tables are added.
 */
import { z } from 'zod';
import type { SimAttribute, SimManyToMany, SimSchema, SimTable } from '../model.js';
import { ACTIVE_INACTIVE, primaryIdColumn, standardColumns, str, type StateModel } from './columns.js';
import { deriveEntitySetName } from './entity-set-name.js';
import { addActivityParties, addIntersectTables, addSystemTables, checkSchema } from './schema-complete.js';

const attributeType = z.enum([
    'String',
    'Memo',
    'Integer',
    'BigInt',
    'Decimal',
    'Double',
    'Money',
    'Boolean',
    'DateTime',
    'Picklist',
    'MultiSelectPicklist',
    'State',
    'Status',
    'Lookup',
    'Customer',
    'Owner',
    'Uniqueidentifier',
    'EntityName',
    'Image',
    'File',
    'PartyList',
    'Virtual',
]);

const name = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase logical name (a-z, 0-9, _)');

const option = z.strictObject({
    value: z.number().int(),
    label: z.string(),
    state: z.number().int().optional(),
    defaultStatus: z.number().int().optional(),
});

const attribute = z
    .strictObject({
        logicalName: name,
        schemaName: z.string().min(1).optional(),
        type: attributeType,
        isPrimaryId: z.boolean().optional(),
        isPrimaryName: z.boolean().optional(),
        validForCreate: z.boolean().optional(),
        validForUpdate: z.boolean().optional(),
        validForRead: z.boolean().optional(),
        requiredLevel: z.enum(['None', 'SystemRequired', 'ApplicationRequired', 'Recommended']).optional(),
        maxLength: z.number().int().positive().optional(),
        options: z.array(option).optional(),
        targets: z.array(name).min(1).optional(),
        relationshipNames: z.record(z.string(), z.string().min(1)).optional(),
        attributeOf: name.optional(),
        isCustom: z.boolean().optional(),
        precision: z.number().int().min(0).max(10).optional(),
        globalOptionSet: name.optional(),
    })
    .superRefine((a, ctx) => {
        const needsTargets = a.type === 'Lookup' || a.type === 'Customer' || a.type === 'Owner';
        if (needsTargets && !a.targets)
            ctx.addIssue({ code: 'custom', path: ['targets'], message: `a ${a.type} needs targets` });
        if (!needsTargets && a.targets)
            ctx.addIssue({ code: 'custom', path: ['targets'], message: `only lookups have targets, not ${a.type}` });
        const choice = ['Picklist', 'MultiSelectPicklist', 'State', 'Status'].includes(a.type);
        if (choice && (!a.options || a.options.length === 0))
            ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${a.type} needs options` });
        if ((a.type === 'String' || a.type === 'Memo') && a.maxLength === undefined)
            ctx.addIssue({ code: 'custom', path: ['maxLength'], message: `a ${a.type} needs maxLength` });
    });

const stateModel = z.strictObject({
    states: z
        .array(z.strictObject({ value: z.number().int(), label: z.string(), defaultStatus: z.number().int() }))
        .min(1),
    statuses: z.array(z.strictObject({ value: z.number().int(), label: z.string(), state: z.number().int() })).min(1),
});

const table = z.strictObject({
    logicalName: name,
    schemaName: z.string().min(1).optional(),
    entitySetName: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .optional(),
    primaryIdAttribute: name.optional(),
    primaryNameAttribute: name,
    ownershipType: z.enum(['UserOwned', 'OrganizationOwned', 'BusinessOwned', 'None']).default('UserOwned'),
    changeTracking: z.boolean().default(false),
    isCustom: z.boolean().optional(),
    objectTypeCode: z.number().int().optional(),
    bulkOperations: z.boolean().optional(),
    isActivity: z.boolean().optional(),
    /** EntityMetadata.TableType of a non-standard table: its metadata only (the simulator stores it as a standard one). */
    tableType: z.enum(['Elastic', 'Virtual']).optional(),
    /** Add createdon, modifiedon, createdby, ..., statecode/statuscode and the ownership columns. Default true. */
    standardColumns: z.boolean().default(true),
    /** statecode/statuscode values; default Active(0)/Inactive(1) with status 1/2. */
    stateModel: stateModel.optional(),
    attributes: z.array(attribute),
    keys: z
        .array(
            z.strictObject({
                logicalName: name,
                schemaName: z.string().min(1).optional(),
                keyAttributes: z.array(name).min(1),
                status: z.enum(['Pending', 'InProgress', 'Active', 'Failed']).optional(),
            }),
        )
        .optional(),
});

const manyToMany = z.strictObject({
    schemaName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    entity1LogicalName: name,
    entity2LogicalName: name,
    intersectEntityName: name.optional(),
    entity1IntersectAttribute: name.optional(),
    entity2IntersectAttribute: name.optional(),
    entity1NavigationPropertyName: z.string().min(1).optional(),
    entity2NavigationPropertyName: z.string().min(1).optional(),
});

export const jsonSchemaFile = z.strictObject({
    $schema: z.string().optional(),
    tables: z.array(table).min(1),
    manyToMany: z.array(manyToMany).default([]),
});

export type JsonSchemaFile = z.input<typeof jsonSchemaFile>;

function formatPath(path: readonly PropertyKey[]): string {
    let out = '';
    for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
    return out === '' ? '(root)' : out;
}

function buildTable(t: z.output<typeof table>): SimTable {
    const primaryId = t.primaryIdAttribute ?? `${t.logicalName}id`;
    const attributes: SimAttribute[] = t.attributes.map((a) => ({ ...a }));
    const has = (n: string): boolean => attributes.some((a) => a.logicalName === n);
    // Appended, not prepended, so that attribute indexes in problem paths match the file.
    if (!has(primaryId)) attributes.push(primaryIdColumn(primaryId));
    if (!has(t.primaryNameAttribute))
        attributes.push(
            str(t.primaryNameAttribute, 100, { isPrimaryName: true, requiredLevel: 'ApplicationRequired' }),
        );
    for (const a of attributes) {
        if (a.logicalName === primaryId) a.isPrimaryId = true;
        if (a.logicalName === t.primaryNameAttribute) a.isPrimaryName = true;
    }
    if (t.standardColumns) {
        const state: StateModel | undefined =
            t.ownershipType === 'None' ? undefined : (t.stateModel ?? ACTIVE_INACTIVE);
        for (const c of standardColumns({ table: t.logicalName, ownershipType: t.ownershipType, state }))
            if (!has(c.logicalName)) attributes.push(c);
    }
    const out: SimTable = {
        logicalName: t.logicalName,
        entitySetName: t.entitySetName ?? deriveEntitySetName(t.logicalName),
        primaryIdAttribute: primaryId,
        primaryNameAttribute: t.primaryNameAttribute,
        ownershipType: t.ownershipType,
        changeTracking: t.changeTracking,
        attributes,
    };
    if (t.schemaName !== undefined) out.schemaName = t.schemaName;
    if (t.isCustom !== undefined) out.isCustom = t.isCustom;
    if (t.objectTypeCode !== undefined) out.objectTypeCode = t.objectTypeCode;
    if (t.bulkOperations !== undefined) out.bulkOperations = t.bulkOperations;
    if (t.isActivity !== undefined) out.isActivity = t.isActivity;
    if (t.tableType !== undefined) out.tableType = t.tableType;
    if (t.keys) out.keys = t.keys.map((k) => ({ ...k }));
    return out;
}

function buildManyToMany(m: z.output<typeof manyToMany>, tables: Map<string, SimTable>): SimManyToMany {
    const id = (n: string): string => tables.get(n)?.primaryIdAttribute ?? `${n}id`;
    const reflexive = m.entity1LogicalName === m.entity2LogicalName;
    return {
        schemaName: m.schemaName,
        entity1LogicalName: m.entity1LogicalName,
        entity2LogicalName: m.entity2LogicalName,
        intersectEntityName: m.intersectEntityName ?? m.schemaName.toLowerCase(),
        // Reflexive relationships need two distinct intersect columns; Dataverse names them <id>one / <id>two.
        entity1IntersectAttribute:
            m.entity1IntersectAttribute ?? (reflexive ? `${id(m.entity1LogicalName)}one` : id(m.entity1LogicalName)),
        entity2IntersectAttribute:
            m.entity2IntersectAttribute ?? (reflexive ? `${id(m.entity2LogicalName)}two` : id(m.entity2LogicalName)),
        entity1NavigationPropertyName:
            m.entity1NavigationPropertyName ?? (reflexive ? `${m.schemaName}_1` : m.schemaName),
        entity2NavigationPropertyName:
            m.entity2NavigationPropertyName ?? (reflexive ? `${m.schemaName}_2` : m.schemaName),
    };
}

/** Parses our JSON schema format; returns the schema or every problem found, each with its path. */
export function parseJsonSchema(data: unknown): { schema: SimSchema; problems: [] } | { problems: string[] } {
    const parsed = jsonSchemaFile.safeParse(data);
    if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
    const tables = parsed.data.tables.map(buildTable);
    const byName = new Map(tables.map((t) => [t.logicalName, t]));
    const schema: SimSchema = { tables, manyToMany: parsed.data.manyToMany.map((m) => buildManyToMany(m, byName)) };
    addSystemTables(schema);
    addActivityParties(schema);
    addIntersectTables(schema);
    const problems = checkSchema(schema);
    return problems.length > 0 ? { problems } : { schema, problems: [] };
}
