/**
 * A OneToManyRelationshipMetadata body (POST RelationshipDefinitions) as the lookup column it creates on the
 * referencing table: "The lookup attribute is set to the Lookup single-valued navigation property of the
 * OneToManyRelationshipMetadata object and gets created at the same time using deep insert"; the `@odata.type` says
 * which kind of relationship is created (create-update-entity-relationships-using-web-api.md). ReferencedAttribute
 * defaults to the referenced table's primary id. A self-reference (ReferencedEntity = ReferencingEntity) is allowed.
 * The navigation property of a custom lookup is its schema name (schema-index.ts navigationName); custom navigation
 * names (ReferencingEntityNavigationPropertyName) are not modeled: the metadata serves the derived ones.
 */
import { z } from 'zod';
import type { SimAttribute } from '../../model.js';
import type { SchemaIndex, TableInfo } from '../schema-index.js';
import { labelSchema, labelText } from './labels.js';
import { checkedLogicalName } from './names.js';
import { parsed } from './parsed.js';
import { componentNotFound, invalidDefinition, nameInUse } from './refusals.js';

const lookupSchema = z
    .object({
        SchemaName: z.string().min(1),
        DisplayName: labelSchema.optional(),
        Description: labelSchema.optional(),
        RequiredLevel: z
            .object({ Value: z.enum(['None', 'SystemRequired', 'ApplicationRequired', 'Recommended']) })
            .passthrough()
            .optional(),
    })
    .passthrough();

const oneToManySchema = z
    .object({
        SchemaName: z.string().min(1),
        ReferencedEntity: z.string().min(1),
        ReferencedAttribute: z.string().optional(),
        ReferencingEntity: z.string().min(1),
        Lookup: lookupSchema,
    })
    .passthrough();

export interface NewLookup {
    info: TableInfo;
    attr: SimAttribute;
}

export function buildOneToMany(body: unknown, schema: SchemaIndex, prefixes: string[]): NewLookup {
    const input = parsed('OneToManyRelationshipMetadata', oneToManySchema, body);
    checkedLogicalName(input.SchemaName, prefixes);
    if (
        schema.relationships.some((r) => r.schemaName === input.SchemaName) ||
        schema.manyToMany.some((r) => r.schemaName === input.SchemaName)
    )
        throw nameInUse('relationship', input.SchemaName);
    const referenced = schema.table(input.ReferencedEntity);
    if (!referenced) throw componentNotFound(`entity with name '${input.ReferencedEntity}'`);
    const info = schema.table(input.ReferencingEntity);
    if (!info) throw componentNotFound(`entity with name '${input.ReferencingEntity}'`);
    if (input.ReferencedAttribute !== undefined && input.ReferencedAttribute !== referenced.table.primaryIdAttribute)
        throw invalidDefinition(
            'OneToManyRelationshipMetadata',
            `ReferencedAttribute must be the primary id of ${referenced.table.logicalName} (${referenced.table.primaryIdAttribute})`,
        );
    const logicalName = checkedLogicalName(input.Lookup.SchemaName, prefixes);
    if (info.attributes.has(logicalName)) throw nameInUse('column', logicalName);
    const target = referenced.table.logicalName;
    const attr: SimAttribute = {
        logicalName,
        schemaName: input.Lookup.SchemaName,
        type: 'Lookup',
        targets: [target],
        relationshipNames: { [target]: input.SchemaName },
        isCustom: true,
        requiredLevel: input.Lookup.RequiredLevel?.Value ?? 'None',
    };
    const display = labelText(input.Lookup.DisplayName);
    const description = labelText(input.Lookup.Description);
    if (display !== undefined) attr.displayName = display;
    if (description !== undefined) attr.description = description;
    return { info, attr };
}
