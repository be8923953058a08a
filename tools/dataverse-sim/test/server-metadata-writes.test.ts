/**
 * Metadata writes against the documented requests and responses (create-update-entity-definitions-using-web-api.md,
 * create-update-column-definitions-using-web-api.md, create-update-entity-relationships-using-web-api.md,
 * create-update-optionsets.md, define-alternate-keys-entity.md): one simulator for the file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCustomizationsFile } from '../src/server/metadata-writes/config.js';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';
import { label, tableBody } from './metadata-writes-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({
        customizations: {
            publishers: [{ uniqueName: 'examplepublisher', prefix: 'sample', optionValuePrefix: 72700 }],
            solutions: [{ uniqueName: 'examplesolution', publisher: 'examplepublisher' }],
        },
    }));
});
afterAll(async () => {
    await sim.close();
});

const SOLUTION = { 'MSCRM.SolutionUniqueName': 'examplesolution' };

describe('POST EntityDefinitions', () => {
    it('creates a table: 204 with OData-EntityId, readable metadata, an empty queryable entity set', async () => {
        const r = await client.post('EntityDefinitions', tableBody('sample_BankAccount'), SOLUTION);
        expect(r.status).toBe(204);
        const uri = r.headers.get('OData-EntityId')!;
        expect(uri).toMatch(/\/api\/data\/v9\.2\/EntityDefinitions\([0-9a-f-]{36}\)$/);
        const entity = await client.get(uri.slice(uri.indexOf('EntityDefinitions')));
        expect(entity.status).toBe(200);
        expect(entity.json).toMatchObject({
            LogicalName: 'sample_bankaccount',
            SchemaName: 'sample_BankAccount',
            EntitySetName: 'sample_bankaccounts',
            LogicalCollectionName: 'sample_bankaccounts',
            PrimaryIdAttribute: 'sample_bankaccountid',
            PrimaryNameAttribute: 'sample_name',
            OwnershipType: 'UserOwned',
            IsCustomEntity: true,
            HasActivities: false,
            HasNotes: false,
        });
        expect(entity.json.DisplayName.UserLocalizedLabel.Label).toBe('Bank Account');
        expect(entity.json.DisplayCollectionName.UserLocalizedLabel.Label).toBe('Bank Accounts');
        const attrs = await client.get(
            "EntityDefinitions(LogicalName='sample_bankaccount')/Attributes?$select=LogicalName,IsPrimaryName,IsCustomAttribute",
        );
        const names = attrs.json.value.map((a: { LogicalName: string }) => a.LogicalName);
        expect(names).toEqual(
            expect.arrayContaining([
                'sample_bankaccountid',
                'sample_name',
                'ownerid',
                'owningbusinessunit',
                'statecode',
            ]),
        );
        const rows = await client.get('sample_bankaccounts');
        expect(rows.status).toBe(200);
        expect(rows.json.value).toEqual([]);
        const id = await client.create('sample_bankaccounts', { sample_name: 'Checking' });
        const row = await client.get(`sample_bankaccounts(${id})?$select=sample_name,_ownerid_value,statecode`);
        expect(row.json.sample_name).toBe('Checking');
        expect(row.json._ownerid_value).toBeTruthy();
        const long = await client.post('sample_bankaccounts', { sample_name: 'x'.repeat(101) });
        expect(long.status).toBe(400);
        const components = await client.get(
            `solutioncomponents?$filter=componenttype eq 1 and objectid eq ${entity.json.MetadataId as string}`,
        );
        expect(components.json.value).toHaveLength(2); // Default and examplesolution
    });

    it('creates an organization-owned table with the organization column and no owner', async () => {
        const r = await client.post(
            'EntityDefinitions',
            tableBody('new_Category', { OwnershipType: 'OrganizationOwned' }),
        );
        expect(r.status).toBe(204);
        const entity = await client.get(
            "EntityDefinitions(LogicalName='new_category')?$select=EntitySetName,OwnershipType&$expand=Attributes($select=LogicalName)",
        );
        expect(entity.json.EntitySetName).toBe('new_categories');
        const names = entity.json.Attributes.map((a: { LogicalName: string }) => a.LogicalName);
        expect(names).toContain('organizationid');
        expect(names).not.toContain('ownerid');
    });

    it('lets a client read the publishers and their prefixes, and the solutions', async () => {
        const publishers = await client.get('publishers?$select=uniquename,customizationprefix');
        expect(publishers.json.value.map((p: { customizationprefix: string }) => p.customizationprefix)).toEqual([
            'new',
            'sample',
        ]);
        const solutions = await client.get("solutions?$select=uniquename&$filter=uniquename eq 'examplesolution'");
        expect(solutions.json.value).toHaveLength(1);
    });

    it('refuses a name without a known prefix, a name in use, an invalid name and a missing primary name', async () => {
        const noPrefix = await client.post('EntityDefinitions', tableBody('contoso_Thing'));
        expect(noPrefix.status).toBe(400);
        expect(noPrefix.json.error.code).toBe('0x80040203');
        expect(noPrefix.json.error.message).toContain("'new_', 'sample_'");
        const again = await client.post('EntityDefinitions', tableBody('sample_BankAccount'));
        expect(again.status).toBe(400);
        expect(again.json.error.message).toContain("'sample_bankaccount' already exists");
        const invalid = await client.post('EntityDefinitions', tableBody('sample_Bank Account'));
        expect(invalid.status).toBe(400);
        expect(invalid.json.error.message).toContain('is not valid');
        const noName = await client.post('EntityDefinitions', tableBody('sample_NoName', { Attributes: [] }));
        expect(noName.status).toBe(400);
        expect(noName.json.error.message).toContain('Attributes');
        const noDisplay = await client.post(
            'EntityDefinitions',
            tableBody('sample_NoDisplay', { DisplayName: undefined }),
        );
        expect(noDisplay.status).toBe(400);
        expect(noDisplay.json.error.message).toContain('DisplayName');
        const unknown = await client.post('EntityDefinitions', tableBody('sample_Other'), {
            'MSCRM.SolutionUniqueName': 'nosuchsolution',
        });
        expect(unknown.status).toBe(404);
        expect(unknown.json.error.message).toContain('nosuchsolution');
        const absent = await client.get("EntityDefinitions(LogicalName='sample_other')");
        expect(absent.status).toBe(404);
    });
});

describe('POST EntityDefinitions(...)/Attributes and GlobalOptionSetDefinitions', () => {
    const TABLE = "EntityDefinitions(LogicalName='sample_bankaccount')";
    const column = (type: string, schemaName: string, extra: Record<string, unknown> = {}) => ({
        '@odata.type': `Microsoft.Dynamics.CRM.${type}AttributeMetadata`,
        SchemaName: schemaName,
        DisplayName: label(schemaName),
        RequiredLevel: { Value: 'None' },
        ...extra,
    });
    const option = (value: number, text: string) => ({ Value: value, Label: label(text) });

    beforeAll(async () => {
        const global = await client.post(
            'GlobalOptionSetDefinitions',
            {
                '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
                Name: 'sample_colors',
                DisplayName: label('Colors'),
                IsGlobal: true,
                OptionSetType: 'Picklist',
                Options: [option(727000000, 'Red'), option(727000001, 'Green')],
            },
            SOLUTION,
        );
        expect(global.status).toBe(204);
        const bodies = [
            column('String', 'sample_BankName', { MaxLength: 50, FormatName: { Value: 'Email' } }),
            column('Memo', 'sample_Notes', { MaxLength: 500, Format: 'TextArea' }),
            column('Integer', 'sample_Rank', { MinValue: 0, MaxValue: 100, Format: 'None' }),
            column('BigInt', 'sample_Big'),
            column('Decimal', 'sample_Rate', { Precision: 3, MinValue: 0, MaxValue: 1000 }),
            column('Double', 'sample_Score', { Precision: 4 }),
            column('Money', 'sample_Balance', { PrecisionSource: 2, Precision: 2 }),
            column('Boolean', 'sample_Vip', {
                OptionSet: {
                    TrueOption: option(1, 'Very'),
                    FalseOption: option(0, 'Not at all'),
                    OptionSetType: 'Boolean',
                },
            }),
            column('DateTime', 'sample_Checked', { Format: 'DateOnly', DateTimeBehavior: { Value: 'DateOnly' } }),
            column('Picklist', 'sample_Kind', {
                OptionSet: {
                    IsGlobal: false,
                    OptionSetType: 'Picklist',
                    Options: [option(727000000, 'Alpha'), option(727000001, 'Bravo')],
                },
            }),
            column('MultiSelectPicklist', 'sample_Tags', {
                OptionSet: {
                    IsGlobal: false,
                    OptionSetType: 'Picklist',
                    Options: [option(1, 'One'), option(2, 'Two'), option(3, 'Three')],
                },
            }),
            column('Picklist', 'sample_Color', {
                'GlobalOptionSet@odata.bind': "/GlobalOptionSetDefinitions(Name='sample_colors')",
            }),
        ];
        for (const body of bodies) {
            const r = await client.post(`${TABLE}/Attributes`, body, SOLUTION);
            expect(r.status, `${body.SchemaName}: ${r.text}`).toBe(204);
            expect(r.headers.get('OData-EntityId')).toMatch(/Attributes\([0-9a-f-]{36}\)$/);
        }
    });

    it('serves each created column in the metadata shape of its type', async () => {
        const get = async (cast: string, select: string) =>
            (await client.get(`${TABLE}/Attributes/Microsoft.Dynamics.CRM.${cast}?$select=LogicalName,${select}`)).json
                .value as Array<Record<string, unknown>>;
        const one = (list: Array<Record<string, unknown>>, name: string) => list.find((a) => a.LogicalName === name)!;
        expect(one(await get('StringAttributeMetadata', 'MaxLength,FormatName'), 'sample_bankname')).toMatchObject({
            MaxLength: 50,
            FormatName: { Value: 'Email' },
        });
        expect(one(await get('MemoAttributeMetadata', 'MaxLength'), 'sample_notes').MaxLength).toBe(500);
        expect(one(await get('IntegerAttributeMetadata', 'MinValue,MaxValue'), 'sample_rank')).toMatchObject({
            MinValue: 0,
            MaxValue: 100,
        });
        expect(one(await get('DecimalAttributeMetadata', 'Precision,MaxValue'), 'sample_rate')).toMatchObject({
            Precision: 3,
            MaxValue: 1000,
        });
        expect(one(await get('DoubleAttributeMetadata', 'Precision'), 'sample_score').Precision).toBe(4);
        const money = await get('MoneyAttributeMetadata', 'Precision');
        expect(money.map((a) => a.LogicalName).sort()).toEqual(['sample_balance', 'sample_balance_base']);
        expect(one(await get('DateTimeAttributeMetadata', 'Format,DateTimeBehavior'), 'sample_checked')).toMatchObject({
            Format: 'DateOnly',
            DateTimeBehavior: { Value: 'DateOnly' },
        });
        expect(one(await get('BigIntAttributeMetadata', 'AttributeType'), 'sample_big').AttributeType).toBe('BigInt');
        const bool = await client.get(
            `${TABLE}/Attributes(LogicalName='sample_vip')/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$select=LogicalName&$expand=OptionSet`,
        );
        expect(bool.json.OptionSet.TrueOption.Label.UserLocalizedLabel.Label).toBe('Very');
        expect(bool.json.OptionSet.FalseOption.Label.UserLocalizedLabel.Label).toBe('Not at all');
        const choices = await client.get(
            `${TABLE}/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet,GlobalOptionSet`,
        );
        const kind = one(choices.json.value, 'sample_kind') as {
            OptionSet: { Options: Array<{ Value: number }>; IsGlobal: boolean };
        };
        expect(kind.OptionSet.Options.map((o) => o.Value)).toEqual([727000000, 727000001]);
        expect(kind.OptionSet.IsGlobal).toBe(false);
        const color = one(choices.json.value, 'sample_color') as { GlobalOptionSet: { Name: string } };
        expect(color.GlobalOptionSet.Name).toBe('sample_colors');
        const global = await client.get("GlobalOptionSetDefinitions(Name='sample_colors')");
        expect(global.json.Options.map((o: { Value: number }) => o.Value)).toEqual([727000000, 727000001]);
        const multi = await client.get(
            `${TABLE}/Attributes(LogicalName='sample_tags')?$select=AttributeType,AttributeTypeName`,
        );
        expect(multi.json).toMatchObject({
            AttributeType: 'Virtual',
            AttributeTypeName: { Value: 'MultiSelectPicklistType' },
        });
    });

    it('writes, reads, filters and validates values of the created columns like built-in ones', async () => {
        const id = await client.create('sample_bankaccounts', {
            sample_name: 'Savings',
            sample_bankname: 'bank@example.com',
            sample_rank: 7,
            sample_big: 9007199254740,
            sample_rate: 1.2345,
            sample_balance: 10.5,
            sample_vip: true,
            sample_checked: '2026-01-02T00:00:00Z',
            sample_kind: 727000001,
            sample_tags: '1,3',
            sample_color: 727000000,
        });
        const row = await client.get(
            `sample_bankaccounts(${id})?$select=sample_rate,sample_kind,sample_tags,sample_vip,_transactioncurrencyid_value`,
        );
        expect(row.json).toMatchObject({
            sample_rate: 1.235,
            sample_kind: 727000001,
            sample_tags: '1,3',
            sample_vip: true,
        });
        expect(row.json._transactioncurrencyid_value).toBeTruthy();
        const filtered = await client.get(
            'sample_bankaccounts?$select=sample_name&$filter=sample_rank eq 7 and sample_kind eq 727000001',
        );
        expect(filtered.json.value.map((r: { sample_name: string }) => r.sample_name)).toEqual(['Savings']);
        const badChoice = await client.post('sample_bankaccounts', { sample_name: 'x', sample_color: 5 });
        expect(badChoice.status).toBe(400);
        expect(badChoice.json.error.code).toBe('0x8004431a');
        const tooLong = await client.post('sample_bankaccounts', { sample_name: 'x', sample_bankname: 'y'.repeat(51) });
        expect(tooLong.json.error.code).toBe('0x80044331');
    });

    it('refuses invalid column definitions with the service errors', async () => {
        const range = await client.post(
            `${TABLE}/Attributes`,
            column('Decimal', 'sample_Wide', { MinValue: 0, MaxValue: 1e12 }),
        );
        expect(range.status).toBe(400);
        expect(range.json.error.code).toBe('0x8009049C');
        expect(range.json.error.message).toMatch(
            /^Min\/max values are out of range for 'sample_Wide' attribute with AttributeId [0-9a-f-]{36}\. MinValue: 0, MaxValue: 1000000000000, ValueLowerLimit:-100000000000, ValueUpperLimit: 100000000000\.$/,
        );
        const length = await client.post(`${TABLE}/Attributes`, column('String', 'sample_Huge', { MaxLength: 5000 }));
        expect(length.status).toBe(400);
        expect(length.json.error.message).toContain('MaxLength');
        const again = await client.post(`${TABLE}/Attributes`, column('String', 'sample_BankName'));
        expect(again.json.error.message).toContain("'sample_bankname' already exists");
        const prefix = await client.post(`${TABLE}/Attributes`, column('String', 'other_Field'));
        expect(prefix.json.error.code).toBe('0x80040203');
        const lookup = await client.post(`${TABLE}/Attributes`, column('Lookup', 'sample_Parent'));
        expect(lookup.json.error.message).toContain('relationship');
        const noOptions = await client.post(`${TABLE}/Attributes`, column('Picklist', 'sample_Empty'));
        expect(noOptions.json.error.message).toContain('OptionSet');
        const noGlobal = await client.post(
            `${TABLE}/Attributes`,
            column('Picklist', 'sample_Nothing', {
                'GlobalOptionSet@odata.bind': "/GlobalOptionSetDefinitions(Name='sample_none')",
            }),
        );
        expect(noGlobal.status).toBe(404);
        const noTable = await client.post(
            "EntityDefinitions(LogicalName='sample_none')/Attributes",
            column('String', 'sample_X'),
        );
        expect(noTable.status).toBe(404);
        const names = (await client.get(`${TABLE}/Attributes?$select=LogicalName`)).json.value.map(
            (a: { LogicalName: string }) => a.LogicalName,
        );
        expect(names).not.toEqual(expect.arrayContaining(['sample_wide']));
        expect(names).not.toContain('sample_huge');
    });
});

describe('POST RelationshipDefinitions', () => {
    const relationship = (schemaName: string, referenced: string, lookup: string) => ({
        '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
        SchemaName: schemaName,
        ReferencedEntity: referenced,
        ReferencingEntity: 'sample_bankaccount',
        CascadeConfiguration: { Assign: 'NoCascade', Delete: 'RemoveLink', Merge: 'NoCascade' },
        Lookup: {
            '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata',
            AttributeType: 'Lookup',
            SchemaName: lookup,
            DisplayName: label(lookup),
            RequiredLevel: { Value: 'None' },
        },
    });

    it('creates lookups to an existing table, to a new table and to the table itself, usable with @odata.bind', async () => {
        for (const [schemaName, referenced, lookup] of [
            ['sample_contact_sample_bankaccount', 'contact', 'sample_ContactId'],
            ['sample_new_category_sample_bankaccount', 'new_category', 'sample_CategoryId'],
            ['sample_bankaccount_parent', 'sample_bankaccount', 'sample_ParentId'],
        ] as const) {
            const r = await client.post(
                'RelationshipDefinitions',
                relationship(schemaName, referenced, lookup),
                SOLUTION,
            );
            expect(r.status, r.text).toBe(204);
            expect(r.headers.get('OData-EntityId')).toMatch(/RelationshipDefinitions\([0-9a-f-]{36}\)$/);
        }
        const many = await client.get(
            "EntityDefinitions(LogicalName='sample_bankaccount')/ManyToOneRelationships?$select=SchemaName,ReferencedEntity,ReferencingAttribute,ReferencingEntityNavigationPropertyName,IsCustomRelationship",
        );
        const self = many.json.value.find((r: { SchemaName: string }) => r.SchemaName === 'sample_bankaccount_parent');
        expect(self).toMatchObject({
            ReferencedEntity: 'sample_bankaccount',
            ReferencingAttribute: 'sample_parentid',
            ReferencingEntityNavigationPropertyName: 'sample_ParentId',
            IsCustomRelationship: true,
        });
        const byName = await client.get("RelationshipDefinitions(SchemaName='sample_contact_sample_bankaccount')");
        expect(byName.json.ReferencedAttribute).toBe('contactid');
        const lookups = await client.get(
            "EntityDefinitions(LogicalName='sample_bankaccount')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets&$filter=IsCustomAttribute eq true",
        );
        expect(lookups.json.value.map((a: { LogicalName: string }) => a.LogicalName).sort()).toEqual([
            'sample_categoryid',
            'sample_contactid',
            'sample_parentid',
        ]);

        const contact = await client.create('contacts', { lastname: 'Holder' });
        const category = await client.create('new_categories', { new_name: 'Retail' });
        const parent = await client.create('sample_bankaccounts', { sample_name: 'Parent' });
        const child = await client.create('sample_bankaccounts', {
            sample_name: 'Child',
            'sample_ContactId@odata.bind': `/contacts(${contact})`,
            'sample_CategoryId@odata.bind': `/new_categories(${category})`,
            'sample_ParentId@odata.bind': `/sample_bankaccounts(${parent})`,
        });
        const row = await client.get(
            `sample_bankaccounts(${child})?$select=_sample_contactid_value,_sample_categoryid_value,_sample_parentid_value`,
        );
        expect(row.json).toMatchObject({
            _sample_contactid_value: contact,
            _sample_categoryid_value: category,
            _sample_parentid_value: parent,
        });
        const missing = await client.post('sample_bankaccounts', {
            sample_name: 'Orphan',
            'sample_ParentId@odata.bind': '/sample_bankaccounts(00000000-0000-0000-0000-000000000001)',
        });
        expect(missing.status).toBe(404);
    });

    it('creates a many-to-many relationship with its intersect table, whose pairs associate through $ref', async () => {
        const r = await client.post(
            'RelationshipDefinitions',
            {
                '@odata.type': 'Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
                SchemaName: 'sample_bankaccount_contact',
                Entity1LogicalName: 'sample_bankaccount',
                Entity2LogicalName: 'contact',
                IntersectEntityName: 'sample_bankaccount_contact',
            },
            SOLUTION,
        );
        expect(r.status, r.text).toBe(204);
        const rel = await client.get(
            "RelationshipDefinitions(SchemaName='sample_bankaccount_contact')/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata",
        );
        expect(rel.json).toMatchObject({
            Entity1IntersectAttribute: 'sample_bankaccountid',
            Entity2IntersectAttribute: 'contactid',
            Entity1NavigationPropertyName: 'sample_bankaccount_contact',
        });
        const account = await client.create('sample_bankaccounts', { sample_name: 'Joint' });
        const contact = await client.create('contacts', { lastname: 'Partner' });
        const ref = await client.post(`sample_bankaccounts(${account})/sample_bankaccount_contact/$ref`, {
            '@odata.id': `${client.api}contacts(${contact})`,
        });
        expect(ref.status, ref.text).toBe(204);
        const related = await client.get(`sample_bankaccounts(${account})/sample_bankaccount_contact?$select=lastname`);
        expect(related.json.value.map((c: { lastname: string }) => c.lastname)).toEqual(['Partner']);
        const pairs = await client.get('sample_bankaccount_contactset?$select=sample_bankaccountid,contactid');
        expect(pairs.json.value).toEqual([
            expect.objectContaining({ sample_bankaccountid: account, contactid: contact }),
        ]);
    });

    it('refuses a relationship to a table that does not exist, a name in use and an unknown kind', async () => {
        const noTable = await client.post(
            'RelationshipDefinitions',
            relationship('sample_x_y', 'sample_none', 'sample_NoneId'),
        );
        expect(noTable.status).toBe(404);
        const again = await client.post(
            'RelationshipDefinitions',
            relationship('sample_bankaccount_parent', 'sample_bankaccount', 'sample_OtherId'),
        );
        expect(again.json.error.message).toContain("'sample_bankaccount_parent' already exists");
        const lookupTaken = await client.post(
            'RelationshipDefinitions',
            relationship('sample_bankaccount_parent2', 'sample_bankaccount', 'sample_ParentId'),
        );
        expect(lookupTaken.json.error.message).toContain("'sample_parentid' already exists");
        const untyped = await client.post('RelationshipDefinitions', { SchemaName: 'sample_accounts_campaigns' });
        expect(untyped.status).toBe(400);
        expect(untyped.json.error.message).toContain('@odata.type');
        const incomplete = await client.post('RelationshipDefinitions', {
            '@odata.type': 'Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
            SchemaName: 'sample_accounts_campaigns',
        });
        expect(incomplete.status).toBe(400);
        expect(incomplete.json.error.message).toContain('Entity1LogicalName');
    });
});

describe('POST EntityDefinitions(...)/Keys', () => {
    const TABLE = "EntityDefinitions(LogicalName='sample_bankaccount')";
    const key = (schemaName: string, columns: string[]) => ({
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityKeyMetadata',
        SchemaName: schemaName,
        DisplayName: label(schemaName),
        KeyAttributes: columns,
    });
    const status = async (name: string) =>
        (await client.get(`${TABLE}/Keys?$select=LogicalName,EntityKeyIndexStatus`)).json.value.find(
            (k: { LogicalName: string }) => k.LogicalName === name,
        )?.EntityKeyIndexStatus as string;

    it('builds the index asynchronously: Pending, InProgress, then Active; only then does the key address rows', async () => {
        await client.create('sample_bankaccounts', { sample_name: 'Keyed', sample_bankname: 'key-1@example.com' });
        const r = await client.post(`${TABLE}/Keys`, key('sample_BankNameKey', ['sample_bankname']), SOLUTION);
        expect(r.status, r.text).toBe(204);
        expect(r.headers.get('OData-EntityId')).toMatch(/Keys\([0-9a-f-]{36}\)$/);
        const byKey = "sample_bankaccounts(sample_bankname='key-1@example.com')?$select=sample_name";
        const early = await client.get(byKey);
        expect(early.status).toBe(400);
        expect(early.json.error.message).toContain('The key in the request URI is not valid');
        expect(await status('sample_banknamekey')).toBe('Pending');
        expect(await status('sample_banknamekey')).toBe('InProgress');
        expect(await status('sample_banknamekey')).toBe('Active');
        const found = await client.get(byKey);
        expect(found.json.sample_name).toBe('Keyed');
        const duplicate = await client.post('sample_bankaccounts', {
            sample_name: 'Twin',
            sample_bankname: 'KEY-1@example.com',
        });
        expect(duplicate.status).toBe(412);
        expect(duplicate.json.error.code).toBe('0x80040237');
    });

    it('ends Failed over duplicate values, and refuses keys on unknown or unsuitable columns', async () => {
        await client.create('sample_bankaccounts', { sample_name: 'Same', sample_rank: 3 });
        await client.create('sample_bankaccounts', { sample_name: 'Same', sample_rank: 3 });
        expect(
            (await client.post(`${TABLE}/Keys`, key('sample_NameRankKey', ['sample_name', 'sample_rank']))).status,
        ).toBe(204);
        sim.completeKeyIndexes();
        expect(await status('sample_namerankkey')).toBe('Failed');
        const byKey = await client.get("sample_bankaccounts(sample_name='Same',sample_rank=3)");
        expect(byKey.status).toBe(400);
        const unknown = await client.post(`${TABLE}/Keys`, key('sample_NoKey', ['sample_nothing']));
        expect(unknown.status).toBe(400);
        expect(unknown.json.error.message).toContain("no column 'sample_nothing'");
        const memo = await client.post(`${TABLE}/Keys`, key('sample_MemoKey', ['sample_notes']));
        expect(memo.json.error.message).toContain('Memo');
    });
});

describe('PublishXml, PublishAllXml and the customization lock', () => {
    it('accepts PublishXml and PublishAllXml', async () => {
        const one = await client.post('PublishXml', {
            ParameterXml: '<importexportxml><entities><entity>sample_bankaccount</entity></entities></importexportxml>',
        });
        expect(one.status).toBe(204);
        expect((await client.post('PublishAllXml', {})).status).toBe(204);
        const noXml = await client.post('PublishXml', {});
        expect(noXml.status).toBe(400);
    });

    it('answers every metadata write with the lock error while another customization runs, then lets it through', async () => {
        const held = sim.holdCustomizationLock();
        const column = {
            '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
            SchemaName: 'sample_Locked',
            MaxLength: 10,
        };
        const refused = await client.post("EntityDefinitions(LogicalName='sample_bankaccount')/Attributes", column);
        expect(refused.status).toBe(429);
        expect(refused.json.error).toEqual({
            code: '0x80071151',
            message:
                'Cannot start another [EntityCustomization] because there is a previous [EntityCustomization] running at this moment. Use Solution History for more details.',
        });
        expect(refused.headers.get('Retry-After')).toBeNull();
        const publish = await client.post('PublishAllXml', {});
        expect(publish.json.error.message).toBe(
            'Cannot start the requested operation [PublishAll] because there is another [EntityCustomization] running at this moment. Use Solution History for more details.',
        );
        const table = await client.post('EntityDefinitions', tableBody('sample_Locked'));
        expect(table.status).toBe(429);
        expect((await client.get("EntityDefinitions(LogicalName='sample_locked')")).status).toBe(404);
        held.release();
        const retried = await client.post("EntityDefinitions(LogicalName='sample_bankaccount')/Attributes", column);
        expect(retried.status).toBe(204);
    });
});

describe('customization lock contention', () => {
    let busy: Simulator;
    let busyClient: Client;
    beforeAll(async () => {
        ({ sim: busy, client: busyClient } = await startTestSimulator({
            customizations: { metadataLock: { refusalsAfterWrite: 1 }, keyIndexReads: 0 },
        }));
    });
    afterAll(async () => {
        await busy.close();
    });

    it('refuses the write after each one that succeeded, so a client that waits and retries gets through', async () => {
        expect((await busyClient.post('EntityDefinitions', tableBody('new_Project'))).status).toBe(204);
        const column = { '@odata.type': 'Microsoft.Dynamics.CRM.IntegerAttributeMetadata', SchemaName: 'new_Hours' };
        const first = await busyClient.post("EntityDefinitions(LogicalName='new_project')/Attributes", column);
        expect(first.status).toBe(429);
        expect(first.json.error.code).toBe('0x80071151');
        expect((await busyClient.post("EntityDefinitions(LogicalName='new_project')/Attributes", column)).status).toBe(
            204,
        );
        const keyed = await busyClient.post("EntityDefinitions(LogicalName='new_project')/Keys", {
            SchemaName: 'new_HoursKey',
            KeyAttributes: ['new_hours'],
        });
        expect(keyed.status).toBe(429);
        const again = await busyClient.post("EntityDefinitions(LogicalName='new_project')/Keys", {
            SchemaName: 'new_HoursKey',
            KeyAttributes: ['new_hours'],
        });
        expect(again.status).toBe(204);
        const keys = await busyClient.get(
            "EntityDefinitions(LogicalName='new_project')/Keys?$select=EntityKeyIndexStatus",
        );
        expect(keys.json.value).toEqual([expect.objectContaining({ EntityKeyIndexStatus: 'Active' })]);
    });
});

describe('test endpoints and configuration', () => {
    it('holds and releases the lock and completes key indexes through /_sim endpoints', async () => {
        const post = (path: string, body: unknown) =>
            fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
        expect((await post('/_sim/customization-lock', { hold: 'Import' })).status).toBe(204);
        const refused = await client.post('PublishAllXml', {});
        expect(refused.json.error.message).toContain('because there is another [Import] running');
        expect((await post('/_sim/customization-lock', { release: true })).status).toBe(204);
        expect((await client.post('PublishAllXml', {})).status).toBe(204);
        expect((await post('/_sim/customization-lock', { hold: 'Nothing' })).status).toBe(400);
        const key = await client.post("EntityDefinitions(LogicalName='new_category')/Keys", {
            SchemaName: 'new_NameKey',
            KeyAttributes: ['new_name'],
        });
        expect(key.status).toBe(204);
        expect((await post('/_sim/complete-key-indexes', {})).status).toBe(204);
        const keys = await client.get(
            "EntityDefinitions(LogicalName='new_category')/Keys?$select=EntityKeyIndexStatus",
        );
        expect(keys.json.value[0].EntityKeyIndexStatus).toBe('Active');
    });

    it('refuses a bad customizations configuration, naming every problem', () => {
        const dir = mkdtempSync(join(tmpdir(), 'sim-customizations-'));
        const file = join(dir, 'customizations.json');
        writeFileSync(
            file,
            JSON.stringify({
                publishers: [{ uniqueName: 'contoso', prefix: 'C' }],
                solutions: [{ uniqueName: 'sales', publisher: 'fabrikam' }],
            }),
        );
        expect(() => loadCustomizationsFile(file)).toThrow(/customizations\.publishers\.0\.prefix/);
        writeFileSync(file, JSON.stringify({ solutions: [{ uniqueName: 'sales', publisher: 'fabrikam' }] }));
        expect(() => loadCustomizationsFile(file)).toThrow(/no publisher 'fabrikam'/);
        writeFileSync(file, JSON.stringify({ publishers: [{ uniqueName: 'contoso', prefix: 'cont' }] }));
        expect(loadCustomizationsFile(file)).toEqual({ publishers: [{ uniqueName: 'contoso', prefix: 'cont' }] });
    });
});

describe('key index jobs that take environment time', () => {
    let slow: Simulator;
    let slowClient: Client;
    beforeAll(async () => {
        ({ sim: slow, client: slowClient } = await startTestSimulator({
            customizations: { keyIndexDelayMs: 60_000 },
        }));
    });
    afterAll(async () => {
        await slow.close();
    });

    it('stays InProgress however often it is read, and is Active once the delay has passed', async () => {
        expect((await slowClient.post('EntityDefinitions', tableBody('new_Slow'))).status).toBe(204);
        const key = await slowClient.post("EntityDefinitions(LogicalName='new_slow')/Keys", {
            SchemaName: 'new_NameKey',
            KeyAttributes: ['new_name'],
        });
        expect(key.status).toBe(204);
        const status = async () =>
            (await slowClient.get("EntityDefinitions(LogicalName='new_slow')/Keys?$select=EntityKeyIndexStatus")).json
                .value[0].EntityKeyIndexStatus as string;
        expect(await status()).toBe('Pending');
        for (let i = 0; i < 4; i++) expect(await status()).toBe('InProgress');
        slow.advanceClock(60_000);
        expect(await status()).toBe('Active');
    });
});
