/**
 * The migration plan: everything the copy engine needs, computed from the spec and the metadata of
 * both environments. Plain JSON (no Maps, no classes): it travels through Durable Functions history,
 * so it holds names and rules, never rows.
 */
import type { Collation } from '../dataverse/collation.js';
import type { AttributeType } from '../dataverse/metadata-types.js';
import type { SchemaPlan } from './schema-types.js';

/** A warning or problem found while planning; `path` points into the spec when the spec caused it. */
export interface PlanIssue {
    path?: string;
    table?: string;
    column?: string;
    /** Columns a "not copied" warning is about. */
    columns?: string[];
    message: string;
    /** Expected on every org (platform-maintained columns not copied): shown condensed, listed in --json. */
    routine?: boolean;
}

/** How rows of a run table are matched in the target. */
export type MatchPlan =
    | { kind: 'id' }
    /**
     * An Active alternate key of the target table; `sourceColumns` are the source columns that feed it; `collation`:
     * how the target compares its strings (read when planning; absent in older plans: `_CI_AI`).
     */
    | { kind: 'key'; key: string; columns: string[]; sourceColumns: string[]; collation?: Collation };

/** How a lookup value that points to one table is written in the target. */
export type LookupBinding =
    /** The parent is copied in this run with its id preserved: bind to the same id. */
    | { kind: 'run-id'; table: string; targetTable: string; targetEntitySet: string }
    /**
     * The parent is copied in this run and matched on an alternate key: bind by the key values of the
     * parent row (read from the source parent by `sourceColumns`, written as `columns`).
     */
    | {
          kind: 'run-key';
          table: string;
          targetTable: string;
          targetEntitySet: string;
          key: string;
          columns: string[];
          sourceColumns: string[];
      }
    /**
     * A reference table (users, teams, currencies, ...) that is not copied: the source id is translated
     * through the reference matches loaded before the run. `ownerFallback`: an unmatched owner falls
     * back to `references.fallbackOwner`.
     */
    | { kind: 'reference'; table: string; targetEntitySet: string; ownerFallback: boolean }
    /** A table neither copied nor matched: the value is cleared on every row (onUnresolvedLookup 'clear'). */
    | { kind: 'unresolved'; table: string };

/** One table a lookup column may point to, with the navigation property used for `@odata.bind`. */
export interface LookupTarget {
    /** Logical name in the source (the `lookuplogicalname` annotation of a read value). */
    table: string;
    /**
     * Target navigation property: `parentcustomerid_account@odata.bind`. For an unresolved table, present when
     * the target has one (values are never bound through it, but a target value pointing there is cleared by it).
     */
    navigationProperty?: string;
    binding: LookupBinding;
}

export type ColumnKind = 'plain' | 'choice' | 'lookup';

export interface ColumnMapping {
    /** Source logical name (read as `_x_value` for lookups). */
    source: string;
    /** Target logical name. */
    target: string;
    kind: ColumnKind;
    /** Target attribute type. */
    type: AttributeType;
    /** Writable on create only, update only, or both (e.g. overriddencreatedon is create only). */
    writable: 'create' | 'update' | 'both';
    /** Choice columns: source option value -> target option value (only values that differ). */
    valueMap?: Record<string, number>;
    /** Multi-select choice: a comma-separated list of values. */
    multiSelect?: boolean;
    /** Decimal places the target keeps (Money, Decimal, Double): values are compared at this precision. */
    precision?: number;
    /** Lookup columns: one entry per table the source column may point to. */
    lookup?: { targets: LookupTarget[]; required: boolean };
    /** Set in the deferred-lookup phase instead of the table's own tier (breaks a cycle). */
    deferred?: boolean;
}

export interface EndpointNames {
    logicalName: string;
    entitySetName: string;
    primaryId: string;
}

/**
 * An activity's party lists (from, to, cc, ... : PartyList columns, no property of their own), copied as its
 * `<activity>_activity_parties` collection with each row (plan/parties.ts, copy/parties.ts).
 */
export interface PartiesPlan {
    /** The collection-valued navigation property in the source (read with `$expand`) and in the target (written). */
    sourceNavigation: string;
    targetNavigation: string;
    /** The party list columns (source names), for the plan's text. */
    lists: string[];
    /** `activityparty.partyid` as a lookup: a binding per party table, navigation `partyid_<table>`. */
    party: ColumnMapping;
}

export interface TablePlan {
    /** Source logical name; the plan's key for the table. */
    name: string;
    source: EndpointNames;
    target: EndpointNames;
    match: MatchPlan;
    filter?: string;
    deleteMissing: boolean;
    bypass?: { businessLogic?: Array<'CustomSync' | 'CustomAsync'>; powerAutomateFlows?: boolean };
    columns: ColumnMapping[];
    /** Source names of the lookup columns patched in the deferred phase. */
    deferred: string[];
    /** statecode/statuscode are copied together (source names), after the other columns of a row. */
    state?: {
        stateColumn: string;
        statusColumn: string;
        /** Target names of the two columns. */
        targetStateColumn: string;
        targetStatusColumn: string;
        /** The state and status a create leaves in the target (the first state and its default status). */
        created?: { state: number; status: number };
        /**
         * The target enforces status transitions (EnforceStateTransitions): status -> the statuses it may move to
         * (only statuses that list some), and every status's state, to find a path of allowed moves.
         */
        transitions?: { allowed: Record<number, number[]>; stateOf: Record<number, number> };
    };
    /** The source table supports change tracking (incremental refresh). */
    changeTracking: boolean;
    /** Which bulk messages the target takes for this table (asked once when planning); absent: unknown. */
    bulkWrites?: { UpsertMultiple: boolean; UpdateMultiple: boolean };
    /** What the permissions preflight found of the source identity's read; absent: not checked (no deletes). */
    sourceRead?: SourceRead;
    /** Source reads ask for unmasked values: a mapped column reads masked, and the source identity may unmask it. */
    unmaskedReads?: boolean;
    /**
     * Target columns the target's own logic rewrites: left out of every comparison and write. `spec`: declared in the
     * table's `platformOwned`; `noticed`: an earlier run found the target changed what it wrote (run/platform-owned.ts).
     */
    platformOwned?: PlatformOwnedColumn[];
    /** An activity's party lists, copied with each row as its parties collection. */
    parties?: PartiesPlan;
    /** Binary content copied by the content phase after the rows (plan/content-columns.ts); absent: none. */
    content?: ContentColumn[];
}

/** A file or image column, a note's or an e-mail attachment's body: moved in blocks, compared by size and SHA-256. */
export interface ContentColumn {
    /** Source logical name. */
    source: string;
    /** Target logical name. */
    target: string;
    kind: 'file' | 'image' | 'note' | 'attachment';
}

export interface PlatformOwnedColumn {
    /** Target logical name. */
    column: string;
    by: 'spec' | 'noticed';
}

/**
 * Whether the source identity sees every row of a table: security trims every query to the rows its read depth
 * reaches, so a partial view copies only those and must never decide what is missing (deleteMissing).
 */
export interface SourceRead {
    /** Every row is visible: Global read, or an organization-owned table (any read reaches all of it). */
    complete: boolean;
    /** The deepest read depth the identity holds (absent: none, or not checked). */
    depth?: 'Basic' | 'Local' | 'Deep' | 'Global';
    /** Why the view is not complete. */
    reason?: string;
}

export interface Tier {
    /** Source logical names, sorted. */
    tables: string[];
}

export interface DeferredPhaseEntry {
    table: string;
    columns: string[];
}

export interface ManyToManySide {
    /** Logical name of this side's table in this environment. */
    table: string;
    /** Entity set and primary key of that table here: the `$ref` association addresses them. */
    entitySetName: string;
    primaryId: string;
    /** Intersect column holding this side's id. */
    intersectAttribute: string;
    /** Collection-valued navigation property on this side, for `$ref` association. */
    navigationProperty: string;
}

export interface ManyToManyEnvironmentPlan {
    intersectEntity: string;
    /** Entity set of the intersect table, when its metadata was read. */
    intersectEntitySet?: string;
    entity1: ManyToManySide;
    entity2: ManyToManySide;
}

/** How the source ids of one side of a relationship become target ids. */
export type ManyToManySideMatch =
    /** A run table (`table` is its key in Plan.tables): the ids of its copied rows, preserved or by alternate key. */
    | { kind: 'run'; table: string }
    /** A reference table (`table` is its ReferencePlan): its natural-key matches, never a fallback row. */
    | { kind: 'reference'; table: string };

export interface ManyToManyPlan {
    /** Relationship schema name. */
    name: string;
    source: ManyToManyEnvironmentPlan;
    target: ManyToManyEnvironmentPlan;
    /** How each side is matched: entity1, then entity2. */
    match: [ManyToManySideMatch, ManyToManySideMatch];
    /** Disassociate the target pairs of copied rows whose pair the source no longer has (spec deleteMissing). */
    deleteMissing: boolean;
    /** The source identity's view of both sides (the permissions preflight); absent: not checked. */
    sourceRead?: SourceRead;
}

/** A reference table: not copied, its rows matched in the target by natural key before the run. */
export interface ReferencePlan {
    table: string;
    source: EndpointNames;
    target: EndpointNames;
    /** Columns tried in order; the first with exactly one target match wins. */
    matchOn: string[];
    /** Natural-key value of the target row to use when nothing matches. */
    fallback?: string;
    /** businessunit: the source root (no parent) maps to the target root, whatever their names. */
    rootColumn?: string;
    /**
     * Rows are matched within a scope (role: every business unit has its own copy of each role, same name): a source
     * row's lookup `column`, translated through the natural-key matches of `table`, must be the target row's.
     */
    scope?: { column: string; table: string };
    /** organization: every source row maps to the target's single row. */
    singleton?: boolean;
}

export interface Plan {
    version: 1;
    name: string;
    sourceUrl: string;
    targetUrl: string;
    /** Every run table by source logical name. */
    tables: Record<string, TablePlan>;
    tiers: Tier[];
    deferredPhase: DeferredPhaseEntry[];
    manyToMany: ManyToManyPlan[];
    /** Tables with deleteMissing, children before parents. */
    deletePhase: string[];
    references: ReferencePlan[];
    fallbackOwner?: string;
    onUnresolvedLookup: 'clear' | 'fail';
    options: {
        pageSize: number;
        writeBatchSize: number;
        maxConcurrency: number;
        incremental: boolean;
        maxDeleteShare: number;
        maxFailedRows?: number;
        maxFailureRatio?: number;
        /** Requests the run may send to each environment (spec options.maxRequests). */
        maxRequests?: number;
    };
    warnings: PlanIssue[];
    problems: PlanIssue[];
    /** What the run creates in the target first, for tables loaded as `new` (absent: nothing). */
    schema?: SchemaPlan;
}

/** The `plan --json` output. */
export interface PlanSummaryJson {
    /** Each table with its rows and pages (`TableEstimate`) when they were counted. */
    tiers: Array<{
        tables: Array<
            {
                name: string;
                deferred: string[];
                bulkWrites?: TablePlan['bulkWrites'];
                /** Requests estimated per environment (plan/request-estimates.ts), when rows were counted. */
                requests?: { source: number; target: number };
            } & Partial<TableEstimate>
        >;
    }>;
    manyToMany: Array<{
        name: string;
        tables: [string, string];
        match: [ManyToManySideMatch['kind'], ManyToManySideMatch['kind']];
        deleteMissing: boolean;
    }>;
    /** Requests the run is estimated to send to each environment, the plan's included; `unknown`: tables left out. */
    requests?: { source: number; target: number; unknown: string[] };
    deletes: string[];
    /** What the run creates first (tables loaded as `new`), without the request bodies. */
    schema?: {
        solution?: string;
        operations: Array<Omit<SchemaPlan['operations'][number], 'body'>>;
        publish: string[];
    };
    warnings: PlanIssue[];
    problems: PlanIssue[];
}

/** Where a table's row count comes from. */
export type RowCountBasis =
    /** RetrieveTotalRecordCount: the table's total from the service's snapshot, up to 24 hours old. */
    | 'snapshot'
    /** `$count=true` under the table's filter: exact up to 5,000 rows. */
    | 'count'
    /** `plan --exact`: every primary key walked. */
    | 'keys'
    /** The rows a subset takes (spec `subset`), counted id by id. */
    | 'subset'
    /** The service could not say (the plan's warnings say why). */
    | 'unknown';

/** Rows and pages of one run table as `plan` reports them; the run lists the exact pages itself. */
export interface TableEstimate {
    /** Rows the run is expected to read; with `moreThan`, the table's total (a bound); null when unknown. */
    rows: number | null;
    /** Pages of `options.pageSize` rows, at least one (the run lists an open-ended page); null when unknown. */
    pages: number | null;
    /** False only for `plan --exact`, whose key walk counted every row. */
    estimate: boolean;
    /** The count was exact when taken ($count under 5,000, the key walk); false for a snapshot or a bound. */
    exact: boolean;
    basis: RowCountBasis;
    /** A filtered table past `$count`'s limit: more than this many rows match. */
    moreThan?: number;
}

/** Row and page counts per run table (source logical name). */
export type PlanEstimates = Record<string, TableEstimate>;
