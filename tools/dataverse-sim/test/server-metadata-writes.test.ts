/**
 * Metadata writes against the documented requests and responses (create-update-entity-definitions-using-web-api.md,
 * create-update-column-definitions-using-web-api.md, create-update-entity-relationships-using-web-api.md,
 * create-update-optionsets.md, define-alternate-keys-entity.md): one simulator for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
