/**
 * The built-in `crm` schema: account, contact, lead and opportunity (and quote, salesorder, incident with their close
 * activities, crm-sales-service.ts) modeled on the real standard
 * tables (logical names, entity sets, column types and lengths, option values and relationship
 * schema names from the Dataverse / Dynamics 365 table reference), the two real many-to-many
 * relationships between them and lead, plus the system tables. Two things are ours, not standard,
 * and marked custom: the alternate key on account.accountnumber (real orgs add such keys
 * themselves) and the multi-select column new_servicesofinterest (no standard table among these
 * has one).
 */
import type { SimAttribute, SimManyToMany, SimSchema, SimTable } from '../model.js';
import {
    bool,
    customer,
    dbl,
    dec,
    dt,
    guid,
    int,
    lookup,
    memo,
    money,
    multi,
    opts,
    pick,
    primaryIdColumn,
    READ_ONLY,
    standardColumns,
    str,
    type StateModel,
    ACTIVE_INACTIVE,
    ACTIVITY_STATES,
} from './columns.js';
import { appointment, phoneCall, task } from './crm-activities.js';
import { email } from './crm-email.js';
import { activityMimeAttachment, annotation, contentColumns } from './crm-notes.js';
import { addActivityParties } from './schema-complete.js';
import { incident, incidentResolution, orderClose, quote, quoteClose, salesOrder } from './crm-sales-service.js';
import { systemTables } from './system-tables.js';

const INDUSTRY = opts(
    [1, 'Accounting'],
    [2, 'Agriculture and Non-petrol Natural Resource Extraction'],
    [3, 'Broadcasting Printing and Publishing'],
    [4, 'Brokers'],
    [5, 'Building Supply Retail'],
    [6, 'Business Services'],
    [7, 'Consulting'],
    [8, 'Consumer Services'],
    [9, 'Design, Direction and Creative Management'],
    [10, 'Distributors, Dispatchers and Processors'],
    [11, "Doctor's Offices and Clinics"],
    [12, 'Durable Manufacturing'],
    [13, 'Eating and Drinking Places'],
    [14, 'Entertainment Retail'],
    [15, 'Equipment Rental and Leasing'],
    [16, 'Financial'],
    [17, 'Food and Tobacco Processing'],
    [18, 'Inbound Capital Intensive Processing'],
    [19, 'Inbound Repair and Services'],
    [20, 'Insurance'],
    [21, 'Legal Services'],
    [22, 'Non-Durable Merchandise Retail'],
    [23, 'Outbound Consumer Service'],
    [24, 'Petrochemical Extraction and Distribution'],
    [25, 'Service Retail'],
    [26, 'SIG Affiliations'],
    [27, 'Social Services'],
    [28, 'Special Outbound Trade Contractors'],
    [29, 'Specialty Realty'],
    [30, 'Transportation'],
    [31, 'Utility Creation and Distribution'],
    [32, 'Vehicle Retail'],
    [33, 'Wholesale'],
);

const CUSTOMER_TYPE = opts(
    [1, 'Competitor'],
    [2, 'Consultant'],
    [3, 'Customer'],
    [4, 'Investor'],
    [5, 'Partner'],
    [6, 'Influencer'],
    [7, 'Press'],
    [8, 'Prospect'],
    [9, 'Reseller'],
    [10, 'Supplier'],
    [11, 'Vendor'],
    [12, 'Other'],
);

const PREFERRED_CONTACT_METHOD = opts([1, 'Any'], [2, 'Email'], [3, 'Phone'], [4, 'Fax'], [5, 'Mail']);

const LEAD_STATE: StateModel = {
    states: [
        { value: 0, label: 'Open', defaultStatus: 1 },
        { value: 1, label: 'Qualified', defaultStatus: 3 },
        { value: 2, label: 'Disqualified', defaultStatus: 6 },
    ],
    statuses: [
        { value: 1, label: 'New', state: 0 },
        { value: 2, label: 'Contacted', state: 0 },
        { value: 3, label: 'Qualified', state: 1 },
        { value: 4, label: 'Lost', state: 2 },
        { value: 5, label: 'Cannot Contact', state: 2 },
        { value: 6, label: 'No Longer Interested', state: 2 },
        { value: 7, label: 'Canceled', state: 2 },
    ],
};

const OPPORTUNITY_STATE: StateModel = {
    states: [
        { value: 0, label: 'Open', defaultStatus: 1 },
        { value: 1, label: 'Won', defaultStatus: 3 },
        { value: 2, label: 'Lost', defaultStatus: 4 },
    ],
    statuses: [
        { value: 1, label: 'In Progress', state: 0 },
        { value: 2, label: 'On Hold', state: 0 },
        { value: 3, label: 'Won', state: 1 },
        { value: 4, label: 'Canceled', state: 2 },
        { value: 5, label: 'Out-Sold', state: 2 },
    ],
};

function address1(): SimAttribute[] {
    return [
        str('address1_line1', 250),
        str('address1_city', 80),
        str('address1_stateorprovince', 50),
        str('address1_postalcode', 20),
        str('address1_country', 80),
        dbl('address1_latitude', 5),
        dbl('address1_longitude', 5),
    ];
}

const currency = (relationship: string): SimAttribute[] => [
    lookup('transactioncurrencyid', 'transactioncurrency', relationship),
    dec('exchangerate', 10, READ_ONLY),
];

function account(): SimTable {
    return {
        logicalName: 'account',
        schemaName: 'Account',
        entitySetName: 'accounts',
        primaryIdAttribute: 'accountid',
        primaryNameAttribute: 'name',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 1,
        attributes: [
            primaryIdColumn('accountid'),
            str('name', 160, { isPrimaryName: true, requiredLevel: 'ApplicationRequired' }),
            str('accountnumber', 20),
            memo('description', 2000),
            str('telephone1', 50),
            str('fax', 50),
            str('emailaddress1', 100),
            str('websiteurl', 200),
            ...address1(),
            int('numberofemployees'),
            ...money('revenue'),
            ...money('creditlimit'),
            bool('creditonhold'),
            bool('donotemail'),
            pick('industrycode', INDUSTRY),
            pick('customertypecode', CUSTOMER_TYPE),
            pick('accountcategorycode', opts([1, 'Preferred Customer'], [2, 'Standard'])),
            pick('preferredcontactmethodcode', PREFERRED_CONTACT_METHOD),
            dt('lastusedincampaign'),
            multi(
                'new_servicesofinterest',
                opts(
                    [100000000, 'Consulting'],
                    [100000001, 'Support'],
                    [100000002, 'Training'],
                    [100000003, 'Hosting'],
                ),
                { schemaName: 'new_ServicesOfInterest', isCustom: true },
            ),
            // Custom numbers at the types' full scale (research W2): an Int64 beyond 2^53, a Decimal of 10 decimals
            // up to 1e11, Money of 4 decimals up to 922,337,203,685,477: more digits than a double holds.
            { logicalName: 'new_externalsequence', schemaName: 'new_ExternalSequence', type: 'BigInt', isCustom: true },
            dec('new_exchangefactor', 10, { schemaName: 'new_ExchangeFactor', isCustom: true }),
            ...money('new_portfoliovalue', { schemaName: 'new_PortfolioValue', isCustom: true, precision: 4 }),
            ...currency('transactioncurrency_account'),
            lookup('primarycontactid', 'contact', 'account_primary_contact'),
            lookup('parentaccountid', 'account', 'account_parent_account'),
            lookup('preferredsystemuserid', 'systemuser', 'system_user_accounts'),
            ...standardColumns({
                table: 'account',
                ownershipType: 'UserOwned',
                state: ACTIVE_INACTIVE,
                relationships: {
                    createdby: 'lk_accountbase_createdby',
                    modifiedby: 'lk_accountbase_modifiedby',
                    createdonbehalfby: 'lk_accountbase_createdonbehalfby',
                    modifiedonbehalfby: 'lk_accountbase_modifiedonbehalfby',
                    ownerid: 'owner_accounts',
                    owninguser: 'user_accounts',
                    owningteam: 'team_accounts',
                    owningbusinessunit: 'business_unit_accounts',
                },
            }),
            // Content (issue 17; the generator leaves file and image columns empty): the primary image and a file
            // column of our own, as a maker adds one (FileAttributeMetadata; 32 MB is the designer's default).
            ...contentColumns({ file: 'sample_contract' }),
        ],
        keys: [
            {
                logicalName: 'new_accountnumberkey',
                schemaName: 'new_AccountNumberKey',
                keyAttributes: ['accountnumber'],
            },
        ],
    };
}

function contact(): SimTable {
    return {
        logicalName: 'contact',
        schemaName: 'Contact',
        entitySetName: 'contacts',
        primaryIdAttribute: 'contactid',
        primaryNameAttribute: 'fullname',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 2,
        attributes: [
            primaryIdColumn('contactid'),
            str('fullname', 160, { isPrimaryName: true, ...READ_ONLY }),
            str('firstname', 50, { requiredLevel: 'Recommended' }),
            str('lastname', 50, { requiredLevel: 'ApplicationRequired' }),
            str('jobtitle', 100),
            str('emailaddress1', 100),
            str('telephone1', 50),
            str('mobilephone', 50),
            ...address1(),
            dt('birthdate'),
            pick('gendercode', opts([1, 'Male'], [2, 'Female'])),
            pick('familystatuscode', opts([1, 'Single'], [2, 'Married'], [3, 'Divorced'], [4, 'Widowed'])),
            pick('preferredcontactmethodcode', PREFERRED_CONTACT_METHOD),
            int('numberofchildren'),
            ...money('annualincome'),
            bool('donotemail'),
            memo('description', 2000),
            ...customer('parentcustomerid', {
                account: 'contact_customer_accounts',
                contact: 'contact_customer_contacts',
            }),
            ...currency('transactioncurrency_contact'),
            ...standardColumns({
                table: 'contact',
                ownershipType: 'UserOwned',
                state: ACTIVE_INACTIVE,
                relationships: {
                    createdby: 'lk_contactbase_createdby',
                    modifiedby: 'lk_contactbase_modifiedby',
                    createdonbehalfby: 'lk_contact_createdonbehalfby',
                    modifiedonbehalfby: 'lk_contact_modifiedonbehalfby',
                    ownerid: 'owner_contacts',
                    owninguser: 'contact_owning_user',
                    owningteam: 'team_contacts',
                    owningbusinessunit: 'business_unit_contacts',
                },
            }),
            ...contentColumns({}),
        ],
    };
}

function lead(): SimTable {
    return {
        logicalName: 'lead',
        schemaName: 'Lead',
        entitySetName: 'leads',
        primaryIdAttribute: 'leadid',
        primaryNameAttribute: 'fullname',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 4,
        attributes: [
            primaryIdColumn('leadid'),
            str('fullname', 160, { isPrimaryName: true, ...READ_ONLY }),
            str('subject', 300, { requiredLevel: 'ApplicationRequired' }),
            str('firstname', 50),
            str('lastname', 50, { requiredLevel: 'ApplicationRequired' }),
            str('companyname', 100),
            str('jobtitle', 100),
            str('emailaddress1', 100),
            str('telephone1', 50),
            str('mobilephone', 20),
            str('websiteurl', 200),
            str('address1_city', 80),
            str('address1_country', 80),
            pick(
                'leadsourcecode',
                opts(
                    [1, 'Advertisement'],
                    [2, 'Employee Referral'],
                    [3, 'External Referral'],
                    [4, 'Partner'],
                    [5, 'Public Relations'],
                    [6, 'Seminar'],
                    [7, 'Trade Show'],
                    [8, 'Web'],
                    [9, 'Word of Mouth'],
                    [10, 'Other'],
                ),
            ),
            pick('leadqualitycode', opts([1, 'Hot'], [2, 'Warm'], [3, 'Cold'])),
            pick('industrycode', INDUSTRY),
            ...money('revenue'),
            int('numberofemployees'),
            ...money('estimatedamount'),
            dt('estimatedclosedate'),
            ...money('budgetamount'),
            bool('decisionmaker'),
            memo('description', 2000),
            lookup('parentaccountid', 'account', 'lead_parent_account'),
            lookup('parentcontactid', 'contact', 'lead_parent_contact'),
            ...customer('customerid', { account: 'lead_customer_accounts', contact: 'lead_customer_contacts' }),
            lookup('qualifyingopportunityid', 'opportunity', 'lead_qualifying_opportunity'),
            ...currency('transactioncurrency_lead'),
            ...standardColumns({
                table: 'lead',
                ownershipType: 'UserOwned',
                state: LEAD_STATE,
                relationships: {
                    createdby: 'lk_leadbase_createdby',
                    modifiedby: 'lk_leadbase_modifiedby',
                    createdonbehalfby: 'lk_lead_createdonbehalfby',
                    modifiedonbehalfby: 'lk_lead_modifiedonbehalfby',
                    ownerid: 'owner_leads',
                    owninguser: 'lead_owning_user',
                    owningteam: 'team_leads',
                    owningbusinessunit: 'business_unit_leads',
                },
            }),
        ],
    };
}

function opportunity(): SimTable {
    return {
        logicalName: 'opportunity',
        schemaName: 'Opportunity',
        entitySetName: 'opportunities',
        primaryIdAttribute: 'opportunityid',
        primaryNameAttribute: 'name',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 3,
        // Won and Lost are set by WinOpportunity / LoseOpportunity; a plain update of statecode is refused.
        dedicatedStateMessages: { 1: 'WinOpportunity', 2: 'LoseOpportunity' },
        // A won or lost opportunity is read-only until reopened (statecode 0 by update).
        readOnlyStates: { 1: 'reopen', 2: 'reopen' },
        attributes: [
            primaryIdColumn('opportunityid'),
            str('name', 300, { isPrimaryName: true, requiredLevel: 'ApplicationRequired' }),
            memo('description', 2000),
            ...money('estimatedvalue'),
            ...money('actualvalue'),
            ...money('budgetamount'),
            dt('estimatedclosedate'),
            dt('actualclosedate'),
            int('closeprobability'),
            dec('discountpercentage', 2),
            bool('isrevenuesystemcalculated'),
            pick('opportunityratingcode', opts([1, 'Hot'], [2, 'Warm'], [3, 'Cold'])),
            pick('salesstagecode', opts([0, 'Qualify'], [1, 'Develop'], [2, 'Propose'], [3, 'Close'])),
            pick(
                'purchasetimeframe',
                opts([0, 'Immediate'], [1, 'This Quarter'], [2, 'Next Quarter'], [3, 'This Year'], [4, 'Unknown']),
            ),
            // Uses the global choice `budgetstatus` (opportunity reference: GlobalChoiceName budgetstatus).
            pick('budgetstatus', opts([0, 'No Committed Budget'], [1, 'May Buy'], [2, 'Can Buy'], [3, 'Will Buy']), {
                globalOptionSet: 'budgetstatus',
            }),
            ...customer('customerid', {
                account: 'opportunity_customer_accounts',
                contact: 'opportunity_customer_contacts',
            }),
            lookup('parentaccountid', 'account', 'opportunity_parent_account'),
            lookup('parentcontactid', 'contact', 'opportunity_parent_contact'),
            lookup('originatingleadid', 'lead', 'opportunity_originating_lead'),
            ...currency('transactioncurrency_opportunity'),
            ...standardColumns({
                table: 'opportunity',
                ownershipType: 'UserOwned',
                state: OPPORTUNITY_STATE,
                relationships: {
                    createdby: 'lk_opportunitybase_createdby',
                    modifiedby: 'lk_opportunitybase_modifiedby',
                    createdonbehalfby: 'lk_opportunity_createdonbehalfby',
                    modifiedonbehalfby: 'lk_opportunity_modifiedonbehalfby',
                    ownerid: 'owner_opportunitys',
                    owninguser: 'opportunity_owning_user',
                    owningteam: 'team_opportunities',
                    owningbusinessunit: 'business_unit_opportunities',
                },
            }),
        ],
    };
}

/**
 * The activity WinOpportunity and LoseOpportunity create (opportunityclose reference, minimal): the subject, the
 * opportunity it closes, the actual revenue and end date that the opportunity's actual value and close date follow.
 */
function opportunityClose(): SimTable {
    return {
        logicalName: 'opportunityclose',
        schemaName: 'OpportunityClose',
        entitySetName: 'opportunitycloses',
        primaryIdAttribute: 'activityid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 4208,
        isActivity: true,
        attributes: [
            primaryIdColumn('activityid'),
            str('subject', 200, { isPrimaryName: true }),
            memo('description', 2000),
            lookup('opportunityid', 'opportunity', 'Opportunity_OpportunityClose'),
            ...money('actualrevenue'),
            dt('actualend'),
            ...currency('TransactionCurrency_OpportunityClose'),
            ...standardColumns({ table: 'opportunityclose', ownershipType: 'UserOwned', state: ACTIVITY_STATES }),
        ],
    };
}

/** An intersect table as Dataverse models it: ownership None, its own id, the two entity ids, read-only. */
export function intersectTable(
    logicalName: string,
    entitySetName: string,
    primaryId: string,
    attr1: string,
    attr2: string,
): SimTable {
    return {
        logicalName,
        entitySetName,
        primaryIdAttribute: primaryId,
        primaryNameAttribute: 'name',
        ownershipType: 'None',
        changeTracking: false,
        isIntersect: true,
        bulkOperations: false,
        attributes: [
            guid(primaryId, { isPrimaryId: true, ...READ_ONLY }),
            str('name', 100, READ_ONLY),
            guid(attr1, READ_ONLY),
            guid(attr2, READ_ONLY),
            { logicalName: 'versionnumber', type: 'BigInt', ...READ_ONLY },
        ],
    };
}

function manyToMany(): SimManyToMany[] {
    return [
        {
            schemaName: 'accountleads_association',
            entity1LogicalName: 'account',
            entity2LogicalName: 'lead',
            intersectEntityName: 'accountleads',
            entity1IntersectAttribute: 'accountid',
            entity2IntersectAttribute: 'leadid',
            entity1NavigationPropertyName: 'accountleads_association',
            entity2NavigationPropertyName: 'accountleads_association',
        },
        {
            schemaName: 'contactleads_association',
            entity1LogicalName: 'contact',
            entity2LogicalName: 'lead',
            intersectEntityName: 'contactleads',
            entity1IntersectAttribute: 'contactid',
            entity2IntersectAttribute: 'leadid',
            entity1NavigationPropertyName: 'contactleads_association',
            entity2NavigationPropertyName: 'contactleads_association',
        },
    ];
}

/** A fresh copy of the built-in CRM-like schema (system tables included). */
export function crmSchema(): SimSchema {
    const schema: SimSchema = {
        tables: [
            ...systemTables(),
            account(),
            contact(),
            lead(),
            opportunity(),
            opportunityClose(),
            quote(),
            salesOrder(),
            incident(),
            quoteClose(),
            orderClose(),
            incidentResolution(),
            email(),
            appointment(),
            phoneCall(),
            task(),
            annotation(),
            activityMimeAttachment(),
            intersectTable('accountleads', 'accountleadscollection', 'accountleadid', 'accountid', 'leadid'),
            intersectTable('contactleads', 'contactleadscollection', 'contactleadid', 'contactid', 'leadid'),
        ],
        manyToMany: manyToMany(),
    };
    // activityparty, the table party lists are rows of (written only with their activity).
    addActivityParties(schema);
    return schema;
}
