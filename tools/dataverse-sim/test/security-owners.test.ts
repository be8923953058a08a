/**
 * Disabled users and owners (security/owners.ts, security/refusals.ts): with a security configuration a disabled caller
 * is refused on every request (UserNotEnabled 0x80040225), and a row may not be given to a disabled user nor to a user
 * or team that cannot read it (no role at all, or a role without read: the owner check's PrivilegeDenied 0x80040220),
 * whoever asks. Without a configuration nothing of this is enforced, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, privilegeId, systemRelationships, type SimRow, type Simulator } from '../src/index.js';
import { BOUNDARY, batchBody } from './batch-helpers.js';
import { startTestSimulator, type Client } from './server-helpers.js';

let sim: Simulator;
let client: Client;
const as = (caller: string) => ({ Authorization: `Bearer ${caller}` });
const schema = () => {
    const s = crmSchema();
    s.manyToMany.push(...systemRelationships());
    return s;
};
const disabledMessage = (userId: string) =>
    `The user with SystemUserId=${userId} in OrganizationContext=${sim.dump('organization')[0]!.organizationid as string} is disabled. Disabled users cannot access the system. Consider enabling this user. Also, users are disabled if they don't have a license assigned to them.`;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({
        schema: schema(),
        rows: 30,
        security: {
            roles: {
                'Contacts only': { tables: { contact: { read: 'Global' } } },
                'Own accounts': { tables: { account: { read: 'Basic' } } },
            },
            identities: [
                { caller: 'team-member', roles: ['Own accounts'] },
                { caller: 'disabled-app', isdisabled: true, roles: ['System Administrator'] },
                { caller: 'contacts-app', roles: ['Contacts only'] },
            ],
        },
    }));
});
afterAll(async () => {
    await sim.close();
});

const userId = (caller: string) => {
    const row = sim
        .dump('systemuser')
        .filter((u) => u.fullname !== '# team-member')
        .find((u) => (u.domainname as string).endsWith('@application') && u.isdisabled === (caller === 'disabled-app'));
    return row!.systemuserid as string;
};

async function assign(owner: string, set = 'systemusers'): Promise<{ status: number; json: any }> {
    const account = sim.dump('account')[0]!.accountid as string;
    return client.patch(`accounts(${account})`, { 'ownerid@odata.bind': `/${set}(${owner})` });
}

describe('disabled callers', () => {
    it('refuses every request of a disabled caller, WhoAmI and $batch included', async () => {
        const disabled = sim.dump('systemuser').find((u) => u.isdisabled === true && u.accessmode === 4)!;
        const expected = { code: '0x80040225', message: disabledMessage(disabled.systemuserid as string) };
        for (const r of [
            await client.get('WhoAmI', as('disabled-app')),
            await client.get('accounts?$select=name', as('disabled-app')),
            await client.post('accounts', { name: 'x' }, as('disabled-app')),
            await client.post('$batch', batchBody([{ method: 'GET', url: 'accounts' }]), {
                ...as('disabled-app'),
                'Content-Type': `multipart/mixed; boundary=${BOUNDARY}`,
            }),
        ]) {
            expect(r.status).toBe(403);
            expect(r.json.error).toEqual(expected);
        }
    });
});

describe('owners', () => {
    it('refuses a disabled user as owner, whoever asks', async () => {
        const sven = sim.dump('systemuser').find((u) => u.isdisabled === true && u.accessmode !== 4)!;
        const r = await assign(sven.systemuserid as string);
        expect(r.status).toBe(400);
        expect(r.json.error).toEqual({ code: '0x8004022b', message: 'The specified owner has been disabled.' });
        const created = await client.post('accounts', {
            name: 'owned by a disabled user',
            'ownerid@odata.bind': `/systemusers(${sven.systemuserid as string})`,
        });
        expect(created.status).toBe(400);
        expect(sim.dump('account').some((a) => a.name === 'owned by a disabled user')).toBe(false);
    });

    it('refuses an owner whose role cannot read the table, with the owner check naming owner and caller', async () => {
        const owner = userId('contacts-app');
        const admin = (await client.get('WhoAmI')).json.UserId as string;
        const r = await assign(owner);
        expect(r.status).toBe(403);
        expect(r.json.error).toEqual({
            code: '0x80040220',
            message: `Read Privilege Check For Owner failed with exception: Principal user (Id=${owner}, type=8, roleCount=1, privilegeCount=1, accessMode=0), is missing prvReadAccount privilege (Id=${privilegeId('prvReadAccount')}) on OTC=1 for entity 'account'. context.Caller=${admin}`,
        });
    });

    it('refuses a user or team without any role, and accepts one with a role', async () => {
        const admin = (await client.get('WhoAmI')).json.UserId as string;
        const held = sim.dump('systemuserroles');
        const user = sim.dump('systemuser').find((u) => u.isdisabled === false && u.title === 'Sales Representative')!;
        const uid = user.systemuserid as string;
        expect((await assign(uid)).status).toBe(204);
        for (const pair of held.filter((p) => p.systemuserid === uid)) {
            const removed = await client.delete(
                `systemusers(${uid})/systemuserroles_association(${pair.roleid as string})/$ref`,
            );
            expect(removed.status).toBe(204);
        }
        const member = sim.dump('teammembership').filter((m) => m.systemuserid === uid);
        const teamRoles = sim.dump('teamroles');
        expect(member.every((m) => !teamRoles.some((t) => t.teamid === m.teamid))).toBe(true);
        const r = await assign(uid);
        expect(r.json.error).toEqual({
            code: '0x80040220',
            message: `Read Privilege Check For Owner failed with exception: Principal user (Id=${uid}, type=8, roleCount=0, privilegeCount=0, accessMode=0), is missing prvReadAccount privilege (Id=${privilegeId('prvReadAccount')}) on OTC=1 for entity 'account'. context.Caller=${admin}`,
        });
        const teams = sim.dump('team');
        const roleless = teams.find((t) => !teamRoles.some((p) => p.teamid === t.teamid))!;
        const withRole = teams.find((t) => teamRoles.some((p) => p.teamid === t.teamid))!;
        const refused = await assign(roleless.teamid as string, 'teams');
        expect(refused.json.error.message).toMatch(
            new RegExp(
                `^Read Privilege Check For Owner failed with exception: Principal team \\(Id=${roleless.teamid as string}, type=9, roleCount=0,`,
            ),
        );
        expect((await assign(withRole.teamid as string, 'teams')).status).toBe(204);
    });
});

describe('Basic depth and teams', () => {
    it('reaches the rows of the teams the user is a member of', async () => {
        const member = (await client.get('WhoAmI', as('team-member'))).json.UserId as string;
        const teams = sim.dump('team');
        const ownerTeam = (a: SimRow) => teams.find((t) => t.teamid === (a.ownerid as { id: string }).id);
        // A team one may join: not a default business-unit team.
        const team = ownerTeam(sim.dump('account').find((a) => ownerTeam(a)?.isdefault === false)!)!.teamid as string;
        const ids = async () =>
            ((await client.get('accounts?$select=accountid', as('team-member'))).json.value as SimRow[]).map(
                (a) => a.accountid,
            );
        expect(await ids()).toEqual([]);
        const joined = await client.post(`teams(${team})/teammembership_association/$ref`, {
            '@odata.id': `${client.api}systemusers(${member})`,
        });
        expect(joined.status).toBe(204);
        const expected = sim
            .dump('account')
            .filter((a) => (a.ownerid as { id: string }).id === team)
            .map((a) => a.accountid);
        expect(expected.length).toBeGreaterThan(0);
        expect(await ids()).toEqual(expected);
    });
});

describe('without a security configuration', () => {
    it('lets a disabled user own rows, as before', async () => {
        const plain = await startTestSimulator({ schema: schema(), rows: 5 });
        try {
            const sven = plain.sim.dump('systemuser').find((u: SimRow) => u.isdisabled === true)!;
            const account = plain.sim.dump('account')[0]!.accountid as string;
            const r = await plain.client.patch(`accounts(${account})`, {
                'ownerid@odata.bind': `/systemusers(${sven.systemuserid as string})`,
            });
            expect(r.status).toBe(204);
        } finally {
            await plain.sim.close();
        }
    });
});
