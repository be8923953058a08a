/**
 * The system tables every Dataverse environment has, with their real logical names, entity sets,
 * primary columns and the columns a migration touches (natural keys used to match rows between
 * environments: businessunit.name, systemuser.domainname / internalemailaddress, team.name,
 * role.name within its business unit, transactioncurrency.isocurrencycode, organization.name).
 */
import type { SimTable } from '../model.js';
import {
    memo,
    ACTIVE_INACTIVE,
    bool,
    dec,
    guid,
    int,
    lookup,
    opts,
    pick,
    primaryIdColumn,
    READ_ONLY,
    standardColumns,
    str,
} from './columns.js';

export const SYSTEM_TABLE_NAMES = [
    'businessunit',
    'systemuser',
    'team',
    'transactioncurrency',
    'organization',
    // Last, so that the ids drawn for the tables before it stay what they were before roles were modeled.
    'role',
] as const;

export function isSystemTable(logicalName: string): boolean {
    return (SYSTEM_TABLE_NAMES as readonly string[]).includes(logicalName);
}

function businessUnit(): SimTable {
    return {
        logicalName: 'businessunit',
        schemaName: 'BusinessUnit',
        entitySetName: 'businessunits',
        primaryIdAttribute: 'businessunitid',
        primaryNameAttribute: 'name',
        ownershipType: 'BusinessOwned',
        changeTracking: true,
        objectTypeCode: 10,
        attributes: [
            primaryIdColumn('businessunitid'),
            str('name', 160, { isPrimaryName: true, requiredLevel: 'SystemRequired' }),
            lookup('parentbusinessunitid', 'businessunit', 'business_unit_parent_business_unit'),
            str('divisionname', 100),
            str('emailaddress', 100),
            str('websiteurl', 200),
            bool('isdisabled', { validForCreate: false, validForUpdate: false }),
            ...standardColumns({
                table: 'businessunit',
                ownershipType: 'BusinessOwned',
                relationships: {
                    createdby: 'lk_businessunitbase_createdby',
                    modifiedby: 'lk_businessunitbase_modifiedby',
                    createdonbehalfby: 'lk_businessunit_createdonbehalfby',
                    modifiedonbehalfby: 'lk_businessunit_modifiedonbehalfby',
                },
            }),
            lookup('organizationid', 'organization', 'organization_business_units', READ_ONLY),
        ],
    };
}

function systemUser(): SimTable {
    return {
        logicalName: 'systemuser',
        schemaName: 'SystemUser',
        entitySetName: 'systemusers',
        primaryIdAttribute: 'systemuserid',
        primaryNameAttribute: 'fullname',
        ownershipType: 'BusinessOwned',
        changeTracking: true,
        objectTypeCode: 8,
        attributes: [
            primaryIdColumn('systemuserid'),
            str('fullname', 200, { isPrimaryName: true, ...READ_ONLY }),
            str('firstname', 256),
            str('lastname', 256, { requiredLevel: 'SystemRequired' }),
            str('domainname', 1024, { requiredLevel: 'SystemRequired' }),
            str('internalemailaddress', 100, { requiredLevel: 'SystemRequired' }),
            // The user's Entra ID object id: equal in two environments of one tenant, the first key to match users.
            guid('azureactivedirectoryobjectid', { validForUpdate: false }),
            // An application user's app registration (client) id (systemuser reference: ApplicationId); null for people.
            guid('applicationid'),
            str('title', 128),
            str('mobilephone', 64),
            lookup('businessunitid', 'businessunit', 'business_unit_system_users', { requiredLevel: 'SystemRequired' }),
            lookup('parentsystemuserid', 'systemuser', 'user_parent_user'),
            bool('isdisabled', READ_ONLY),
            pick(
                'accessmode',
                opts(
                    [0, 'Read-Write'],
                    [1, 'Administrative'],
                    [2, 'Read'],
                    [3, 'Support User'],
                    [4, 'Non-interactive'],
                    [5, 'Delegated Admin'],
                ),
            ),
            ...standardColumns({
                table: 'systemuser',
                ownershipType: 'BusinessOwned',
                relationships: {
                    createdby: 'lk_systemuserbase_createdby',
                    modifiedby: 'lk_systemuserbase_modifiedby',
                    createdonbehalfby: 'lk_systemuser_createdonbehalfby',
                    modifiedonbehalfby: 'lk_systemuser_modifiedonbehalfby',
                },
            }),
        ],
    };
}

function team(): SimTable {
    return {
        logicalName: 'team',
        schemaName: 'Team',
        entitySetName: 'teams',
        primaryIdAttribute: 'teamid',
        primaryNameAttribute: 'name',
        ownershipType: 'BusinessOwned',
        changeTracking: true,
        objectTypeCode: 9,
        attributes: [
            primaryIdColumn('teamid'),
            str('name', 160, { isPrimaryName: true, requiredLevel: 'SystemRequired' }),
            lookup('businessunitid', 'businessunit', 'business_unit_teams', { requiredLevel: 'SystemRequired' }),
            lookup('administratorid', 'systemuser', 'lk_teambase_administratorid', { requiredLevel: 'SystemRequired' }),
            pick('teamtype', opts([0, 'Owner'], [1, 'Access'], [2, 'Security Group'], [3, 'Office Group']), {
                validForUpdate: false,
            }),
            bool('isdefault', READ_ONLY),
            str('description', 2000),
            ...standardColumns({
                table: 'team',
                ownershipType: 'BusinessOwned',
                relationships: {
                    createdby: 'lk_teambase_createdby',
                    modifiedby: 'lk_teambase_modifiedby',
                    createdonbehalfby: 'lk_team_createdonbehalfby',
                    modifiedonbehalfby: 'lk_team_modifiedonbehalfby',
                },
            }),
        ],
    };
}

function transactionCurrency(): SimTable {
    return {
        logicalName: 'transactioncurrency',
        schemaName: 'TransactionCurrency',
        entitySetName: 'transactioncurrencies',
        primaryIdAttribute: 'transactioncurrencyid',
        primaryNameAttribute: 'currencyname',
        ownershipType: 'OrganizationOwned',
        changeTracking: true,
        objectTypeCode: 9105,
        attributes: [
            primaryIdColumn('transactioncurrencyid'),
            str('currencyname', 100, { isPrimaryName: true, requiredLevel: 'SystemRequired' }),
            str('isocurrencycode', 5, { requiredLevel: 'SystemRequired', validForUpdate: false }),
            str('currencysymbol', 13, { requiredLevel: 'SystemRequired' }),
            dec('exchangerate', 10, { requiredLevel: 'SystemRequired' }),
            int('currencyprecision', { requiredLevel: 'SystemRequired' }),
            ...standardColumns({
                table: 'transactioncurrency',
                ownershipType: 'OrganizationOwned',
                state: ACTIVE_INACTIVE,
                relationships: {
                    createdby: 'lk_transactioncurrencybase_createdby',
                    modifiedby: 'lk_transactioncurrencybase_modifiedby',
                    createdonbehalfby: 'lk_transactioncurrency_createdonbehalfby',
                    modifiedonbehalfby: 'lk_transactioncurrency_modifiedonbehalfby',
                    organizationid: 'organization_transactioncurrencies',
                },
            }),
        ],
    };
}

function organization(): SimTable {
    return {
        logicalName: 'organization',
        schemaName: 'Organization',
        entitySetName: 'organizations',
        primaryIdAttribute: 'organizationid',
        primaryNameAttribute: 'name',
        ownershipType: 'OrganizationOwned',
        changeTracking: false,
        objectTypeCode: 1019,
        bulkOperations: false,
        attributes: [
            guid('organizationid', { isPrimaryId: true, ...READ_ONLY }),
            str('name', 160, { isPrimaryName: true, validForCreate: false }),
            lookup('basecurrencyid', 'transactioncurrency', 'basecurrency_organization', { validForCreate: false }),
            // How long change-tracking tokens stay valid (days, default 7): older delta tokens are refused.
            int('expirechangetrackingindays', { validForCreate: false }),
            // The base language (LCID) chosen when the environment was created; it fixes the collation (odata/collation.ts).
            int('languagecode', { validForCreate: false, validForUpdate: false }),
            // File content limits (attachment-annotation-files.md, files-images-overview.md; server/content/org-limits.ts).
            int('maxuploadfilesize', { validForCreate: false }),
            memo('blockedattachments', 1073741823, { validForCreate: false }),
            // The organization row is never created through the API; it only carries the audit columns.
            ...standardColumns({
                table: 'organization',
                ownershipType: 'None',
                relationships: {
                    createdby: 'lk_organizationbase_createdby',
                    modifiedby: 'lk_organizationbase_modifiedby',
                    createdonbehalfby: 'lk_organization_createdonbehalfby',
                    modifiedonbehalfby: 'lk_organization_modifiedonbehalfby',
                },
            }),
        ],
    };
}

/**
 * Security roles (role table reference): business-owned, and "security roles are associated with a business unit":
 * each business unit holds its own copy of every role under the same name (businessunitid, set on create only),
 * the copies pointing to the parent unit's copy (parentroleid) and to the root unit's (parentrootroleid).
 */
function role(): SimTable {
    return {
        logicalName: 'role',
        schemaName: 'Role',
        entitySetName: 'roles',
        primaryIdAttribute: 'roleid',
        primaryNameAttribute: 'name',
        ownershipType: 'BusinessOwned',
        changeTracking: false,
        objectTypeCode: 1036,
        attributes: [
            primaryIdColumn('roleid'),
            str('name', 100, { isPrimaryName: true, requiredLevel: 'SystemRequired' }),
            lookup('businessunitid', 'businessunit', 'business_unit_roles', {
                requiredLevel: 'SystemRequired',
                validForUpdate: false,
            }),
            lookup('parentroleid', 'role', 'role_parent_role', READ_ONLY),
            lookup('parentrootroleid', 'role', 'role_parent_root_role', {
                requiredLevel: 'SystemRequired',
                ...READ_ONLY,
            }),
            ...standardColumns({
                table: 'role',
                ownershipType: 'BusinessOwned',
                relationships: {
                    createdby: 'lk_rolebase_createdby',
                    modifiedby: 'lk_rolebase_modifiedby',
                    createdonbehalfby: 'lk_role_createdonbehalfby',
                    modifiedonbehalfby: 'lk_role_modifiedonbehalfby',
                },
            }),
            lookup('organizationid', 'organization', 'organization_roles', READ_ONLY),
        ],
    };
}

/** Fresh copies of the system tables (callers may mutate them). */
export function systemTables(): SimTable[] {
    return [businessUnit(), systemUser(), team(), transactionCurrency(), organization(), role()];
}
