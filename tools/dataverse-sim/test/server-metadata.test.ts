import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 30 }));
});
afterAll(async () => {
    await sim.close();
});

describe('EntityDefinitions', () => {
    it('lists entities with $select and $filter on enums and booleans', async () => {
        const r = await client.get(
            "EntityDefinitions?$select=LogicalName,EntitySetName,OwnershipType&$filter=OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'",
        );
        expect(r.status).toBe(200);
        const names = r.json.value.map((e: { LogicalName: string }) => e.LogicalName);
        expect(names).toContain('account');
        expect(names).not.toContain('organization');
        expect(Object.keys(r.json.value[0]).sort()).toEqual([
            'EntitySetName',
            'LogicalName',
            'MetadataId',
            'OwnershipType',
        ]);
        const tracked = await client.get('EntityDefinitions?$select=LogicalName&$filter=ChangeTrackingEnabled eq true');
        expect(tracked.json.value.length).toBeGreaterThan(0);
        const bad = await client.get('EntityDefinitions?$select=NoSuchProperty');
        expect(bad.status).toBe(400);
    });

    it('reads one entity by LogicalName and by MetadataId, with expanded Keys', async () => {
        const byName = await client.get(
            "EntityDefinitions(LogicalName='account')?$select=LogicalName,PrimaryIdAttribute&$expand=Keys($select=KeyAttributes,EntityKeyIndexStatus)",
        );
        expect(byName.json.PrimaryIdAttribute).toBe('accountid');
        expect(byName.json.Keys[0].KeyAttributes).toEqual(['accountnumber']);
        expect(byName.json.Keys[0].EntityKeyIndexStatus).toBe('Active');
        const byId = await client.get(`EntityDefinitions(${byName.json.MetadataId as string})?$select=LogicalName`);
        expect(byId.json.LogicalName).toBe('account');
        const missing = await client.get("EntityDefinitions(LogicalName='nosuchtable')");
        expect(missing.status).toBe(404);
    });

    it('serves attributes in the real shape, with lookup targets behind a cast', async () => {
        const attrs = await client.get(
            "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeType,AttributeTypeName,IsValidForCreate,RequiredLevel,AttributeOf",
        );
        const parent = attrs.json.value.find((a: { LogicalName: string }) => a.LogicalName === 'parentcustomerid');
        expect(parent.AttributeType).toBe('Customer');
        expect(parent.AttributeTypeName).toEqual({ Value: 'CustomerType' });
        expect(parent.RequiredLevel.Value).toBeDefined();
        expect(parent['@odata.type']).toBe('#Microsoft.Dynamics.CRM.LookupAttributeMetadata');
        const noCast = await client.get(
            "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,Targets",
        );
        expect(noCast.status).toBe(400);
        const lookups = await client.get(
            "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets",
        );
        const targets = lookups.json.value.find(
            (a: { LogicalName: string }) => a.LogicalName === 'parentcustomerid',
        ).Targets;
        expect(targets.sort()).toEqual(['account', 'contact']);
        const one = await client.get("EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='lastname')");
        expect(one.json.MaxLength).toBeGreaterThan(0);
    });

    it('expands option sets of state and status attributes', async () => {
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet",
        );
        const options = r.json.value[0].OptionSet.Options;
        expect(options.map((o: { Value: number; State: number }) => [o.Value, o.State])).toEqual([
            [1, 0],
            [2, 1],
        ]);
        expect(options[0].Label.LocalizedLabels[0]).toMatchObject({ Label: 'Active', LanguageCode: 1033 });
        const state = await client.get(
            "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.StateAttributeMetadata?$expand=OptionSet",
        );
        expect(state.json.value[0].OptionSet.Options[1].DefaultStatus).toBe(2);
    });

    it('serves relationships with navigation property names', async () => {
        const m1 = await client.get(
            "EntityDefinitions(LogicalName='contact')/ManyToOneRelationships?$select=SchemaName,ReferencedEntity,ReferencingAttribute,ReferencingEntityNavigationPropertyName",
        );
        const navs = m1.json.value
            .filter((r: { ReferencingAttribute: string }) => r.ReferencingAttribute === 'parentcustomerid')
            .map((r: { ReferencingEntityNavigationPropertyName: string }) => r.ReferencingEntityNavigationPropertyName);
        expect(navs.sort()).toEqual(['parentcustomerid_account', 'parentcustomerid_contact']);
        const mm = await client.get("EntityDefinitions(LogicalName='account')/ManyToManyRelationships");
        expect(mm.json.value.map((r: { SchemaName: string }) => r.SchemaName)).toContain('accountleads_association');
        const defs = await client.get(
            "RelationshipDefinitions/Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata?$select=SchemaName,ReferencingEntity&$filter=ReferencedEntity eq 'account'",
        );
        expect(
            defs.json.value.every((r: { ReferencingEntity: string }) => typeof r.ReferencingEntity === 'string'),
        ).toBe(true);
        expect(defs.json.value.length).toBeGreaterThan(0);
        const one = await client.get("RelationshipDefinitions(SchemaName='accountleads_association')");
        expect(one.json.IntersectEntityName).toBeDefined();
    });
});

describe('change tracking', () => {
    it('returns a deltaLink on the last page and then new, changed and deleted rows', async () => {
        const first = await client.get('accounts?$select=name', { Prefer: 'odata.track-changes,odata.maxpagesize=4' });
        expect(first.headers.get('Preference-Applied')).toContain('odata.track-changes');
        let page = first.json;
        let pages = 1;
        while (page['@odata.nextLink']) {
            expect(page['@odata.deltaLink']).toBeUndefined();
            page = (await client.get(page['@odata.nextLink'], { Prefer: 'odata.track-changes,odata.maxpagesize=4' }))
                .json;
            pages++;
        }
        expect(pages).toBeGreaterThan(1);
        const deltaLink: string = page['@odata.deltaLink'];
        expect(deltaLink).toMatch(/\$deltatoken=/);
        const existing = sim.dump('account');
        const newId = await client.create('accounts', { name: 'Delta New' });
        await client.patch(`accounts(${existing[0]!.accountid as string})`, { name: 'Delta Changed' });
        await client.delete(`accounts(${existing[1]!.accountid as string})`);
        const delta = await client.get(deltaLink);
        expect(delta.status).toBe(200);
        expect(delta.json['@odata.context']).toMatch(/\/\$delta$/);
        const value = delta.json.value as Array<Record<string, unknown>>;
        expect(value.filter((v) => v.accountid).map((v) => v.name)).toEqual(['Delta New', 'Delta Changed']);
        expect(value.find((v) => v.accountid === newId)).toBeDefined();
        expect(value.filter((v) => v.reason === 'deleted')).toEqual([
            {
                '@odata.context': `${client.api}$metadata#accounts/$deletedEntity`,
                id: existing[1]!.accountid,
                reason: 'deleted',
            },
        ]);
        const empty = await client.get(delta.json['@odata.deltaLink'] as string);
        expect(empty.json.value).toEqual([]);
    });

    it('rejects $filter, $orderby and $top with track-changes', async () => {
        for (const option of ['$filter=statecode eq 0', '$orderby=name', '$top=1']) {
            const r = await client.get(`accounts?$select=name&${option}`, { Prefer: 'odata.track-changes' });
            expect(r.status).toBe(400);
            const name = option.split('=')[0]!;
            expect(r.json.error.message).toBe(
                `The "${name}" query parameter isn't supported when Change Tracking is enabled.`,
            );
        }
    });
});

describe('simulator endpoints', () => {
    it('reports stats and resets them, and dumps a table', async () => {
        const reset = await fetch(`${sim.url}/_sim/reset-stats`, { method: 'POST' });
        expect(reset.status).toBe(204);
        await client.get('accounts?$select=name&$top=3');
        await client.create('accounts', { name: 'Stats' });
        const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as {
            requests: number;
            methods: Record<string, number>;
            tables: Record<string, { rowsRead: number; rowsWritten: number }>;
            throttled: Record<string, number>;
        };
        expect(stats.requests).toBe(2);
        expect(stats.methods).toEqual({ GET: 1, POST: 1 });
        expect(stats.tables.account).toMatchObject({ rowsRead: 3, rowsWritten: 1 });
        expect(stats.throttled).toBeDefined();
        const dump = (await (await fetch(`${sim.url}/_sim/dump?table=account`)).json()) as { rows: unknown[] };
        expect(dump.rows).toHaveLength(sim.dump('account').length);
    });
});
