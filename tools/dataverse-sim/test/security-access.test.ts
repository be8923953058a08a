/**
 * The identity and security model: configured callers are application users whose roles decide which rows every query
 * returns (Basic, Local, Deep, Global read depth) and which writes they may make; refusals carry the service's codes
 * and messages (security/refusals.ts). An unlisted caller stays an all-seeing System Administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityConfigInput, SimLookupValue, SimRow, Simulator } from '../src/index.js';
import { privilegeId } from '../src/index.js';
import { BOUNDARY, batchBody, boundaryOf, parseMultipart } from './batch-helpers.js';
import { startTestSimulator, type Client } from './server-helpers.js';

const security: SecurityConfigInput = {
    roles: {
        'Read all': { tables: { '*': { read: 'Global' } } },
        'Read accounts locally': { tables: { account: { read: 'Local' }, systemuser: { read: 'Global' } } },
        'Read accounts deep': { tables: { account: { read: 'Deep' } } },
        'Read own accounts': { tables: { account: { read: 'Basic' } } },
        'Account writer': {
            tables: {
                account: { create: 'Global', read: 'Global', write: 'Basic', delete: 'Basic', append: 'Global' },
                contact: { read: 'Global', appendto: 'Basic' },
                lead: { read: 'Global', appendto: 'Global' },
            },
        },
        Bypasser: { tables: { '*': { read: 'Global', create: 'Global' } }, bypassCustomBusinessLogic: true },
    },
    identities: [
        { caller: 'global-reader', roles: ['Read all'] },
        { caller: 'sales-reader', businessUnit: 'Sales', roles: ['Read accounts locally'], fullname: 'Sales Reader' },
        { caller: 'root-deep-reader', roles: ['Read accounts deep'] },
        { caller: 'sales-deep-reader', businessUnit: 'Sales', roles: ['Read accounts deep'] },
        { caller: 'own-reader', roles: ['Read own accounts'] },
        { caller: 'writer', roles: ['Account writer'] },
        { caller: 'bypasser', roles: ['Bypasser'] },
        {
            caller: '6c1e0b0e-3a7d-4d5e-9f1a-2b3c4d5e6f70',
            applicationid: '11111111-2222-4333-8444-555555555555',
            roles: ['System Administrator'],
        },
    ],
};

let sim: Simulator;
let client: Client;
const as = (caller: string) => ({ Authorization: `Bearer ${caller}` });
const idOf = (row: SimRow, pk = 'accountid') => row[pk] as string;
const unitOf = (row: SimRow) => (row.owningbusinessunit as SimLookupValue).id;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 300, seed: 3, security }));
});
afterAll(async () => {
    await sim.close();
});

async function whoAmI(caller: string): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }> {
    const r = await client.get('WhoAmI', as(caller));
    expect(r.status).toBe(200);
    return r.json;
}

async function accountIds(caller: string, query = '$select=accountid'): Promise<string[]> {
    const ids: string[] = [];
    let next: string | undefined = `accounts?${query}`;
    while (next) {
        const r = await client.get(next, { ...as(caller), Prefer: 'odata.maxpagesize=50' });
        expect(r.status).toBe(200);
        ids.push(...(r.json.value as SimRow[]).map((row) => idOf(row)));
        next = r.json['@odata.nextLink'];
    }
    return ids.sort();
}

const unitNamed = (name: string) => sim.dump('businessunit').find((u) => u.name === name)!.businessunitid as string;

describe('identities', () => {
    it('answers WhoAmI with the configured application user, its business unit and the organization', async () => {
        const me = await whoAmI('sales-reader');
        const user = sim.dump('systemuser').find((u) => u.systemuserid === me.UserId)!;
        expect(user).toMatchObject({ fullname: 'Sales Reader', accessmode: 4, isdisabled: false });
        expect(me.BusinessUnitId).toBe(unitNamed('Sales'));
        expect((user.businessunitid as SimLookupValue).id).toBe(me.BusinessUnitId);
        expect(me.OrganizationId).toBe(sim.dump('organization')[0]!.organizationid);
        const root = sim.dump('businessunit').find((u) => u.parentbusinessunitid === null)!;
        expect((await whoAmI('global-reader')).BusinessUnitId).toBe(root.businessunitid);
    });

    it('keys a JWT caller by its oid and keeps the application id on the user row', async () => {
        const me = await whoAmI('6c1e0b0e-3a7d-4d5e-9f1a-2b3c4d5e6f70');
        const user = sim.dump('systemuser').find((u) => u.systemuserid === me.UserId)!;
        expect(user.azureactivedirectoryobjectid).toBe('6c1e0b0e-3a7d-4d5e-9f1a-2b3c4d5e6f70');
        if ('applicationid' in user) expect(user.applicationid).toBe('11111111-2222-4333-8444-555555555555');
    });

    it('leaves an unlisted caller the environment first user, reading every row', async () => {
        const me = await whoAmI('someone-else');
        expect(sim.dump('systemuser').find((u) => u.systemuserid === me.UserId)!.title).toBe('System Administrator');
        expect(await accountIds('someone-else')).toEqual(
            sim
                .dump('account')
                .map((r) => idOf(r))
                .sort(),
        );
    });
});

describe('reads at the caller depth', () => {
    it('returns every row at Global depth, the unit rows at Local, the unit and its children at Deep', async () => {
        const all = sim.dump('account');
        const sales = unitNamed('Sales');
        const inSales = all
            .filter((r) => unitOf(r) === sales)
            .map((r) => idOf(r))
            .sort();
        expect(inSales.length).toBeGreaterThan(0);
        expect(inSales.length).toBeLessThan(all.length);
        expect(await accountIds('global-reader')).toEqual(all.map((r) => idOf(r)).sort());
        expect(await accountIds('sales-reader')).toEqual(inSales);
        expect(await accountIds('root-deep-reader')).toEqual(all.map((r) => idOf(r)).sort());
        expect(await accountIds('sales-deep-reader')).toEqual(inSales);
        expect(await accountIds('own-reader')).toEqual([]);
    });

    it('trims $filter results, @odata.count and /$count to the visible rows', async () => {
        const sales = unitNamed('Sales');
        const inSales = sim.dump('account').filter((r) => unitOf(r) === sales);
        const counted = await client.get('accounts?$select=accountid&$count=true', as('sales-reader'));
        expect(counted.json['@odata.count']).toBe(inSales.length);
        const count = await client.get('accounts/$count', as('sales-reader'));
        expect(count.text).toBe(String(inSales.length));
        const name = inSales[0]!.name as string;
        const filtered = await client.get(
            `accounts?$select=accountid&$filter=name eq '${name.replace(/'/g, "''")}'`,
            as('sales-reader'),
        );
        expect((filtered.json.value as SimRow[]).map((r) => idOf(r))).toContain(idOf(inSales[0]!));
    });

    it('refuses a row out of reach by id with SecLib access check (ReadAccess)', async () => {
        const sales = unitNamed('Sales');
        const other = sim.dump('account').find((r) => unitOf(r) !== sales)!;
        const me = await whoAmI('sales-reader');
        const r = await client.get(`accounts(${idOf(other)})`, as('sales-reader'));
        expect(r.status).toBe(403);
        const owner = other.ownerid as SimLookupValue;
        expect(r.json.error).toEqual({
            code: '0x80048306',
            message: `SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: ${idOf(other)}, OwnerId: ${owner.id},  OwnerIdType: ${owner.table === 'team' ? 9 : 8} and CallingUser: ${me.UserId}. ObjectTypeCode: 1, objectBusinessUnitId: ${unitOf(other)}, AccessRights: ReadAccess `,
        });
        const mine = sim.dump('account').find((r2) => unitOf(r2) === sales)!;
        expect((await client.get(`accounts(${idOf(mine)})?$select=name`, as('sales-reader'))).status).toBe(200);
        const property = await client.get(`accounts(${idOf(other)})/name`, as('sales-reader'));
        expect(property.json.error).toEqual(r.json.error);
        expect((await client.get(`accounts(${idOf(mine)})/name`, as('sales-reader'))).json.value).toBe(mine.name);
        const related = await client.get(`accounts(${idOf(mine)})/accountleads_association`, as('sales-reader'));
        expect(related.status).toBe(403);
        expect(related.json.error.message).toContain('is missing prvReadLead privilege');
    });

    it('refuses a table without read privilege with PrivilegeDenied naming the privilege, OTC and entity', async () => {
        const me = await whoAmI('sales-reader');
        const r = await client.get('contacts?$select=fullname', as('sales-reader'));
        expect(r.status).toBe(403);
        expect(r.json.error).toEqual({
            code: '0x80040220',
            message: `Principal user (Id=${me.UserId}, type=8, roleCount=1, privilegeCount=2, accessMode=0), is missing prvReadContact privilege (Id=${privilegeId('prvReadContact')}) on OTC=2 for entity 'contact'. context.Caller=${me.UserId}`,
        });
        expect((await client.get('contacts/$count', as('sales-reader'))).status).toBe(403);
    });

    it('trims $batch GETs and change-tracking pages and deltas', async () => {
        const sales = unitNamed('Sales');
        const inSales = sim.dump('account').filter((r) => unitOf(r) === sales);
        const body = batchBody([{ method: 'GET', url: 'accounts?$select=accountid' }]);
        const r = await client.post('$batch', body, {
            ...as('sales-reader'),
            'Content-Type': `multipart/mixed; boundary=${BOUNDARY}`,
        });
        expect(r.status).toBe(200);
        const [part] = parseMultipart(r.text, boundaryOf(r.headers.get('content-type')!));
        expect((JSON.parse(part!.body).value as SimRow[]).length).toBe(inSales.length);

        const tracked = await client.get('accounts?$select=name', {
            ...as('sales-reader'),
            Prefer: 'odata.track-changes',
        });
        expect(tracked.json.value).toHaveLength(inSales.length);
        const other = sim.dump('account').find((row) => unitOf(row) !== sales)!;
        await client.patch(`accounts(${idOf(other)})`, { name: 'changed out of reach' });
        await client.patch(`accounts(${idOf(inSales[0]!)})`, { name: 'changed in reach' });
        const delta = await client.get(tracked.json['@odata.deltaLink'], as('sales-reader'));
        expect((delta.json.value as SimRow[]).map((row) => row.name)).toEqual(['changed in reach']);
    });
});

describe('writes', () => {
    it('lets a Basic writer create, update and delete its own rows', async () => {
        const id = await client.send('POST', 'accounts', { name: 'mine' }, as('writer')).then((r) => {
            expect(r.status).toBe(204);
            return /\(([0-9a-f-]{36})\)$/.exec(r.headers.get('OData-EntityId')!)![1]!;
        });
        expect((await client.patch(`accounts(${id})`, { name: 'still mine' }, as('writer'))).status).toBe(204);
        expect((await client.delete(`accounts(${id})`, as('writer'))).status).toBe(204);
    });

    it('refuses a Basic writer the rows of others (WriteAccess, DeleteAccess)', async () => {
        const me = await whoAmI('writer');
        const other = sim.dump('account')[0]!;
        const owner = other.ownerid as SimLookupValue;
        const secLib = (right: string) =>
            `SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: ${idOf(other)}, OwnerId: ${owner.id},  OwnerIdType: ${owner.table === 'team' ? 9 : 8} and CallingUser: ${me.UserId}. ObjectTypeCode: 1, objectBusinessUnitId: ${unitOf(other)}, AccessRights: ${right} `;
        const update = await client.patch(`accounts(${idOf(other)})`, { name: 'not mine' }, as('writer'));
        expect(update.status).toBe(403);
        expect(update.json.error).toEqual({ code: '0x80048306', message: secLib('WriteAccess') });
        const bulk = await client.post(
            'accounts/Microsoft.Dynamics.CRM.UpdateMultiple',
            { Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: idOf(other), name: 'x' }] },
            as('writer'),
        );
        expect(bulk.json.error).toEqual({ code: '0x80048306', message: secLib('WriteAccess') });
        const remove = await client.delete(`accounts(${idOf(other)})`, as('writer'));
        expect(remove.json.error).toEqual({ code: '0x80048306', message: secLib('DeleteAccess') });
        expect(sim.dump('account')[0]!.name).toBe(other.name);
    });

    it('refuses create without prvCreate, another owner without prvAssign, and a lookup without AppendTo at depth', async () => {
        const me = await whoAmI('writer');
        const denied = (privilege: string, otc: number, table: string) => ({
            code: '0x80040220',
            message: `Principal user (Id=${me.UserId}, type=8, roleCount=1, privilegeCount=9, accessMode=0), is missing ${privilege} privilege (Id=${privilegeId(privilege)}) on OTC=${otc} for entity '${table}'. context.Caller=${me.UserId}`,
        });
        const contact = await client.post('contacts', { lastname: 'x' }, as('writer'));
        expect(contact.status).toBe(403);
        expect(contact.json.error).toEqual(denied('prvCreateContact', 2, 'contact'));
        const someone = sim.dump('systemuser').find((u) => u.systemuserid !== me.UserId)!.systemuserid as string;
        const owned = await client.post(
            'accounts',
            { name: 'for someone', 'ownerid@odata.bind': `/systemusers(${someone})` },
            as('writer'),
        );
        expect(owned.json.error).toEqual(denied('prvAssignAccount', 1, 'account'));
        const contactRow = sim.dump('contact')[0]!;
        const linked = await client.post(
            'accounts',
            { name: 'linked', 'primarycontactid@odata.bind': `/contacts(${contactRow.contactid as string})` },
            as('writer'),
        );
        expect(linked.status).toBe(403);
        expect(linked.json.error.code).toBe('0x80048306');
        expect(linked.json.error.message).toContain('AccessRights: AppendToAccess ');
        expect(sim.dump('account').filter((a) => a.name === 'for someone' || a.name === 'linked')).toEqual([]);
    });

    it('associates with Append and AppendTo, and refuses without Append', async () => {
        const lead = sim.dump('lead')[0]!.leadid as string;
        const mine = await client.send('POST', 'accounts', { name: 'associating' }, as('writer'));
        const id = /\(([0-9a-f-]{36})\)$/.exec(mine.headers.get('OData-EntityId')!)![1]!;
        const ok = await client.post(
            `accounts(${id})/accountleads_association/$ref`,
            { '@odata.id': `${client.api}leads(${lead})` },
            as('writer'),
        );
        expect(ok.status).toBe(204);
        const refused = await client.post(
            `leads(${lead})/accountleads_association/$ref`,
            { '@odata.id': `${client.api}accounts(${id})` },
            as('writer'),
        );
        expect(refused.status).toBe(403);
        expect(refused.json.error.message).toContain('is missing prvAppendLead privilege');
    });

    it('refuses the bypass headers without their privileges, and accepts them with', async () => {
        const me = await whoAmI('writer');
        const logic = await client.post(
            'accounts',
            { name: 'b' },
            {
                ...as('writer'),
                'MSCRM.BypassBusinessLogicExecution': 'CustomSync,CustomAsync',
            },
        );
        expect(logic.status).toBe(403);
        expect(logic.json.error).toEqual({
            code: '0x80040220',
            message: `Principal user (Id=${me.UserId}, type=8, roleCount=1, privilegeCount=9, accessMode=0), is missing prvBypassCustomBusinessLogic privilege (Id=${privilegeId('prvBypassCustomBusinessLogic')}). context.Caller=${me.UserId}`,
        });
        const plugins = await client.post(
            'accounts',
            { name: 'b' },
            {
                ...as('bypasser'),
                'MSCRM.BypassCustomPluginExecution': 'true',
            },
        );
        expect(plugins.json.error.message).toContain('is missing prvBypassCustomPlugins privilege');
        const allowed = await client.post(
            'accounts',
            { name: 'b' },
            {
                ...as('bypasser'),
                'MSCRM.BypassBusinessLogicExecution': 'CustomSync',
            },
        );
        expect(allowed.status).toBe(204);
        const batch = await client.post(
            '$batch',
            batchBody([[{ method: 'POST', url: 'accounts', body: { name: 'in batch' } }]]),
            {
                ...as('writer'),
                'Content-Type': `multipart/mixed; boundary=${BOUNDARY}`,
                'MSCRM.BypassCustomPluginExecution': 'true',
            },
        );
        expect(batch.status).toBe(403);
    });
});

describe('RetrieveUserPrivileges', () => {
    it('lists the privileges of a configured user with their depth and business unit', async () => {
        const me = await whoAmI('sales-reader');
        const r = await client.get(
            `systemusers(${me.UserId})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`,
            as('sales-reader'),
        );
        expect(r.status).toBe(200);
        expect(r.json['@odata.context']).toBe(
            `${client.api}$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse`,
        );
        expect(r.json.RolePrivileges).toEqual([
            {
                Depth: 'Global',
                PrivilegeId: privilegeId('prvReadUser'),
                BusinessUnitId: me.BusinessUnitId,
                PrivilegeName: 'prvReadUser',
            },
            {
                Depth: 'Local',
                PrivilegeId: privilegeId('prvReadAccount'),
                BusinessUnitId: me.BusinessUnitId,
                PrivilegeName: 'prvReadAccount',
            },
        ]);
    });

    it('answers one privilege by name, every privilege at Global for an unrestricted user, 404 for no user', async () => {
        const writer = await whoAmI('writer');
        const one = await client.get(
            `systemusers(${writer.UserId})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='prvWriteAccount')`,
        );
        expect(one.json.RolePrivileges).toEqual([
            expect.objectContaining({ Depth: 'Basic', PrivilegeName: 'prvWriteAccount' }),
        ]);
        const admin = sim.dump('systemuser').find((u) => u.title === 'System Administrator')!.systemuserid as string;
        const all = await client.get(`systemusers(${admin})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`);
        const names = (all.json.RolePrivileges as Array<{ PrivilegeName: string; Depth: string }>).map(
            (p) => p.PrivilegeName,
        );
        expect(names).toEqual(
            expect.arrayContaining([
                'prvReadAccount',
                'prvAssignContact',
                'prvBypassCustomPlugins',
                'prvBypassCustomBusinessLogic',
                'prvReadActivity',
            ]),
        );
        expect(new Set((all.json.RolePrivileges as Array<{ Depth: string }>).map((p) => p.Depth))).toEqual(
            new Set(['Global']),
        );
        const missing = await client.get(
            'systemusers(00000000-0000-0000-0000-0000000000ff)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()',
        );
        expect(missing.status).toBe(404);
        expect(missing.json.error.code).toBe('0x80040217');
    });
});

describe('RetrievePrincipalAccess', () => {
    const access = async (userId: string, set: string, id: string) => {
        const r = await client.get(
            `systemusers(${userId})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@tid)?@tid={'@odata.id':'${set}(${id})'}`,
        );
        expect(r.status).toBe(200);
        expect(r.json['@odata.context']).toBe(
            `${client.api}$metadata#Microsoft.Dynamics.CRM.RetrievePrincipalAccessResponse`,
        );
        return r.json.AccessRights as string;
    };

    it('answers the rights the user privileges reach the row with', async () => {
        const sales = unitNamed('Sales');
        const writer = (await whoAmI('writer')).UserId;
        const inSales = sim.dump('account').find((r) => unitOf(r) === sales)!;
        // Not one of the rows the writer created in the tests above.
        const outside = sim
            .dump('account')
            .find((r) => unitOf(r) !== sales && (r.ownerid as SimLookupValue).id !== writer)!;
        const reader = (await whoAmI('sales-reader')).UserId;
        expect(await access(reader, 'accounts', idOf(inSales))).toBe('ReadAccess');
        expect(await access(reader, 'accounts', idOf(outside))).toBe('None');
        expect(await access(writer, 'accounts', idOf(outside))).toBe('ReadAccess, AppendAccess, CreateAccess');
        const admin = sim.dump('systemuser').find((u) => u.title === 'System Administrator')!.systemuserid as string;
        expect(await access(admin, 'accounts', idOf(outside))).toBe(
            'ReadAccess, WriteAccess, AppendAccess, AppendToAccess, CreateAccess, DeleteAccess, ShareAccess, AssignAccess',
        );
    });
});
