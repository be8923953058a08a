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

void label;
