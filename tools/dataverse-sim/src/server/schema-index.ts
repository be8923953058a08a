/**
 * Lookup tables over a SimSchema that every route needs: tables by logical name and entity set,
 * attributes by name, the navigation properties of lookups (with Dataverse's naming when the schema
 * gives none), the one-to-many relationships they imply, and the many-to-many relationships.
 */
import type { SimAttribute, SimManyToMany, SimOption, SimSchema, SimTable } from '../model.js';
import { isLookupType } from '../model.js';

/** One lookup attribute pointing at one target table: a Dataverse one-to-many relationship. */
export interface LookupRelationship {
    schemaName: string;
    referencedEntity: string;
    referencedAttribute: string;
    referencingEntity: string;
    referencingAttribute: string;
    /** The single-valued navigation property on the referencing table (used with @odata.bind). */
    referencingNavigation: string;
    /** The collection-valued navigation property on the referenced table. */
    referencedNavigation: string;
    isCustom: boolean;
}

export interface NavigationTarget {
    attribute: SimAttribute;
    /** Tables this navigation property may point at (one, except for owner lookups). */
    targets: string[];
}

export interface TableInfo {
    table: SimTable;
    attributes: Map<string, SimAttribute>;
    /** Single-valued navigation property name -> lookup attribute and allowed targets. */
    navigation: Map<string, NavigationTarget>;
    /** Collection-valued many-to-many navigation property name -> relationship and which side this table is. */
    manyToMany: Map<string, { relationship: SimManyToMany; side: 1 | 2 }>;
    manyToOne: LookupRelationship[];
    oneToMany: LookupRelationship[];
}

export class SchemaIndex {
    readonly tables = new Map<string, TableInfo>();
    readonly byEntitySet = new Map<string, TableInfo>();
    readonly relationships: LookupRelationship[] = [];
    readonly manyToMany: SimManyToMany[];
    /** Intersect table logical name -> its many-to-many relationship. */
    readonly intersects = new Map<string, SimManyToMany>();
    /** Global option sets created at run time (POST GlobalOptionSetDefinitions), by name, before a column uses them. */
    readonly globalOptionSets = new Map<string, { options: SimOption[]; displayName?: string }>();

    constructor(readonly schema: SimSchema) {
        this.manyToMany = schema.manyToMany;
        for (const table of schema.tables) {
            this.register(table);
        }
        for (const rel of schema.manyToMany) {
            this.intersects.set(rel.intersectEntityName, rel);
            if (!this.tables.has(rel.intersectEntityName)) this.addIntersectTable(rel);
            this.tables.get(rel.entity1LogicalName)?.manyToMany.set(rel.entity1NavigationPropertyName, {
                relationship: rel,
                side: 1,
            });
            this.tables.get(rel.entity2LogicalName)?.manyToMany.set(rel.entity2NavigationPropertyName, {
                relationship: rel,
                side: 2,
            });
        }
        for (const info of this.tables.values()) this.indexLookups(info);
    }

    table(logicalName: string): TableInfo | undefined {
        return this.tables.get(logicalName);
    }

    /** A table created at run time (metadata writes): indexed as the schema's own, its lookups linked. */
    addTable(table: SimTable): TableInfo {
        this.schema.tables.push(table);
        const info = this.register(table);
        this.indexLookups(info);
        return info;
    }

    /** A many-to-many relationship created at run time, with its intersect table; both sides get their navigation. */
    addManyToMany(rel: SimManyToMany, intersect: SimTable): void {
        this.schema.manyToMany.push(rel);
        this.intersects.set(rel.intersectEntityName, rel);
        this.addTable(intersect);
        this.tables.get(rel.entity1LogicalName)?.manyToMany.set(rel.entity1NavigationPropertyName, {
            relationship: rel,
            side: 1,
        });
        this.tables.get(rel.entity2LogicalName)?.manyToMany.set(rel.entity2NavigationPropertyName, {
            relationship: rel,
            side: 2,
        });
    }

    /** A column created at run time on an indexed table; a lookup gets its navigation property and relationship. */
    addAttribute(info: TableInfo, attr: SimAttribute): void {
        info.table.attributes.push(attr);
        info.attributes.set(attr.logicalName, attr);
        this.indexLookup(info, attr);
    }

    /** A schema without the intersect table still gets one, named as Dataverse names them. */
    private addIntersectTable(rel: SimManyToMany): void {
        const idName = `${rel.intersectEntityName}id`;
        const table: SimTable = {
            logicalName: rel.intersectEntityName,
            entitySetName: `${rel.intersectEntityName}collection`,
            primaryIdAttribute: idName,
            primaryNameAttribute: '',
            ownershipType: 'None',
            changeTracking: false,
            isIntersect: true,
            bulkOperations: false,
            attributes: [
                { logicalName: idName, type: 'Uniqueidentifier', isPrimaryId: true, validForCreate: false },
                { logicalName: rel.entity1IntersectAttribute, type: 'Uniqueidentifier', validForUpdate: false },
                { logicalName: rel.entity2IntersectAttribute, type: 'Uniqueidentifier', validForUpdate: false },
                { logicalName: 'versionnumber', type: 'BigInt', validForCreate: false, validForUpdate: false },
            ],
        };
        this.register(table);
    }

    /** Indexes a table by logical name and entity set; relationships are linked by the caller. */
    private register(table: SimTable): TableInfo {
        const info: TableInfo = {
            table,
            attributes: new Map(table.attributes.map((a) => [a.logicalName, a])),
            navigation: new Map(),
            manyToMany: new Map(),
            manyToOne: [],
            oneToMany: [],
        };
        this.tables.set(table.logicalName, info);
        this.byEntitySet.set(table.entitySetName, info);
        return info;
    }

    private indexLookups(info: TableInfo): void {
        for (const attr of info.table.attributes) this.indexLookup(info, attr);
    }

    private indexLookup(info: TableInfo, attr: SimAttribute): void {
        const { table } = info;
        if (!isLookupType(attr.type) || attr.attributeOf || !attr.targets?.length) return;
        const polymorphic = attr.targets.length > 1 && attr.type !== 'Owner';
        const seen = new Set<string>();
        for (const target of attr.targets) {
            const nav = navigationName(attr, target, polymorphic);
            const existing = info.navigation.get(nav);
            if (existing) existing.targets.push(target);
            else info.navigation.set(nav, { attribute: attr, targets: [target] });
            const schemaName = attr.relationshipNames?.[target] ?? `${table.logicalName}_${attr.logicalName}_${target}`;
            if (seen.has(schemaName)) continue;
            seen.add(schemaName);
            // One relationship for several targets (owner_<table>) points at the abstract `owner` table.
            const shared = attr.targets.filter((t) => attr.relationshipNames?.[t] === schemaName).length > 1;
            const targetInfo = shared ? undefined : this.tables.get(target);
            const rel: LookupRelationship = {
                schemaName,
                referencedEntity: shared ? 'owner' : target,
                referencedAttribute: shared ? 'ownerid' : (targetInfo?.table.primaryIdAttribute ?? `${target}id`),
                referencingEntity: table.logicalName,
                referencingAttribute: attr.logicalName,
                referencingNavigation: nav,
                referencedNavigation: '',
                isCustom: attr.isCustom ?? false,
            };
            rel.referencedNavigation = rel.schemaName;
            info.manyToOne.push(rel);
            targetInfo?.oneToMany.push(rel);
            this.relationships.push(rel);
        }
    }
}

/**
 * Dataverse names the navigation property of a single-table lookup after the attribute (the logical
 * name for system lookups, the schema name for custom ones); a polymorphic (customer, regarding)
 * lookup has one per target, `<attribute>_<target>`. Owner lookups keep the single name `ownerid`.
 */
export function navigationName(attr: SimAttribute, target: string, polymorphic: boolean): string {
    const base = attr.isCustom ? (attr.schemaName ?? attr.logicalName) : attr.logicalName;
    return polymorphic ? `${base}_${target}` : base;
}

/** `_x_value`: the Web API property that carries a lookup's id. */
export function lookupValueProperty(attribute: string): string {
    return `_${attribute}_value`;
}
