/**
 * Conformance of the metadata endpoints against research §5 (query-metadata-web-api.md) and the WhoAmI
 * function of research §8.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimTable, Simulator } from '../src/index.js';
import { crmSchema } from '../src/index.js';
import { primaryIdColumn, str } from '../src/data/columns.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let api: string;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 0 }));
    api = client.api;
});
afterAll(async () => {
    await sim.close();
});

describe('metadata (research §5)', () => {
    it('is not paged: every match comes in the first response', async () => {
        // research §5: "Metadata queries are not paged"
        const all = await client.get('EntityDefinitions?$select=LogicalName', { Prefer: 'odata.maxpagesize=2' });
        expect(all.status).toBe(200);
        expect(all.json['@odata.nextLink']).toBeUndefined();
        const names = all.json.value.map((e: { LogicalName: string }) => e.LogicalName) as string[];
        expect(names.length).toBeGreaterThan(2);
        for (const t of ['account', 'contact', 'lead', 'opportunity', 'systemuser', 'accountleads']) {
            expect(names).toContain(t);
        }
    });

    it('always returns MetadataId, and a keyed GET returns one object with an $entity context', async () => {
        // research §5: MetadataId is always returned; a keyed GET returns one object (…/$entity) [inferred]
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,IsIntersect,OwnershipType,ChangeTrackingEnabled",
        );
        expect(r.status).toBe(200);
        expect(r.json.value).toBeUndefined();
        expect(r.json['@odata.context']).toMatch(/^.*\$metadata#EntityDefinitions.*\/\$entity$/);
        expect(r.json.MetadataId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(r.json).toMatchObject({
            LogicalName: 'account',
            EntitySetName: 'accounts',
            PrimaryIdAttribute: 'accountid',
            PrimaryNameAttribute: 'name',
            IsIntersect: false,
            OwnershipType: 'UserOwned',
            ChangeTrackingEnabled: true,
        });
        expect(r.json['@odata.context'].startsWith(`${api}$metadata#`)).toBe(true);
    });

    it('filters on enum values with the qualified enum literal', async () => {
        // research §5: OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'
        const r = await client.get(
            "EntityDefinitions?$select=LogicalName&$filter=OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'",
        );
        const names = r.json.value.map((e: { LogicalName: string }) => e.LogicalName) as string[];
        expect(names).toContain('account');
        expect(names).not.toContain('organization');
        expect(names).not.toContain('accountleads');
    });

    it('lists keys with KeyAttributes as a string array and EntityKeyIndexStatus', async () => {
        // research §5: Keys?$select=SchemaName,LogicalName,KeyAttributes,EntityKeyIndexStatus
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')/Keys?$select=SchemaName,LogicalName,KeyAttributes,EntityKeyIndexStatus",
        );
        expect(r.json.value).toHaveLength(1);
        expect(r.json.value[0]).toMatchObject({
            LogicalName: 'new_accountnumberkey',
            SchemaName: 'new_AccountNumberKey',
            KeyAttributes: ['accountnumber'],
            EntityKeyIndexStatus: 'Active',
        });
    });

    it('gives lookup targets behind the LookupAttributeMetadata cast, and AttributeOf for child attributes', async () => {
        // research §5: .../Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets;
        // AttributeOf is non-null for child attributes (parentcustomeridname is AttributeOf parentcustomerid)
        const lookups = await client.get(
            "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets",
        );
        const parent = lookups.json.value.find((a: { LogicalName: string }) => a.LogicalName === 'parentcustomerid');
        expect([...(parent.Targets as string[])].sort()).toEqual(['account', 'contact']);
        const attrs = await client.get(
            "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeOf&$filter=AttributeOf eq 'parentcustomerid'",
        );
        const children = attrs.json.value.map((a: { LogicalName: string }) => a.LogicalName) as string[];
        expect(children).toContain('parentcustomeridname');
    });

    it('describes many-to-many relationships with the documented properties', async () => {
        // research §5: ManyToMany SchemaName, Entity1LogicalName, Entity2LogicalName, IntersectEntityName, …
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')/ManyToManyRelationships?$select=SchemaName,Entity1LogicalName,Entity2LogicalName,IntersectEntityName,Entity1IntersectAttribute,Entity2IntersectAttribute,Entity1NavigationPropertyName,Entity2NavigationPropertyName",
        );
        const rel = r.json.value.find((v: { SchemaName: string }) => v.SchemaName === 'accountleads_association');
        expect(rel).toMatchObject({
            Entity1LogicalName: 'account',
            Entity2LogicalName: 'lead',
            IntersectEntityName: 'accountleads',
            Entity1IntersectAttribute: 'accountid',
            Entity2IntersectAttribute: 'leadid',
            Entity1NavigationPropertyName: 'accountleads_association',
        });
    });
});

describe('WhoAmI (research §8, §3.4)', () => {
    it('returns BusinessUnitId, UserId and OrganizationId, with x-ms-dop-hint', async () => {
        // research §8: GET WhoAmI returns {"BusinessUnitId","UserId","OrganizationId"}; §3.4: it yields x-ms-dop-hint
        const r = await client.get('WhoAmI');
        expect(r.status).toBe(200);
        expect(Object.keys(r.json as object).sort()).toEqual([
            '@odata.context',
            'BusinessUnitId',
            'OrganizationId',
            'UserId',
        ]);
        expect(r.json['@odata.context']).toBe(`${api}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`);
        expect(r.headers.get('x-ms-dop-hint')).toBe('48');
        const org = sim.dump('organization')[0]!;
        expect(r.json.OrganizationId).toBe(org.organizationid);
    });
});

describe('EntityMetadata a migration reads (EntityMetadata reference)', () => {
    it('exposes IsOptimisticConcurrencyEnabled, IsActivity, IsActivityParty and PrimaryImageAttribute', async () => {
        const r = await client.get(
            'EntityDefinitions?$select=LogicalName,IsOptimisticConcurrencyEnabled,IsActivity,IsActivityParty,PrimaryImageAttribute,TableType',
        );
        expect(r.status).toBe(200);
        const byName = new Map((r.json.value as Array<Record<string, unknown>>).map((e) => [e.LogicalName, e]));
        expect(byName.get('account')).toMatchObject({
            IsOptimisticConcurrencyEnabled: true,
            IsActivity: false,
            IsActivityParty: true,
            // The crm account has its primary image column, as the real table does.
            PrimaryImageAttribute: 'entityimage',
            TableType: 'Standard',
        });
        expect(byName.get('lead')).toMatchObject({ PrimaryImageAttribute: null });
        expect(byName.get('opportunityclose')).toMatchObject({
            IsActivity: true,
            IsActivityParty: false,
            TableType: 'Activity',
        });
        // Intersect rows have no row version a client could send in If-Match.
        expect(byName.get('accountleads')).toMatchObject({ IsOptimisticConcurrencyEnabled: false });
    });

    it('says which tables are elastic or virtual: TableType, IsElastic and the virtual data provider', async () => {
        const table = (logicalName: string, tableType: 'Elastic' | 'Virtual'): SimTable => ({
            logicalName,
            entitySetName: `${logicalName}s`,
            primaryIdAttribute: `${logicalName}id`,
            primaryNameAttribute: 'new_name',
            ownershipType: 'UserOwned',
            changeTracking: false,
            tableType,
            attributes: [primaryIdColumn(`${logicalName}id`), str('new_name', 100, { isPrimaryName: true })],
        });
        const schema = crmSchema();
        schema.tables.push(table('new_reading', 'Elastic'), table('new_externalorder', 'Virtual'));
        const other = await startTestSimulator({ rows: 0, schema });
        try {
            const r = await other.client.get(
                'EntityDefinitions?$select=LogicalName,TableType,IsElastic,DataProviderId',
            );
            const byName = new Map((r.json.value as Array<Record<string, unknown>>).map((e) => [e.LogicalName, e]));
            expect(byName.get('new_reading')).toMatchObject({
                TableType: 'Elastic',
                IsElastic: true,
                DataProviderId: null,
            });
            expect(byName.get('new_externalorder')).toMatchObject({ TableType: 'Virtual', IsElastic: false });
            expect(byName.get('new_externalorder')!.DataProviderId).toMatch(/^[0-9a-f-]{36}$/);
            expect(byName.get('account')).toMatchObject({
                TableType: 'Standard',
                IsElastic: false,
                DataProviderId: null,
            });
        } finally {
            await other.sim.close();
        }
    });

    it('filters on the concurrency flag as on any boolean property', async () => {
        const r = await client.get(
            'EntityDefinitions?$select=LogicalName&$filter=IsOptimisticConcurrencyEnabled eq false',
        );
        const names = (r.json.value as Array<{ LogicalName: string }>).map((e) => e.LogicalName);
        expect(names).toContain('contactleads');
        expect(names).not.toContain('contact');
    });
});

describe('GlobalOptionSetDefinitions (research §5)', () => {
    it('lists the global option sets the schema uses, and gets one by Name', async () => {
        const list = await client.get('GlobalOptionSetDefinitions?$select=Name,IsGlobal');
        expect(list.status).toBe(200);
        expect(list.json['@odata.context']).toBe(`${api}$metadata#GlobalOptionSetDefinitions(Name,IsGlobal)`);
        expect(list.json.value).toEqual([
            expect.objectContaining({
                '@odata.type': '#Microsoft.Dynamics.CRM.OptionSetMetadata',
                Name: 'budgetstatus',
                IsGlobal: true,
            }),
        ]);
        const one = await client.get("GlobalOptionSetDefinitions(Name='budgetstatus')");
        expect(one.status).toBe(200);
        expect(one.json['@odata.context']).toBe(`${api}$metadata#GlobalOptionSetDefinitions/$entity`);
        expect((one.json.Options as Array<{ Value: number }>).map((o) => o.Value)).toEqual([0, 1, 2, 3]);
        const byId = await client.get(`GlobalOptionSetDefinitions(${one.json.MetadataId as string})?$select=Name`);
        expect(byId.json.Name).toBe('budgetstatus');
        expect((await client.get("GlobalOptionSetDefinitions(Name='nosuchset')")).status).toBe(404);
        // research §5: GlobalOptionSetDefinitions(Name='...') "(no $filter there)".
        expect((await client.get("GlobalOptionSetDefinitions?$filter=Name eq 'budgetstatus'")).status).toBe(400);
    });

    it("is the column's OptionSet and GlobalOptionSet when a choice column uses it", async () => {
        const r = await client.get(
            "EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='budgetstatus')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Name,IsGlobal),GlobalOptionSet($select=Name)",
        );
        expect(r.status).toBe(200);
        expect(r.json.OptionSet).toMatchObject({ Name: 'budgetstatus', IsGlobal: true });
        expect(r.json.GlobalOptionSet).toMatchObject({ Name: 'budgetstatus' });
        const local = await client.get(
            "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='industrycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Name,IsGlobal),GlobalOptionSet",
        );
        expect(local.json.OptionSet).toMatchObject({ Name: 'account_industrycode', IsGlobal: false });
        expect(local.json.GlobalOptionSet).toBeNull();
    });
});
