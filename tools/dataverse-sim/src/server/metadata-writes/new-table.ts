/**
 * An EntityMetadata body (POST EntityDefinitions) as a new custom table: "The entity must include the definition for
 * the primary name attribute" (one StringAttributeMetadata with `IsPrimaryName` true, Text format); SchemaName,
 * DisplayName, DisplayCollectionName, OwnershipType, HasActivities and HasNotes are required, Description optional
 * (create-update-entity-definitions-using-web-api.md, "Create table definitions"). What the platform adds, as that
 * page's retrieved definition of the created table shows: LogicalName the schema name in lower case
 * (`new_bankaccount`), PrimaryIdAttribute `<logical name>id`, EntitySetName and LogicalCollectionName the plural of the
 * logical name (`new_bankaccounts`: data/entity-set-name.ts), IsCustomEntity true, and the columns every table of its
 * ownership has (audit columns, version number, Active/Inactive state and status, owner columns for a user-owned
 * table, the organization for an organization-owned one: data/columns.ts standardColumns).
 */
import { z } from 'zod';
import { ACTIVE_INACTIVE, primaryIdColumn, standardColumns } from '../../data/columns.js';
import { deriveEntitySetName } from '../../data/entity-set-name.js';
import type { SimAttribute, SimTable } from '../../model.js';
import type { SchemaIndex } from '../schema-index.js';
import { labelSchema, labelText } from './labels.js';
import { checkedLogicalName, odataTypeOf } from './names.js';
import { buildColumns } from './new-column.js';
import { parsed } from './parsed.js';
import { invalidDefinition, nameInUse } from './refusals.js';

const entitySchema = z
    .object({
        SchemaName: z.string().min(1),
        DisplayName: labelSchema,
        DisplayCollectionName: labelSchema,
        Description: labelSchema.optional(),
        OwnershipType: z.enum(['UserOwned', 'OrganizationOwned']),
        HasActivities: z.boolean(),
        HasNotes: z.boolean(),
        IsActivity: z.literal(false, { message: 'custom activity tables are not modeled' }).optional(),
        ChangeTrackingEnabled: z.boolean().optional(),
        Attributes: z.array(z.record(z.string(), z.unknown())).min(1, 'needs the primary name attribute'),
    })
    .passthrough();

export function buildTable(body: unknown, schema: SchemaIndex, prefixes: string[]): SimTable {
    const input = parsed('EntityMetadata', entitySchema, body);
    const logicalName = checkedLogicalName(input.SchemaName, prefixes);
    if (schema.tables.has(logicalName)) throw nameInUse('table', logicalName);
    const entitySetName = deriveEntitySetName(logicalName);
    if (schema.byEntitySet.has(entitySetName)) throw nameInUse('table collection', entitySetName);
    const primaries = input.Attributes.filter((a) => a.IsPrimaryName === true);
    const primary = primaries[0];
    if (primaries.length !== 1 || !primary || odataTypeOf(primary) !== 'StringAttributeMetadata')
        throw invalidDefinition(
            'EntityMetadata',
            'Attributes must hold exactly one StringAttributeMetadata with IsPrimaryName true (the primary name column)',
        );
    const table: SimTable = {
        logicalName,
        schemaName: input.SchemaName,
        entitySetName,
        primaryIdAttribute: `${logicalName}id`,
        primaryNameAttribute: '',
        ownershipType: input.OwnershipType,
        changeTracking: input.ChangeTrackingEnabled ?? false,
        isCustom: true,
        hasActivities: input.HasActivities,
        hasNotes: input.HasNotes,
        attributes: [
            { ...primaryIdColumn(`${logicalName}id`), schemaName: `${input.SchemaName}Id` },
            ...standardColumns({ table: logicalName, ownershipType: input.OwnershipType, state: ACTIVE_INACTIVE }),
        ],
    };
    const display = labelText(input.DisplayName);
    const collection = labelText(input.DisplayCollectionName);
    const description = labelText(input.Description);
    if (display !== undefined) table.displayName = display;
    if (collection !== undefined) table.displayCollectionName = collection;
    if (description !== undefined) table.description = description;
    // Columns are checked against the table as it grows, so two columns of one name are refused like a second POST.
    const info = { table, attributes: new Map(table.attributes.map((a) => [a.logicalName, a])) };
    for (const body of [primary, ...input.Attributes.filter((a) => a !== primary)]) {
        const columns: SimAttribute[] = buildColumns(body, { schema, info, prefixes });
        for (const c of columns) {
            table.attributes.push(c);
            info.attributes.set(c.logicalName, c);
        }
    }
    table.primaryNameAttribute = String(primary.SchemaName).toLowerCase();
    return table;
}
