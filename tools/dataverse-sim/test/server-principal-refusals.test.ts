/**
 * The system pairs the service refuses to relate: members of a default business-unit team (0x8004830B on add,
 * 0x8004830C on remove, the Web service error codes list's), members of an Entra ID group team, a role for a disabled
 * user and a role of another business unit (InvalidArgument, [inferred]: see principal-refusals.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, systemRelationships, type SimLookupValue, type SimRow } from '../src/index.js';
import type { Simulator } from '../src/index.js';
import { startTestSimulator, type Client } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    const schema = crmSchema();
    schema.manyToMany.push(...systemRelationships());
    ({ sim, client } = await startTestSimulator({ schema }));
});
afterAll(async () => {
    await sim.close();
});

const bu = (row: SimRow) => (row.businessunitid as SimLookupValue).id;
const ref = (set: string, id: string) => ({ '@odata.id': `${client.api}${set}(${id})` });

describe('pairs the service refuses', () => {
    it('refuses members of a default business-unit team, both ways, with the documented codes', async () => {
        const team = sim.dump('team').find((t) => t.isdefault === true)!;
        const user = sim.dump('systemuser').find((u) => u.isdisabled === false)!;
        const add = await client.post(
            `teams(${team.teamid as string})/teammembership_association/$ref`,
            ref('systemusers', user.systemuserid as string),
        );
        expect(add.status).toBe(400);
        expect(add.json.error).toEqual({
            code: '0x8004830B',
            message: `Can't add members to the default business unit team (TeamId = ${team.teamid as string}).`,
        });
        const remove = await client.delete(
            `teams(${team.teamid as string})/teammembership_association(${user.systemuserid as string})/$ref`,
        );
        expect(remove.status).toBe(400);
        expect(remove.json.error.code).toBe('0x8004830C');
    });

    it('refuses members of an Entra ID group team and accepts them on an owner team', async () => {
        const owner = sim.dump('team').find((t) => t.isdefault === false)!;
        const user = sim.dump('systemuser').find((u) => u.isdisabled === false)!;
        const ok = await client.post(
            `teams(${owner.teamid as string})/teammembership_association/$ref`,
            ref('systemusers', user.systemuserid as string),
        );
        expect(ok.status).toBe(204);
        const group = await client.create('teams', {
            name: 'Entra group',
            teamtype: 2,
            'businessunitid@odata.bind': `/businessunits(${bu(owner)})`,
        });
        const refused = await client.post(
            `teams(${group})/teammembership_association/$ref`,
            ref('systemusers', user.systemuserid as string),
        );
        expect(refused.status).toBe(400);
        expect(refused.json.error.code).toBe('0x80040203');
        expect(refused.json.error.message).toMatch(/Microsoft Entra ID group team/);
    });

    it('refuses a role for a disabled user and a role of another business unit; a role of the own unit is fine', async () => {
        const users = sim.dump('systemuser');
        const roles = sim.dump('role');
        const disabled = users.find((u) => u.isdisabled === true)!;
        const user = users.find((u) => u.isdisabled === false)!;
        const own = roles.find((r) => bu(r) === bu(user) && r.name === 'Salesperson')!;
        const other = roles.find((r) => bu(r) !== bu(user) && r.name === 'Salesperson')!;
        const roleOf = (userId: string, roleId: string) =>
            client.post(`systemusers(${userId})/systemuserroles_association/$ref`, ref('roles', roleId));
        const toDisabled = await roleOf(
            disabled.systemuserid as string,
            roles.find((r) => bu(r) === bu(disabled))!.roleid as string,
        );
        expect(toDisabled.status).toBe(400);
        expect(toDisabled.json.error.message).toMatch(/disabled user/);
        const elsewhere = await roleOf(user.systemuserid as string, other.roleid as string);
        expect(elsewhere.status).toBe(400);
        expect(elsewhere.json.error.message).toMatch(/another business unit/);
        expect((await roleOf(user.systemuserid as string, own.roleid as string)).status).toBe(204);
    });
});
