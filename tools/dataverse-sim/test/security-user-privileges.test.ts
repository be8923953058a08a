/**
 * Who may ask RetrieveUserPrivileges: the caller needs read on the user it asks about ([inferred] from
 * the SDK reference's remark on RetrieveUserPrivilegeByPrivilegeIdRequest: privileges and access rights on the record), so an identity that
 * reads only its business tables is refused with the privilege check's answer, and a preflight cannot list its
 * privileges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityConfigInput, Simulator } from '../src/index.js';
import { privilegeId } from '../src/index.js';
import { startTestSimulator, type Client } from './server-helpers.js';

const security: SecurityConfigInput = {
    roles: {
        'Accounts only': { tables: { account: { read: 'Global' } } },
        'Accounts and users': { tables: { account: { read: 'Global' }, systemuser: { read: 'Basic' } } },
    },
    identities: [
        { caller: 'accounts-only', roles: ['Accounts only'] },
        { caller: 'own-user-reader', roles: ['Accounts and users'] },
    ],
};

let sim: Simulator;
let client: Client;
const as = (caller: string) => ({ Authorization: `Bearer ${caller}` });
const privilegesOf = (userId: string) => `systemusers(${userId})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 20, seed: 2, security }));
});
afterAll(async () => {
    await sim.close();
});

describe('RetrieveUserPrivileges of a configured caller', () => {
    it('refuses a caller without read on systemuser with 0x80040220, naming prvReadUser', async () => {
        const me = (await client.get('WhoAmI', as('accounts-only'))).json.UserId as string;
        const r = await client.get(privilegesOf(me), as('accounts-only'));
        expect(r.status).toBe(403);
        expect(r.json.error.code).toBe('0x80040220');
        expect(r.json.error.message).toBe(
            `Principal user (Id=${me}, type=8, roleCount=1, privilegeCount=1, accessMode=0), is missing prvReadUser privilege (Id=${privilegeId('prvReadUser')}) on OTC=8 for entity 'systemuser'. context.Caller=${me}`,
        );
    });

    it('answers a caller with read on systemuser', async () => {
        const me = (await client.get('WhoAmI', as('own-user-reader'))).json.UserId as string;
        const own = await client.get(privilegesOf(me), as('own-user-reader'));
        expect(own.status).toBe(200);
        expect(own.json.RolePrivileges.map((p: { PrivilegeName: string }) => p.PrivilegeName)).toEqual([
            'prvReadUser',
            'prvReadAccount',
        ]);
    });
});

describe('EntityMetadata.Privileges', () => {
    type Privilege = {
        Name: string;
        PrivilegeType: string;
        PrivilegeId: string;
        CanBeBasic: boolean;
        CanBeGlobal: boolean;
    };
    const privileges = async (table: string) =>
        (await client.get(`EntityDefinitions(LogicalName='${table}')?$select=LogicalName,Privileges`)).json
            .Privileges as Privilege[];

    it('names each table privilege as the service does, with the id RetrieveUserPrivileges gives it', async () => {
        expect((await privileges('account')).map((p) => [p.PrivilegeType, p.Name])).toEqual([
            ['Create', 'prvCreateAccount'],
            ['Read', 'prvReadAccount'],
            ['Write', 'prvWriteAccount'],
            ['Delete', 'prvDeleteAccount'],
            ['Append', 'prvAppendAccount'],
            ['AppendTo', 'prvAppendToAccount'],
            ['Assign', 'prvAssignAccount'],
            ['Share', 'prvShareAccount'],
        ]);
        const read = (await privileges('account')).find((p) => p.PrivilegeType === 'Read')!;
        expect(read).toMatchObject({ PrivilegeId: privilegeId('prvReadAccount'), CanBeBasic: true, CanBeGlobal: true });
    });

    it('gives users, notes and activities their own names, and a table without owners no Assign or Share', async () => {
        expect((await privileges('systemuser')).map((p) => p.Name)).toEqual([
            'prvCreateUser',
            'prvReadUser',
            'prvWriteUser',
            'prvAppendUser',
            'prvAppendToUser',
        ]);
        expect((await privileges('annotation')).map((p) => p.Name)).toContain('prvReadNote');
        expect((await privileges('email')).map((p) => p.Name)).toContain('prvReadActivity');
        const currency = await privileges('transactioncurrency');
        expect(currency.map((p) => p.PrivilegeType)).not.toContain('Assign');
        expect(currency.every((p) => !p.CanBeBasic)).toBe(true);
    });
});
