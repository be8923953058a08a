/**
 * Dataverse metadata as this product uses it: the subset of EntityMetadata, AttributeMetadata,
 * relationship and key metadata that planning needs, with the Web API's names in camelCase.
 * The metadata reader (metadata.ts) fills these from either environment; the plan consumes them.
 */

/** AttributeTypeCode values (AttributeType in the Web API). */
export type AttributeType =
    | 'BigInt'
    | 'Boolean'
    | 'CalendarRules'
    | 'Customer'
    | 'DateTime'
    | 'Decimal'
    | 'Double'
    | 'EntityName'
    | 'Integer'
    | 'Lookup'
    | 'ManagedProperty'
    | 'Memo'
    | 'Money'
    | 'Owner'
    | 'PartyList'
    | 'Picklist'
    | 'State'
    | 'Status'
    | 'String'
    | 'Uniqueidentifier'
    | 'Virtual';

export interface OptionMetadata {
    value: number;
    label: string;
    /** Status options: the state they belong to. */
    state?: number;
    /** State options: the status a row gets when it enters this state without one. */
    defaultStatus?: number;
    /** Status options of a table that enforces state transitions: the statuses a row may move to from this one. */
    transitions?: number[];
}

export interface AttributeMetadata {
    logicalName: string;
    schemaName: string;
    attributeType: AttributeType;
    /** AttributeTypeName.Value, e.g. `MultiSelectPicklistType`, `ImageType`, `FileType`. */
    attributeTypeName?: string;
    isValidForCreate: boolean;
    isValidForUpdate: boolean;
    isValidForRead: boolean;
    isPrimaryId: boolean;
    isPrimaryName: boolean;
    /** RequiredLevel.Value: None, SystemRequired, ApplicationRequired, Recommended. */
    requiredLevel: string;
    /** Non-null for virtual/child attributes (e.g. `parentcustomeridname` of `parentcustomerid`). */
    attributeOf: string | null;
    isCustomAttribute: boolean;
    /**
     * Column-level security (IsSecured): read and written only through a field security profile that allows it; the
     * attribute's MetadataId is what RetrievePrincipalAttributePrivileges names it by.
     */
    secured?: { attributeId: string };
    maxLength?: number;
    precision?: number;
    /** File and image columns: the largest content the column takes, in KB (FileAttributeMetadata.MaxSizeInKB). */
    maxSizeInKB?: number;
    /** Lookup / Customer / Owner targets. */
    targets?: string[];
    /** Picklist / State / Status / MultiSelectPicklist options. */
    options?: OptionMetadata[];
}

export interface KeyMetadata {
    logicalName: string;
    schemaName: string;
    keyAttributes: string[];
    /** Only Active keys can address rows. */
    entityKeyIndexStatus: 'Pending' | 'InProgress' | 'Active' | 'Failed' | (string & {});
}

/** A one-to-many relationship (seen from the referencing side it is many-to-one). */
export interface OneToManyRelationshipMetadata {
    schemaName: string;
    referencedEntity: string;
    referencedAttribute: string;
    referencingEntity: string;
    referencingAttribute: string;
    referencedEntityNavigationPropertyName: string;
    referencingEntityNavigationPropertyName: string;
}

export interface ManyToManyRelationshipMetadata {
    schemaName: string;
    entity1LogicalName: string;
    entity2LogicalName: string;
    intersectEntityName: string;
    entity1IntersectAttribute: string;
    entity2IntersectAttribute: string;
    entity1NavigationPropertyName: string;
    entity2NavigationPropertyName: string;
}

export interface TableMetadata {
    logicalName: string;
    schemaName: string;
    entitySetName: string;
    primaryIdAttribute: string;
    primaryNameAttribute: string | null;
    /** UserOwned, OrganizationOwned, BusinessOwned, None. */
    ownershipType: string;
    isIntersect: boolean;
    changeTrackingEnabled: boolean;
    isCustomEntity: boolean;
    objectTypeCode?: number;
    /** EntityMetadata.TableType: Standard, Activity, Virtual or Elastic (absent where the service does not say). */
    tableType?: string;
    /** EntityMetadata.EnforceStateTransitions: status changes must follow the status options' transitions. */
    enforceStateTransitions?: boolean;
    /**
     * EntityMetadata.Privileges: the privilege name per PrivilegeType (Create, Read, Write, Delete, Append, AppendTo,
     * Assign, Share). Absent where the service does not give them.
     */
    privileges?: Partial<Record<string, string>>;
    attributes: AttributeMetadata[];
    keys: KeyMetadata[];
    /** Relationships where this table holds the lookup. */
    manyToOne: OneToManyRelationshipMetadata[];
    /** Relationships where other tables look up this one. */
    oneToMany: OneToManyRelationshipMetadata[];
    manyToMany: ManyToManyRelationshipMetadata[];
}

/** Metadata of the tables one environment has that a plan looked at, by logical name. */
export interface EnvironmentMetadata {
    url: string;
    tables: Map<string, TableMetadata>;
    /** Logical names that exist in the environment (all tables, cheap list), for "did you mean". */
    allTableNames: string[];
}
