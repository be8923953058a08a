import { describe, expect, it } from 'vitest';
import type { SimTable } from '../src/model.js';
import { crmSchema, systemTables } from '../src/data/index.js';

const table = (tables: SimTable[], name: string): SimTable => {
    const t = tables.find((x) => x.logicalName === name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
};
const attr = (t: SimTable, name: string) => {
    const a = t.attributes.find((x) => x.logicalName === name);
    if (!a) throw new Error(`no attribute ${t.logicalName}.${name}`);
    return a;
};

describe('system tables', () => {
    it('have the real logical names, entity sets and primary columns', () => {
        const got = systemTables().map((t) => [
            t.logicalName,
            t.entitySetName,
            t.primaryIdAttribute,
            t.primaryNameAttribute,
        ]);
        expect(got).toEqual([
            ['businessunit', 'businessunits', 'businessunitid', 'name'],
            ['systemuser', 'systemusers', 'systemuserid', 'fullname'],
            ['team', 'teams', 'teamid', 'name'],
            ['transactioncurrency', 'transactioncurrencies', 'transactioncurrencyid', 'currencyname'],
            ['organization', 'organizations', 'organizationid', 'name'],
            ['role', 'roles', 'roleid', 'name'],
        ]);
        const tables = systemTables();
        expect(attr(table(tables, 'systemuser'), 'businessunitid').targets).toEqual(['businessunit']);
        expect(attr(table(tables, 'businessunit'), 'parentbusinessunitid').targets).toEqual(['businessunit']);
        expect(attr(table(tables, 'organization'), 'basecurrencyid').targets).toEqual(['transactioncurrency']);
        expect(attr(table(tables, 'team'), 'teamtype').options?.map((o) => o.value)).toContain(0);
        // Role table reference: business-owned, its business unit set on create only, copies linked to parent and root.
        const role = table(tables, 'role');
        expect(role.ownershipType).toBe('BusinessOwned');
        expect(attr(role, 'businessunitid')).toMatchObject({ targets: ['businessunit'], validForUpdate: false });
        expect(attr(role, 'parentrootroleid').targets).toEqual(['role']);
        expect(attr(role, 'name').maxLength).toBe(100);
    });
});

describe('crm schema', () => {
    const schema = crmSchema();
    const account = table(schema.tables, 'account');
    const contact = table(schema.tables, 'contact');
    const lead = table(schema.tables, 'lead');
    const opportunity = table(schema.tables, 'opportunity');

    it('has the standard tables with their entity sets, and change tracking on', () => {
        expect([account, contact, lead, opportunity].map((t) => t.entitySetName)).toEqual([
            'accounts',
            'contacts',
            'leads',
            'opportunities',
        ]);
        for (const t of [account, contact, lead, opportunity]) {
            expect(t.changeTracking).toBe(true);
            expect(t.ownershipType).toBe('UserOwned');
        }
        for (const name of ['businessunit', 'systemuser', 'team', 'transactioncurrency', 'organization'])
            expect(schema.tables.some((t) => t.logicalName === name)).toBe(true);
    });

    it('models the real relationships with their schema names', () => {
        expect(attr(account, 'primarycontactid')).toMatchObject({
            type: 'Lookup',
            targets: ['contact'],
            relationshipNames: { contact: 'account_primary_contact' },
        });
        expect(attr(account, 'parentaccountid').relationshipNames).toEqual({ account: 'account_parent_account' });
        expect(attr(contact, 'parentcustomerid')).toMatchObject({
            type: 'Customer',
            targets: ['account', 'contact'],
            relationshipNames: { account: 'contact_customer_accounts', contact: 'contact_customer_contacts' },
        });
        expect(attr(opportunity, 'customerid').relationshipNames).toEqual({
            account: 'opportunity_customer_accounts',
            contact: 'opportunity_customer_contacts',
        });
        expect(attr(opportunity, 'parentaccountid').targets).toEqual(['account']);
        expect(attr(opportunity, 'parentcontactid').targets).toEqual(['contact']);
        expect(attr(lead, 'parentaccountid').relationshipNames).toEqual({ account: 'lead_parent_account' });
        expect(attr(lead, 'parentcontactid').relationshipNames).toEqual({ contact: 'lead_parent_contact' });
        expect(attr(account, 'transactioncurrencyid').relationshipNames).toEqual({
            transactioncurrency: 'transactioncurrency_account',
        });
        for (const t of [account, contact, lead, opportunity]) {
            expect(attr(t, 'ownerid')).toMatchObject({ type: 'Owner', targets: ['systemuser', 'team'] });
            for (const ro of [
                'owninguser',
                'owningteam',
                'owningbusinessunit',
                'createdon',
                'modifiedby',
                'versionnumber',
            ])
                expect(attr(t, ro)).toMatchObject({ validForCreate: false, validForUpdate: false });
            expect(attr(t, 'overriddencreatedon')).toMatchObject({ validForUpdate: false });
            expect(attr(t, 'overriddencreatedon').validForCreate).not.toBe(false);
        }
        expect(attr(account, 'owningteam').relationshipNames).toEqual({ team: 'team_accounts' });
        expect(attr(contact, 'createdby').relationshipNames).toEqual({ systemuser: 'lk_contactbase_createdby' });
    });

    it('has real state/status pairs and the common column types', () => {
        const state = attr(account, 'statecode').options ?? [];
        const status = attr(account, 'statuscode').options ?? [];
        expect(state.map((o) => [o.value, o.defaultStatus])).toEqual([
            [0, 1],
            [1, 2],
        ]);
        expect(status.map((o) => [o.value, o.state])).toEqual([
            [1, 0],
            [2, 1],
        ]);
        const types = new Set(account.attributes.map((a) => a.type));
        for (const t of [
            'String',
            'Memo',
            'Integer',
            'Double',
            'Money',
            'Boolean',
            'DateTime',
            'Picklist',
            'MultiSelectPicklist',
        ])
            expect(types).toContain(t);
        expect(attr(account, 'name').maxLength).toBe(160);
        expect(attr(account, 'industrycode').options?.find((o) => o.value === 7)?.label).toBe('Consulting');
        expect(attr(account, 'revenue_base')).toMatchObject({ type: 'Money', validForCreate: false });
        expect(attr(opportunity, 'discountpercentage')).toMatchObject({ type: 'Decimal', precision: 2 });
    });

    it('has the alternate key on accountnumber', () => {
        expect(account.keys).toEqual([expect.objectContaining({ keyAttributes: ['accountnumber'] })]);
    });

    it('has the two real many-to-many relationships and their intersect tables', () => {
        expect(schema.manyToMany).toEqual([
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
        ]);
        const intersect = table(schema.tables, 'accountleads');
        expect(intersect).toMatchObject({
            isIntersect: true,
            entitySetName: 'accountleadscollection',
            ownershipType: 'None',
        });
        expect(table(schema.tables, 'contactleads').entitySetName).toBe('contactleadscollection');
    });

    it('returns a fresh copy each time', () => {
        const a = crmSchema();
        a.tables.pop();
        expect(crmSchema().tables.length).toBe(a.tables.length + 1);
    });
});
