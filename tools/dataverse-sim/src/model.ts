import type { ExactNumber } from './exact-number.js';

/**
 * The simulator's in-memory model of one Dataverse environment: its schema (what the metadata
 * endpoints describe) and a dataset (rows and many-to-many associations) to load into it.
 * Names follow the Dataverse metadata model (AttributeTypeCode, OwnershipType, ...), so the
 * metadata endpoints can serve them with little translation.
 */

export type SimAttributeType =
    | 'String'
    | 'Memo'
    | 'Integer'
    | 'BigInt'
    | 'Decimal'
    | 'Double'
    | 'Money'
    | 'Boolean'
    | 'DateTime'
    | 'Picklist'
    | 'MultiSelectPicklist'
    | 'State'
    | 'Status'
    | 'Lookup'
    | 'Customer'
    | 'Owner'
    | 'Uniqueidentifier'
    | 'EntityName'
    /** An image column (AttributeType Virtual, AttributeTypeName ImageType): base64 content, Edm.Binary. */
    | 'Image'
    /**
     * A file column (Virtual / FileType): content through its own requests; the row reads it as the file id (a GUID,
     * null without a file) beside `<column>_name`, the file name (file-column-data.md "Retrieve file column data").
     */
    | 'File'
    /** An activity's party list (to, from, requiredattendees, ...): rows of activityparty, no property value. */
    | 'PartyList'
    | 'Virtual';

export type RequiredLevel = 'None' | 'SystemRequired' | 'ApplicationRequired' | 'Recommended';

export interface SimOption {
    value: number;
    label: string;
    /** Status options: the statecode value this status reason belongs to. */
    state?: number;
    /** State options: the default statuscode for this state. */
    defaultStatus?: number;
    /**
     * Status options of a table with `enforceStateTransitions`: the statuses a row may move to from this one
     * (StatusOptionMetadata.TransitionData). Absent: any.
     */
    transitions?: number[];
}

export interface SimAttribute {
    logicalName: string;
    /** Defaults to the logical name. */
    schemaName?: string;
    type: SimAttributeType;
    isPrimaryId?: boolean;
    isPrimaryName?: boolean;
    /** Defaults: true, except for system-maintained columns the schema marks false. */
    validForCreate?: boolean;
    validForUpdate?: boolean;
    validForRead?: boolean;
    requiredLevel?: RequiredLevel;
    /** String / Memo maximum length. */
    maxLength?: number;
    /** Picklist / State / Status / MultiSelectPicklist options. */
    options?: SimOption[];
    /** Lookup / Customer / Owner: target table logical names (more than one = polymorphic). */
    targets?: string[];
    /**
     * Lookups: the relationship schema name per target (defaults are derived, see schema docs).
     * Key = target table logical name.
     */
    relationshipNames?: Record<string, string>;
    /** Non-null for virtual/child attributes such as `parentcustomeridname` (AttributeOf = parentcustomerid). */
    attributeOf?: string;
    isCustom?: boolean;
    /** Decimal / Money precision (digits after the point). */
    precision?: number;
    /** Choices whose options come from a global option set (GlobalOptionSetDefinitions) of this name. */
    globalOptionSet?: string;
    /** File / Image columns: FileAttributeMetadata / ImageAttributeMetadata.MaxSizeInKB (defaults 32768 / 10240). */
    maxSizeInKB?: number;
    /** Column-level security (AttributeMetadata.IsSecured); set from the security configuration's `columns`. */
    isSecured?: boolean;
    /** AttributeMetadata.DisplayName / Description text (default: the logical name / none), as a client created them. */
    displayName?: string;
    description?: string;
    /** Integer / BigInt / Decimal / Double / Money MinValue and MaxValue (default: the type's whole range). */
    minValue?: number;
    maxValue?: number;
    /** String FormatName (Text, Email, Url, Phone, ...) / Memo Format (TextArea); default Text / TextArea. */
    formatName?: string;
    /** DateTime Format and DateTimeBehavior (defaults DateAndTime, UserLocal). */
    dateTimeFormat?: 'DateOnly' | 'DateAndTime';
    dateTimeBehavior?: 'UserLocal' | 'DateOnly' | 'TimeZoneIndependent';
}

/**
 * What a plug-in sets: `uppercase` normalises the value written to the column (a code kept in capitals), `stamp`
 * sets the environment's now on every write (a 'last changed' column), `compose` joins the values of other columns
 * (a derived name; blanks left out) whenever one of them or the column itself is written.
 */
export type SimPluginRule =
    { kind: 'uppercase' } | { kind: 'stamp' } | { kind: 'compose'; from: string[]; separator?: string };

/**
 * A synchronous PreOperation plug-in step registered on a table's Create and/or Update: it changes the Target before
 * the row is saved, inside the request's transaction, so the row read afterwards holds the plug-in's value
 * (event-framework.md "Event execution pipeline": PreOperation runs before the main operation, inside the database
 * transaction). The
 * simulator's plug-ins stand for Microsoft-published and system logic, which no bypass option skips
 * (bypass-custom-business-logic.md: plug-ins "part of the core Dataverse system or part of a solution where Microsoft
 * is the publisher" are never bypassed).
 */
export interface SimPlugin {
    table: string;
    column: string;
    /** The messages it is registered on (default both). */
    on?: Array<'create' | 'update'>;
    set: SimPluginRule;
}

export interface SimKey {
    logicalName: string;
    schemaName?: string;
    keyAttributes: string[];
    /** Only Active keys work for addressing rows, as in Dataverse. Default Active. */
    status?: 'Pending' | 'InProgress' | 'Active' | 'Failed';
}

export type OwnershipType = 'UserOwned' | 'OrganizationOwned' | 'BusinessOwned' | 'None';

export interface SimTable {
    logicalName: string;
    schemaName?: string;
    entitySetName: string;
    primaryIdAttribute: string;
    primaryNameAttribute: string;
    ownershipType: OwnershipType;
    changeTracking: boolean;
    isIntersect?: boolean;
    isCustom?: boolean;
    objectTypeCode?: number;
    /** CreateMultiple/UpdateMultiple/UpsertMultiple available (true for standard tables). Default true. */
    bulkOperations?: boolean;
    /** An activity table (primary id `activityid`, EntityMetadata.IsActivity). */
    isActivity?: boolean;
    /**
     * E-mails: server-side sync sends a row set to Pending Send (6) or Sending (7) at once: it becomes Sent (3) with
     * `senton` stamped. False: a mailbox that is not approved or enabled, where mail waits in Pending Send.
     */
    sendsPendingEmail?: boolean;
    /** EntityMetadata.EnforceStateTransitions: status changes follow the status options' `transitions`. */
    enforceStateTransitions?: boolean;
    /**
     * The environment's own synchronous logic on this table (Microsoft-published plug-ins, system calculations): each
     * sets a column in the main operation of a create or update, whatever the client wrote (see `SimPlugin`).
     */
    plugins?: SimPlugin[];
    /**
     * EntityMetadata.TableType when the table is not a standard one (activities answer 'Activity' from `isActivity`).
     * Only the metadata says so: rows of elastic and virtual tables are stored and served as standard ones.
     */
    tableType?: 'Elastic' | 'Virtual';
    /**
     * States a plain update may not set, each with the message that sets it (opportunity: Won by WinOpportunity,
     * Lost by LoseOpportunity). Key = statecode value.
     */
    dedicatedStateMessages?: Record<number, string>;
    /**
     * States in which the row is read-only: an update of any other column is refused. 'reopen': an update of
     * statecode/statuscode alone may move the row to an editable state (a won quote back to Draft, a resolved case
     * reactivated); 'final': no plain update leaves the state (fulfilled or canceled orders). Key = statecode value.
     */
    readOnlyStates?: Record<number, 'reopen' | 'final'>;
    attributes: SimAttribute[];
    keys?: SimKey[];
    /** EntityMetadata.DisplayName / DisplayCollectionName / Description (defaults: logical name, entity set, none). */
    displayName?: string;
    displayCollectionName?: string;
    description?: string;
    /** EntityMetadata.HasActivities / HasNotes (default false). */
    hasActivities?: boolean;
    hasNotes?: boolean;
}

export interface SimManyToMany {
    schemaName: string;
    entity1LogicalName: string;
    entity2LogicalName: string;
    intersectEntityName: string;
    entity1IntersectAttribute: string;
    entity2IntersectAttribute: string;
    entity1NavigationPropertyName: string;
    entity2NavigationPropertyName: string;
}

export interface SimSchema {
    tables: SimTable[];
    manyToMany: SimManyToMany[];
}

/** A lookup value as stored: the referenced row's id and table (polymorphic lookups need the table). */
export interface SimLookupValue {
    id: string;
    table: string;
}

/**
 * One stored row, keyed by attribute logical name. Ids are lowercase GUID strings; DateTime is an
 * ISO-8601 UTC string without fractional seconds; BigInt/Money/Decimal/Double are numbers, except a BigInt, Money
 * or Decimal value a double cannot hold exactly, which is an ExactNumber (its decimal text); choices are integers;
 * MultiSelectPicklist is a comma-separated string of integers as the Web API shows it.
 */
export type SimValue = string | number | boolean | null | SimLookupValue | ExactNumber;
export type SimRow = Record<string, SimValue>;

export interface SimDataset {
    schema: SimSchema;
    /** Rows per table logical name. */
    rows: Record<string, SimRow[]>;
    /** Associations per many-to-many relationship schema name: [entity1 id, entity2 id]. */
    associations: Record<string, Array<[string, string]>>;
}

export function isLookupType(type: SimAttributeType): boolean {
    return type === 'Lookup' || type === 'Customer' || type === 'Owner';
}

/** Attribute types the Web API exposes no property for (their content travels through other requests). */
export function hasNoProperty(type: SimAttributeType): boolean {
    return type === 'Virtual' || type === 'PartyList';
}

export function isLookupValue(value: SimValue | undefined): value is SimLookupValue {
    return typeof value === 'object' && value !== null && 'id' in value && 'table' in value;
}
