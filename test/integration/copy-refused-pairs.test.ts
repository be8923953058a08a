/**
 * The pairs the engine skips before sending them, read from the target's principals, against a simulator that
 * refuses the same pairs (tools/dataverse-sim server-principal-refusals test): a default or Entra ID group team's
 * members, a disabled user's role, a role of another business unit; removing a role is never refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
    crmSchema,
    startSimulator,
    systemRelationships,
    type SimLookupValue,
    type SimRow,
    type Simulator,
} from 'dataverse-sim';
import { refusedPairs, REFUSAL_REASONS } from '../../src/copy/refused-pairs.js';
import { createDataverseClient } from '../../src/dataverse/index.js';
import type { ManyToManyEnvironmentPlan } from '../../src/plan/types.js';

let sim: Simulator;

const side = (table: string, entitySetName: string, nav: string) => ({
    table,
    entitySetName,
    primaryId: `${table}id`,
    intersectAttribute: `${table}id`,
    navigationProperty: nav,
});
const ROLES: ManyToManyEnvironmentPlan = {
    intersectEntity: 'systemuserroles',
    entity1: side('systemuser', 'systemusers', 'systemuserroles_association'),
    entity2: side('role', 'roles', 'systemuserroles_association'),
};
const MEMBERS: ManyToManyEnvironmentPlan = {
    intersectEntity: 'teammembership',
    entity1: side('team', 'teams', 'teammembership_association'),
    entity2: side('systemuser', 'systemusers', 'teammembership_association'),
};

beforeAll(async () => {
    const schema = crmSchema();
    schema.manyToMany.push(...systemRelationships());
    sim = await startSimulator({ schema, rows: 0, seed: 4 });
});
afterAll(async () => {
    await sim?.close();
});

const bu = (row: SimRow) => (row.businessunitid as SimLookupValue).id;

describe('pairs the target refuses, found before sending', () => {
    it("names a disabled user's role and another unit's role; a role of the user's own unit is fine", async () => {
        const client = createDataverseClient({ url: sim.url });
        const users = sim.dump('systemuser');
        const roles = sim.dump('role');
        const disabled = users.find((u) => u.isdisabled === true)!;
        const user = users.find((u) => u.isdisabled === false)!;
        const own = roles.find((r) => bu(r) === bu(user))!.roleid as string;
        const other = roles.find((r) => bu(r) !== bu(user))!.roleid as string;
        const pairs: Array<[string, string]> = [
            [user.systemuserid as string, own],
            [disabled.systemuserid as string, roles.find((r) => bu(r) === bu(disabled))!.roleid as string],
            [user.systemuserid as string, other],
        ];
        const refused = await refusedPairs(client, ROLES, pairs);
        expect([...refused]).toEqual([
            [1, REFUSAL_REASONS.disabledUser],
            [2, REFUSAL_REASONS.roleOfOtherUnit],
        ]);
        expect((await refusedPairs(client, ROLES, pairs, { action: 'disassociate' })).size).toBe(0);
    });

    it("names a default team's and an Entra ID group team's members, both ways; an owner team's are fine", async () => {
        const client = createDataverseClient({ url: sim.url });
        const teams = sim.dump('team');
        const user = sim.dump('systemuser').find((u) => u.isdisabled === false)!.systemuserid as string;
        const owner = teams.find((t) => t.isdefault === false)!;
        const created = await fetch(`${sim.url}/api/data/v9.2/teams`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' },
            body: JSON.stringify({
                name: 'Entra',
                teamtype: 3,
                'businessunitid@odata.bind': `/businessunits(${bu(owner)})`,
            }),
        });
        const group = ((await created.json()) as { teamid: string }).teamid;
        const pairs: Array<[string, string]> = [
            [owner.teamid as string, user],
            [teams.find((t) => t.isdefault === true)!.teamid as string, user],
            [group, user],
        ];
        const expected = [
            [1, REFUSAL_REASONS.defaultTeam],
            [2, REFUSAL_REASONS.groupTeam],
        ];
        expect([...(await refusedPairs(client, MEMBERS, pairs))]).toEqual(expected);
        expect([...(await refusedPairs(client, MEMBERS, pairs, { action: 'disassociate' }))]).toEqual(expected);
    });
});
