/** Builders for metadata fixtures of plan tests: plain objects shaped like the metadata reader's output. */
import type {
    AttributeMetadata,
    AttributeType,
    EnvironmentMetadata,
    KeyMetadata,
    ManyToManyRelationshipMetadata,
    OneToManyRelationshipMetadata,
    OptionMetadata,
    TableMetadata,
} from '../../src/dataverse/metadata-types.js';
import { validateSpec, type MigrationSpec, type MigrationSpecInput } from '../../src/spec/index.js';

export function attr(logicalName: string, attributeType: AttributeType, extra: Partial<AttributeMetadata> = {}) {
    const base: AttributeMetadata = {
        logicalName,
        schemaName: logicalName,
        attributeType,
        isValidForCreate: true,
        isValidForUpdate: true,
        isValidForRead: true,
        isPrimaryId: false,
        isPrimaryName: false,
        requiredLevel: 'None',
        attributeOf: null,
        isCustomAttribute: false,
    };
    return { ...base, ...extra };
}

const readOnly = { isValidForCreate: false, isValidForUpdate: false };

export function options(...values: Array<[number, string]>): OptionMetadata[] {
    return values.map(([value, label]) => ({ value, label }));
}

export interface LookupSpec {
    column: string;
    targets: string[];
    required?: boolean;
    type?: 'Lookup' | 'Customer' | 'Owner';
}

export interface TableSpecFixture {
    entitySetName?: string;
    attributes?: AttributeMetadata[];
    lookups?: LookupSpec[];
    keys?: KeyMetadata[];
    manyToMany?: ManyToManyRelationshipMetadata[];
    /** Adds createdon/createdby/..., ownerid, statecode/statuscode (default true). */
    system?: boolean;
    isIntersect?: boolean;
}

/** A table with its primary id and name, system columns, lookups with their relationships and name children. */
export function table(name: string, spec: TableSpecFixture = {}): TableMetadata {
    const attributes: AttributeMetadata[] = [
        attr(`${name}id`, 'Uniqueidentifier', { isPrimaryId: true, isValidForUpdate: false }),
        attr('name', 'String', { isPrimaryName: true, maxLength: 100 }),
    ];
    if (spec.system !== false) {
        attributes.push(
            attr('createdon', 'DateTime', readOnly),
            attr('modifiedon', 'DateTime', readOnly),
            attr('overriddencreatedon', 'DateTime', { isValidForUpdate: false }),
            attr('versionnumber', 'BigInt', readOnly),
            attr('statecode', 'State', {
                options: [
                    { value: 0, label: 'Active', defaultStatus: 1 },
                    { value: 1, label: 'Inactive', defaultStatus: 2 },
                ],
            }),
            attr('statuscode', 'Status', {
                options: [
                    { value: 1, label: 'Active', state: 0 },
                    { value: 2, label: 'Inactive', state: 1 },
                ],
            }),
        );
    }
    const lookups: LookupSpec[] = [...(spec.lookups ?? [])];
    if (spec.system !== false) {
        lookups.push(
            { column: 'createdby', targets: ['systemuser'] },
            { column: 'modifiedby', targets: ['systemuser'] },
            { column: 'ownerid', targets: ['systemuser', 'team'], type: 'Owner', required: true },
            { column: 'owninguser', targets: ['systemuser'] },
            { column: 'owningbusinessunit', targets: ['businessunit'] },
        );
    }
    const manyToOne: OneToManyRelationshipMetadata[] = [];
    for (const lookup of lookups) {
        const type = lookup.type ?? (lookup.targets.length > 1 ? 'Customer' : 'Lookup');
        const systemRo = ['createdby', 'modifiedby', 'owninguser', 'owningbusinessunit'].includes(lookup.column);
        attributes.push(
            attr(lookup.column, type, {
                targets: lookup.targets,
                requiredLevel: lookup.required ? 'SystemRequired' : 'None',
                ...(systemRo ? readOnly : {}),
            }),
            attr(`${lookup.column}name`, 'String', { attributeOf: lookup.column, ...readOnly }),
        );
        const referenced = type === 'Owner' ? ['owner'] : lookup.targets;
        for (const target of referenced) {
            manyToOne.push({
                schemaName: `${name}_${lookup.column}_${target}`,
                referencedEntity: target,
                referencedAttribute: `${target}id`,
                referencingEntity: name,
                referencingAttribute: lookup.column,
                referencedEntityNavigationPropertyName: `${name}_${lookup.column}`,
                referencingEntityNavigationPropertyName:
                    referenced.length > 1 ? `${lookup.column}_${target}` : lookup.column,
            });
        }
    }
    attributes.push(...(spec.attributes ?? []));
    return {
        logicalName: name,
        schemaName: name,
        entitySetName: spec.entitySetName ?? `${name}s`,
        primaryIdAttribute: `${name}id`,
        primaryNameAttribute: 'name',
        ownershipType: spec.system === false ? 'OrganizationOwned' : 'UserOwned',
        isIntersect: spec.isIntersect ?? false,
        changeTrackingEnabled: true,
        isCustomEntity: false,
        attributes,
        keys: spec.keys ?? [],
        manyToOne,
        oneToMany: [],
        manyToMany: spec.manyToMany ?? [],
    };
}

export function environment(url: string, tables: TableMetadata[], extraNames: string[] = []): EnvironmentMetadata {
    return {
        url,
        tables: new Map(tables.map((t) => [t.logicalName, t])),
        allTableNames: [...tables.map((t) => t.logicalName), ...extraNames],
    };
}

/** Users and security roles, as Dataverse names the relationship (CMT schemas name it by its intersect table). */
export const systemUserRoles: ManyToManyRelationshipMetadata = {
    schemaName: 'systemuserroles_association',
    entity1LogicalName: 'systemuser',
    entity2LogicalName: 'role',
    intersectEntityName: 'systemuserroles',
    entity1IntersectAttribute: 'systemuserid',
    entity2IntersectAttribute: 'roleid',
    entity1NavigationPropertyName: 'systemuserroles_association',
    entity2NavigationPropertyName: 'systemuserroles_association',
};

/** The reference tables every CRM environment has. */
export function referenceTables(): TableMetadata[] {
    return [
        table('systemuser', {
            system: false,
            attributes: [
                attr('domainname', 'String'),
                attr('internalemailaddress', 'String'),
                attr('fullname', 'String'),
            ],
            manyToMany: [systemUserRoles],
        }),
        table('role', {
            system: false,
            lookups: [{ column: 'businessunitid', targets: ['businessunit'], required: true }],
            manyToMany: [systemUserRoles],
        }),
        table('systemuserroles', { system: false, isIntersect: true, entitySetName: 'systemuserrolescollection' }),
        table('team', { system: false }),
        table('businessunit', {
            system: false,
            lookups: [{ column: 'parentbusinessunitid', targets: ['businessunit'] }],
        }),
        table('transactioncurrency', { system: false, attributes: [attr('isocurrencycode', 'String')] }),
        table('organization', { system: false }),
    ];
}

export const accountContacts: ManyToManyRelationshipMetadata = {
    schemaName: 'new_account_contact',
    entity1LogicalName: 'account',
    entity2LogicalName: 'contact',
    intersectEntityName: 'new_account_contact',
    entity1IntersectAttribute: 'accountid',
    entity2IntersectAttribute: 'contactid',
    entity1NavigationPropertyName: 'new_account_contact',
    entity2NavigationPropertyName: 'new_account_contact',
};

/** A CRM-like schema: account <-> contact cycle, self-references, customer lookups, a currency, a lead outside. */
export function crmTables(): TableMetadata[] {
    return [
        table('account', {
            attributes: [
                attr('accountnumber', 'String', { maxLength: 20 }),
                attr('revenue', 'Money'),
                attr('revenue_base', 'Money', readOnly),
                attr('industrycode', 'Picklist', {
                    options: options([1, 'Accounting'], [2, 'Agriculture'], [3, 'Broadcasting']),
                }),
                attr('entityimage', 'Virtual', { attributeTypeName: 'ImageType' }),
                attr('description', 'Memo', { maxLength: 2000 }),
            ],
            lookups: [
                { column: 'primarycontactid', targets: ['contact'] },
                { column: 'parentaccountid', targets: ['account'] },
                { column: 'transactioncurrencyid', targets: ['transactioncurrency'] },
                { column: 'originatingleadid', targets: ['lead'] },
            ],
            keys: [
                {
                    logicalName: 'accountnumber_key',
                    schemaName: 'AccountNumberKey',
                    keyAttributes: ['accountnumber'],
                    entityKeyIndexStatus: 'Active',
                },
            ],
            manyToMany: [accountContacts],
        }),
        table('contact', {
            attributes: [attr('firstname', 'String', { maxLength: 50 }), attr('lastname', 'String', { maxLength: 50 })],
            lookups: [{ column: 'parentcustomerid', targets: ['account', 'contact'] }],
            manyToMany: [accountContacts],
        }),
        table('opportunity', {
            attributes: [attr('estimatedvalue', 'Money')],
            lookups: [
                { column: 'customerid', targets: ['account', 'contact'], required: true },
                { column: 'parentaccountid', targets: ['account'] },
            ],
        }),
        table('new_account_contact', { system: false, isIntersect: true, entitySetName: 'new_account_contacts' }),
        table('lead'),
        ...referenceTables(),
    ];
}

export function spec(input: Partial<MigrationSpecInput> & Pick<MigrationSpecInput, 'tables'>): MigrationSpec {
    const result = validateSpec({
        name: 'test',
        source: { url: 'http://127.0.0.1:1', credential: { type: 'none' } },
        target: { url: 'http://127.0.0.1:2', credential: { type: 'none' } },
        ...input,
    });
    if (!result.ok) throw new Error(`bad test spec: ${JSON.stringify(result.problems)}`);
    return result.spec;
}
