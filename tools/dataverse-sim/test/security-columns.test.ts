/**
 * Column-level security (security/column-security.ts): secured columns read as null for a caller outside every field
 * security profile that allows reading them, masked for everyone where a masking rule applies (unmasked only with
 * `UnMaskedData=true` and CanReadUnmasked), refuse writes without CanCreate / CanUpdate (0x8004F502 / 0x8004F507), and
 * show in the metadata (IsSecured) and in RetrievePrincipalAttributePrivileges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimRow, Simulator } from '../src/index.js';
import { startSimulator } from '../src/index.js';
import { startTestSimulator, type Client } from './server-helpers.js';

let sim: Simulator;
let client: Client;
const as = (caller: string) => ({ Authorization: `Bearer ${caller}` });
const readAll = { tables: { '*': { read: 'Global', create: 'Global', write: 'Global' } } } as const;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({
        rows: 40,
        security: {
            roles: { 'Read and write': readAll },
            columns: { 'account.creditlimit': {}, 'account.telephone1': { maskedCharacter: '*' } },
            fieldSecurityProfiles: {
                Finance: {
                    'account.creditlimit': { read: true, update: true },
                    'account.telephone1': { read: true, readUnmasked: 'one' },
                },
            },
            identities: [
                { caller: 'outsider', roles: ['Read and write'] },
                { caller: 'finance', roles: ['Read and write'], fieldSecurityProfiles: ['Finance'] },
            ],
        },
    }));
});
afterAll(async () => {
    await sim.close();
});

const withValues = () => sim.dump('account').find((a) => a.creditlimit !== null && a.telephone1 !== null)!;
const stars = (text: string) => '*'.repeat([...text].length);

describe('reads', () => {
    it('reads a secured column as null outside the profile, as stored inside it, masked where a rule masks it', async () => {
        const row = withValues();
        const id = row.accountid as string;
        const query = `accounts?$select=creditlimit,telephone1,name&$filter=accountid eq ${id}`;
        const outsider = (await client.get(query, as('outsider'))).json.value[0] as SimRow;
        expect(outsider).toMatchObject({ creditlimit: null, telephone1: null, name: row.name });
        const finance = (await client.get(query, as('finance'))).json.value[0] as SimRow;
        expect(finance).toMatchObject({ creditlimit: row.creditlimit, telephone1: stars(row.telephone1 as string) });
        const admin = (await client.get(query)).json.value[0] as SimRow;
        expect(admin).toMatchObject({ creditlimit: row.creditlimit, telephone1: stars(row.telephone1 as string) });
        const one = await client.get(`accounts(${id})?$select=creditlimit`, as('outsider'));
        expect(one.json.creditlimit).toBeNull();
        const property = await client.get(`accounts(${id})/creditlimit`, as('outsider'));
        expect(property.json.value).toBeNull();
        expect((await client.get(`accounts(${id})/telephone1`, as('finance'))).json.value).toBe(
            stars(row.telephone1 as string),
        );
    });

    it('unmasks with UnMaskedData=true only as CanReadUnmasked allows (One Record: a Retrieve by id)', async () => {
        const row = withValues();
        const id = row.accountid as string;
        const single = await client.get(`accounts(${id})?$select=telephone1&UnMaskedData=true`, as('finance'));
        expect(single.json.telephone1).toBe(row.telephone1);
        const many = await client.get(
            `accounts?$select=telephone1&$filter=accountid eq ${id}&UnMaskedData=true`,
            as('finance'),
        );
        expect(many.json.value[0].telephone1).toBe(stars(row.telephone1 as string));
        const admin = await client.get(`accounts?$select=telephone1&$filter=accountid eq ${id}&UnMaskedData=true`);
        expect(admin.json.value[0].telephone1).toBe(row.telephone1);
        const plain = await client.get(`accounts(${id})?$select=telephone1`, as('finance'));
        expect(plain.json.telephone1).toBe(stars(row.telephone1 as string));
    });

    it('marks secured columns IsSecured in the metadata', async () => {
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,IsSecured&$filter=IsSecured eq true",
        );
        expect(r.status).toBe(200);
        expect((r.json.value as Array<{ LogicalName: string }>).map((a) => a.LogicalName).sort()).toEqual([
            'creditlimit',
            'telephone1',
        ]);
    });
});

describe('writes', () => {
    it('refuses a secured column on create without CanCreate and on update without CanUpdate', async () => {
        const created = await client.post('accounts', { name: 'limited', creditlimit: 10 }, as('finance'));
        expect(created.status).toBe(403);
        expect(created.json.error).toEqual({
            code: '0x8004F502',
            message:
                'The user does not have create permissions to a secured field. The requested operation could not be completed.',
        });
        const row = withValues();
        const updated = await client.patch(`accounts(${row.accountid as string})`, { telephone1: '1' }, as('finance'));
        expect(updated.status).toBe(403);
        expect(updated.json.error).toEqual({
            code: '0x8004F507',
            message:
                "The user doesn't have AttributePrivilegeUpdate and not granted shared access for a secured attribute during update operation",
        });
        const allowed = await client.patch(`accounts(${row.accountid as string})`, { creditlimit: 5 }, as('finance'));
        expect(allowed.status).toBe(204);
        const outsider = await client.patch(`accounts(${row.accountid as string})`, { creditlimit: 6 }, as('outsider'));
        expect(outsider.json.error.code).toBe('0x8004F507');
        expect(sim.dump('account').find((a) => a.accountid === row.accountid)!.creditlimit).toBe(5);
        expect((await client.post('accounts', { name: 'open', creditlimit: 1 })).status).toBe(204);
    });
});

describe('RetrievePrincipalAttributePrivileges', () => {
    it('lists a user field permissions by attribute MetadataId', async () => {
        const me = (await client.get('WhoAmI', as('finance'))).json.UserId as string;
        const ids = async (column: string) =>
            (
                await client.get(
                    `EntityDefinitions(LogicalName='account')/Attributes(LogicalName='${column}')?$select=MetadataId`,
                )
            ).json.MetadataId as string;
        const r = await client.get(`systemusers(${me})/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`);
        expect(r.json).toEqual({
            '@odata.context': `${client.api}$metadata#Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivilegesResponse`,
            AttributePrivileges: [
                { AttributeId: await ids('creditlimit'), CanCreate: 0, CanRead: 4, CanReadUnMasked: 0, CanUpdate: 4 },
                { AttributeId: await ids('telephone1'), CanCreate: 0, CanRead: 4, CanReadUnMasked: 1, CanUpdate: 0 },
            ],
        });
        const outsider = (await client.get('WhoAmI', as('outsider'))).json.UserId as string;
        const none = await client.get(
            `systemusers(${outsider})/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`,
        );
        expect(none.json.AttributePrivileges).toEqual([]);
    });
});

describe('configuration', () => {
    it('names secured columns the schema lacks and masks on columns that are not text', async () => {
        await expect(
            startSimulator({
                security: { columns: { 'account.nope': {}, 'account.creditlimit': { maskedCharacter: '#' } } },
            }),
        ).rejects.toThrow(
            "Invalid security config:\n  - columns.account.nope: no column 'nope' on a table 'account' in the schema\n  - columns.account.creditlimit.maskedCharacter: the simulator masks text columns only",
        );
    });
});

describe('masking rules (AttributeMaskingRule)', () => {
    it('lists each masked column by table and column, and only those', async () => {
        const r = await client.get('attributemaskingrules?$select=entityname,attributelogicalname');
        expect(r.status).toBe(200);
        expect(r.json.value.map((v: SimRow) => [v.entityname, v.attributelogicalname])).toEqual([
            ['account', 'telephone1'],
        ]);
    });

    it('is absent from an environment without masking rules', async () => {
        const { sim: plain, client: other } = await startTestSimulator({ rows: 0, seed: 3 });
        try {
            expect((await other.get('attributemaskingrules')).status).toBe(404);
        } finally {
            await plain.close();
        }
    });
});
