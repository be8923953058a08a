/**
 * The many-to-many relationships of the system tables a migration touches, as the Dataverse table reference
 * defines them (schema name, intersect table and columns, navigation properties): users' and teams' security roles
 * and team membership. A CMT file names a relationship by its intersect table (`systemuserroles`), which the
 * service does not accept as a schema name; files are read into the real relationship. Relationships a file defines
 * itself are built the same way (manyToManyRelationship).
 */
import type { SimManyToMany } from '../model.js';

/**
 * A many-to-many relationship between two tables, each given with its primary key; the navigation properties carry
 * the schema name. A reflexive one (a table with itself) names its intersect columns `<key>one` and `<key>two`.
 */
export function manyToManyRelationship(
    schemaName: string,
    intersect: string,
    [entity1, id1]: [string, string],
    [entity2, id2]: [string, string],
): SimManyToMany {
    const reflexive = entity1 === entity2;
    return {
        schemaName,
        entity1LogicalName: entity1,
        entity2LogicalName: entity2,
        intersectEntityName: intersect,
        entity1IntersectAttribute: reflexive ? `${id1}one` : id1,
        entity2IntersectAttribute: reflexive ? `${id2}two` : id2,
        entity1NavigationPropertyName: schemaName,
        entity2NavigationPropertyName: schemaName,
    };
}

export const SYSTEM_MANY_TO_MANY: readonly SimManyToMany[] = [
    manyToManyRelationship(
        'systemuserroles_association',
        'systemuserroles',
        ['systemuser', 'systemuserid'],
        ['role', 'roleid'],
    ),
    manyToManyRelationship('teamroles_association', 'teamroles', ['team', 'teamid'], ['role', 'roleid']),
    manyToManyRelationship(
        'teammembership_association',
        'teammembership',
        ['team', 'teamid'],
        ['systemuser', 'systemuserid'],
    ),
];

/** Fresh copies of the system relationships (a schema may add them: crm plus users' roles). */
export function systemRelationships(): SimManyToMany[] {
    return SYSTEM_MANY_TO_MANY.map((m) => ({ ...m }));
}

/**
 * A relationship of the list by schema name or, as CMT files name them, by intersect table (case-insensitive). An
 * intersect table can serve several relationships (campaignitem): given the two tables, the one that joins them.
 */
export function findManyToMany(
    list: readonly SimManyToMany[],
    name: string,
    tables?: readonly [string, string],
): SimManyToMany | undefined {
    const lower = name.toLowerCase();
    const bySchema = list.find((m) => m.schemaName.toLowerCase() === lower);
    if (bySchema) return bySchema;
    const byIntersect = list.filter((m) => m.intersectEntityName.toLowerCase() === lower);
    return (tables && byIntersect.find((m) => joins(m, tables))) ?? byIntersect[0];
}

/** Whether a relationship joins these two tables, in either order. */
export function joins(m: SimManyToMany, [a, b]: readonly [string, string]): boolean {
    return (
        (m.entity1LogicalName === a && m.entity2LogicalName === b) ||
        (m.entity1LogicalName === b && m.entity2LogicalName === a)
    );
}
