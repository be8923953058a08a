/**
 * Small constructors for SimAttribute, plus the standard columns that real Dataverse puts on
 * every table (audit columns, version number, state/status, ownership columns).
 */
import type { OwnershipType, SimAttribute, SimOption } from '../model.js';

type Extra = Partial<SimAttribute>;

export const str = (logicalName: string, maxLength: number, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'String',
    maxLength,
    ...extra,
});
export const memo = (logicalName: string, maxLength: number, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Memo',
    maxLength,
    ...extra,
});
export const int = (logicalName: string, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Integer',
    ...extra,
});
export const dec = (logicalName: string, precision: number, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Decimal',
    precision,
    ...extra,
});
export const dbl = (logicalName: string, precision: number, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Double',
    precision,
    ...extra,
});
export const bool = (logicalName: string, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Boolean',
    ...extra,
});
export const dt = (logicalName: string, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'DateTime',
    ...extra,
});
export const guid = (logicalName: string, extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Uniqueidentifier',
    ...extra,
});
export const READ_ONLY: Extra = { validForCreate: false, validForUpdate: false };

/** A table's primary id column as Dataverse defines it: system-required, set on create only. */
export const primaryIdColumn = (logicalName: string): SimAttribute =>
    guid(logicalName, { isPrimaryId: true, validForUpdate: false, requiredLevel: 'SystemRequired' });

/** Options from a `value:label` list. */
export function opts(...pairs: Array<[number, string]>): SimOption[] {
    return pairs.map(([value, label]) => ({ value, label }));
}

export const pick = (logicalName: string, options: SimOption[], extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'Picklist',
    options,
    ...extra,
});
export const multi = (logicalName: string, options: SimOption[], extra: Extra = {}): SimAttribute => ({
    logicalName,
    type: 'MultiSelectPicklist',
    options,
    ...extra,
});

/** A Money column and its read-only `_base` twin (the amount in the organization's base currency). */
export function money(logicalName: string, extra: Extra = {}): SimAttribute[] {
    return [
        { logicalName, type: 'Money', precision: 2, ...extra },
        { logicalName: `${logicalName}_base`, type: 'Money', precision: 4, ...READ_ONLY },
    ];
}

/** A single-target lookup with its relationship schema name. */
export function lookup(logicalName: string, target: string, relationship: string, extra: Extra = {}): SimAttribute {
    return { logicalName, type: 'Lookup', targets: [target], relationshipNames: { [target]: relationship }, ...extra };
}

/**
 * A Customer lookup (account | contact) with one relationship per target, and its `...name` and `...type`
 * companions (AttributeOf the lookup, research §5).
 */
export function customer(logicalName: string, relationships: { account: string; contact: string }): SimAttribute[] {
    return [
        {
            logicalName,
            type: 'Customer',
            targets: ['account', 'contact'],
            relationshipNames: { account: relationships.account, contact: relationships.contact },
        },
        { logicalName: `${logicalName}name`, type: 'String', maxLength: 4000, attributeOf: logicalName, ...READ_ONLY },
        { logicalName: `${logicalName}type`, type: 'EntityName', attributeOf: logicalName, ...READ_ONLY },
    ];
}

/** A state/status pair: state values with their default status, and status values with their state. */
export interface StateModel {
    states: Array<{ value: number; label: string; defaultStatus: number }>;
    statuses: Array<{ value: number; label: string; state: number }>;
}

export const ACTIVE_INACTIVE: StateModel = {
    states: [
        { value: 0, label: 'Active', defaultStatus: 1 },
        { value: 1, label: 'Inactive', defaultStatus: 2 },
    ],
    statuses: [
        { value: 1, label: 'Active', state: 0 },
        { value: 2, label: 'Inactive', state: 1 },
    ],
};

/** The states of activities (task, email, opportunityclose, ...): Open, Completed, Canceled. */
export const ACTIVITY_STATES: StateModel = {
    states: [
        { value: 0, label: 'Open', defaultStatus: 1 },
        { value: 1, label: 'Completed', defaultStatus: 2 },
        { value: 2, label: 'Canceled', defaultStatus: 3 },
    ],
    statuses: [
        { value: 1, label: 'Open', state: 0 },
        { value: 2, label: 'Completed', state: 1 },
        { value: 3, label: 'Canceled', state: 2 },
    ],
};

export function stateColumns(model: StateModel): SimAttribute[] {
    return [
        {
            logicalName: 'statecode',
            type: 'State',
            requiredLevel: 'SystemRequired',
            // As on real tables: a row is created active (statecode is not valid for create); set state afterwards.
            validForCreate: false,
            options: model.states.map((s) => ({ value: s.value, label: s.label, defaultStatus: s.defaultStatus })),
        },
        {
            logicalName: 'statuscode',
            type: 'Status',
            options: model.statuses.map((s) => ({ value: s.value, label: s.label, state: s.state })),
        },
    ];
}

/** Relationship names of the standard lookups; real standard tables have irregular ones, custom tables follow a rule. */
export interface StandardRelationshipNames {
    createdby: string;
    modifiedby: string;
    createdonbehalfby: string;
    modifiedonbehalfby: string;
    ownerid: string;
    owninguser: string;
    owningteam: string;
    owningbusinessunit: string;
    organizationid: string;
    transactioncurrencyid: string;
}

/** The names Dataverse gives these relationships on a new (custom) table. */
export function defaultRelationshipNames(table: string): StandardRelationshipNames {
    return {
        createdby: `lk_${table}_createdby`,
        modifiedby: `lk_${table}_modifiedby`,
        createdonbehalfby: `lk_${table}_createdonbehalfby`,
        modifiedonbehalfby: `lk_${table}_modifiedonbehalfby`,
        ownerid: `owner_${table}`,
        owninguser: `user_${table}`,
        owningteam: `team_${table}`,
        owningbusinessunit: `business_unit_${table}`,
        organizationid: `organization_${table}`,
        transactioncurrencyid: `TransactionCurrency_${table}`,
    };
}

export interface StandardColumnOptions {
    table: string;
    ownershipType: OwnershipType;
    /** Omit for tables without statecode/statuscode (businessunit, systemuser, team, organization). */
    state?: StateModel;
    relationships?: Partial<StandardRelationshipNames>;
}

/** The columns real Dataverse adds to every table of the given ownership. */
export function standardColumns(o: StandardColumnOptions): SimAttribute[] {
    const rel = { ...defaultRelationshipNames(o.table), ...o.relationships };
    const cols: SimAttribute[] = [
        dt('createdon', READ_ONLY),
        dt('modifiedon', READ_ONLY),
        lookup('createdby', 'systemuser', rel.createdby, READ_ONLY),
        lookup('modifiedby', 'systemuser', rel.modifiedby, READ_ONLY),
        lookup('createdonbehalfby', 'systemuser', rel.createdonbehalfby, READ_ONLY),
        lookup('modifiedonbehalfby', 'systemuser', rel.modifiedonbehalfby, READ_ONLY),
        // "Date and time that the record was migrated": settable on create only, back-dates createdon.
        dt('overriddencreatedon', { validForUpdate: false }),
        { logicalName: 'versionnumber', type: 'BigInt', ...READ_ONLY },
        int('importsequencenumber', { validForUpdate: false }),
        int('timezoneruleversionnumber'),
        int('utcconversiontimezonecode'),
    ];
    if (o.state) cols.push(...stateColumns(o.state));
    if (o.ownershipType === 'UserOwned') {
        cols.push(
            {
                logicalName: 'ownerid',
                type: 'Owner',
                requiredLevel: 'SystemRequired',
                targets: ['systemuser', 'team'],
                // Real metadata has one relationship (owner_<table>) to the abstract "owner" table for both targets.
                relationshipNames: { systemuser: rel.ownerid, team: rel.ownerid },
            },
            { logicalName: 'owneridtype', type: 'EntityName', attributeOf: 'ownerid', ...READ_ONLY },
            lookup('owninguser', 'systemuser', rel.owninguser, READ_ONLY),
            lookup('owningteam', 'team', rel.owningteam, READ_ONLY),
            lookup('owningbusinessunit', 'businessunit', rel.owningbusinessunit, READ_ONLY),
        );
    } else if (o.ownershipType === 'OrganizationOwned') {
        cols.push(lookup('organizationid', 'organization', rel.organizationid, READ_ONLY));
    }
    return cols;
}
