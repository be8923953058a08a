/**
 * A ManyToManyRelationshipMetadata body (POST RelationshipDefinitions): SchemaName, Entity1LogicalName,
 * Entity2LogicalName, IntersectEntityName (the documented example names it after the relationship), and optionally
 * "custom navigation property name[s] ... Entity1NavigationPropertyName and Entity2NavigationPropertyName"
 * (create-update-entity-relationships-using-web-api.md, "Create a many-to-many relationship"). [inferred] Without them
 * both navigation properties are the relationship's schema name; the intersect table's columns are the two tables'
 * primary ids, its entity set named as the simulator names intersect sets (data/entity-set-name.ts). A relationship of
 * a table with itself is not modeled (its two navigation properties need the service's _referenced/_referencing
 * naming).
 */
import { z } from 'zod';
import { intersectTable } from '../../data/crm-schema.js';
import { deriveEntitySetName } from '../../data/entity-set-name.js';
import type { SimManyToMany, SimTable } from '../../model.js';
import type { SchemaIndex } from '../schema-index.js';
import { checkedLogicalName } from './names.js';
import { parsed } from './parsed.js';
import { componentNotFound, invalidDefinition, nameInUse } from './refusals.js';

const manyToManySchema = z
    .object({
        SchemaName: z.string().min(1),
        Entity1LogicalName: z.string().min(1),
        Entity2LogicalName: z.string().min(1),
        IntersectEntityName: z.string().min(1),
        Entity1NavigationPropertyName: z.string().min(1).optional(),
        Entity2NavigationPropertyName: z.string().min(1).optional(),
    })
    .passthrough();

export function buildManyToMany(
    body: unknown,
    schema: SchemaIndex,
    prefixes: string[],
): { rel: SimManyToMany; intersect: SimTable } {
    const input = parsed('ManyToManyRelationshipMetadata', manyToManySchema, body);
    checkedLogicalName(input.SchemaName, prefixes);
    if (
        schema.relationships.some((r) => r.schemaName === input.SchemaName) ||
        schema.manyToMany.some((r) => r.schemaName === input.SchemaName)
    )
        throw nameInUse('relationship', input.SchemaName);
    const one = schema.table(input.Entity1LogicalName);
    if (!one) throw componentNotFound(`entity with name '${input.Entity1LogicalName}'`);
    const two = schema.table(input.Entity2LogicalName);
    if (!two) throw componentNotFound(`entity with name '${input.Entity2LogicalName}'`);
    if (one === two)
        throw invalidDefinition(
            'ManyToManyRelationshipMetadata',
            'a many-to-many relationship of a table with itself is not modeled by the simulator',
        );
    const intersectName = checkedLogicalName(input.IntersectEntityName, prefixes);
    if (schema.tables.has(intersectName)) throw nameInUse('table', intersectName);
    const nav1 = input.Entity1NavigationPropertyName ?? input.SchemaName;
    const nav2 = input.Entity2NavigationPropertyName ?? input.SchemaName;
    for (const [info, nav] of [
        [one, nav1],
        [two, nav2],
    ] as const)
        if (info.navigation.has(nav) || info.manyToMany.has(nav))
            throw nameInUse(`navigation property of ${info.table.logicalName}`, nav);
    const rel: SimManyToMany = {
        schemaName: input.SchemaName,
        entity1LogicalName: one.table.logicalName,
        entity2LogicalName: two.table.logicalName,
        intersectEntityName: intersectName,
        entity1IntersectAttribute: one.table.primaryIdAttribute,
        entity2IntersectAttribute: two.table.primaryIdAttribute,
        entity1NavigationPropertyName: nav1,
        entity2NavigationPropertyName: nav2,
    };
    const intersect = intersectTable(
        intersectName,
        deriveEntitySetName(intersectName, true),
        `${intersectName}id`,
        rel.entity1IntersectAttribute,
        rel.entity2IntersectAttribute,
    );
    return { rel, intersect };
}
