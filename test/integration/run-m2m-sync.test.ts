/**
 * Many-to-many as a sync, through the CLI against two simulators: team membership with `deleteMissing`. The default
 * business-unit team's membership the source holds is skipped with its reason (a warning, never a failed pair, in the
 * run and in verify); a member the source removed is removed from the target; a target-only user's membership is left
 * alone; removing more than `maxDeleteShare` of the pairs is refused with nothing removed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, systemRelationships, type SimSchema } from 'dataverse-sim';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair, type Sim } from './run-helpers.js';

const RELATIONSHIP = 'teammembership_association';

function crmWithTeamMembership(): SimSchema {
    const schema = crmSchema();
    schema.manyToMany.push(...systemRelationships().filter((m) => m.schemaName === RELATIONSHIP));
    return schema;
}

let pair: Pair;
let specPath: string;

const keyAccounts = async (sim: Sim) =>
    (
        (await api(sim, 'GET', `teams?$select=teamid&$filter=name eq 'Key Accounts'`)) as {
            value: Array<{ teamid: string }>;
        }
    ).value[0]!.teamid;

/** Logins of the members of Key Accounts in an environment, sorted. */
async function members(sim: Sim): Promise<string[]> {
    const team = await keyAccounts(sim);
    const logins = new Map(sim.dump('systemuser').map((u) => [u.systemuserid as string, u.domainname as string]));
    return sim
        .dump('teammembership')
        .filter((p) => p.teamid === team)
        .map((p) => logins.get(p.systemuserid as string) ?? '?')
        .sort();
}

const member = (sim: Sim, team: string, user: string) =>
    api(sim, 'POST', `teams(${team})/${RELATIONSHIP}/$ref`, {
        '@odata.id': `${sim.url}/api/data/v9.2/systemusers(${user})`,
    });
const unmember = (sim: Sim, team: string, user: string) =>
    api(sim, 'DELETE', `teams(${team})/${RELATIONSHIP}(${user})/$ref`);

async function events(summary: { log: { location: string; events: string } }) {
    const text = await readFile(path.resolve(pair.dir, summary.log.location, summary.log.events), 'utf8');
    return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let sourceUsers: string[];

beforeAll(async () => {
    const schema = crmWithTeamMembership();
    // seed 11: the generated membership is the organization's default team's (contoso), as real orgs have it.
    pair = await simulatorPair({ schema, rows: 50, seed: 11 }, { schema, rows: 50, seed: 11, empty: true });
    const { source, target } = pair;
    const team = await keyAccounts(source);
    sourceUsers = source
        .dump('systemuser')
        .filter((u) => u.isdisabled === false)
        .slice(1, 5)
        .map((u) => u.systemuserid as string);
    for (const user of sourceUsers) await member(source, team, user);
    // A user only the target has, in the target's Key Accounts: none of the run's business.
    const created = (await api(
        target,
        'POST',
        'systemusers',
        { firstname: 'Nia', lastname: 'New', domainname: 'nia.new@contoso-dev.onmicrosoft.com' },
        { Prefer: 'return=representation' },
    )) as { systemuserid: string };
    await member(target, await keyAccounts(target), created.systemuserid);
    specPath = await writeSpec(pair, {
        name: 'm2m-sync',
        tables: [],
        manyToMany: [{ name: RELATIONSHIP, deleteMissing: true }],
        options: { maxDeleteShare: 0.5 },
    });
});

afterAll(async () => {
    await pair?.close();
});

describe('team membership as a sync', () => {
    it("copies the members, skipping the default team's membership with a warning, not a failure", async () => {
        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(code, stderr).toBe(0);
        expect(summary.manyToMany[RELATIONSHIP]).toMatchObject({ read: 5, written: 4, skipped: 1, failed: 0 });
        const warnings = (await events(summary)).filter((e) => e.type === 'warning' && e.phase === 'associate');
        expect(warnings).toMatchObject([
            { table: RELATIONSHIP, pairs: 1, reason: 'default business-unit team: Dataverse manages its members' },
        ]);
        expect(summary.disassociated).toBeUndefined();
        expect(await members(pair.target)).toEqual(
            [...(await members(pair.source)), 'nia.new@contoso-dev.onmicrosoft.com'].sort(),
        );
        const { report } = await verifyJson(pair, specPath);
        expect(report.manyToMany[RELATIONSHIP]).toMatchObject({ missing: 0, extra: 0, skipped: 1, outside: 1 });
        expect(report.identical).toBe(true);
    });

    it('removes from the target a member the source removed, and counts it like a delete', async () => {
        await unmember(pair.source, await keyAccounts(pair.source), sourceUsers[0]!);
        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(code, stderr).toBe(0);
        expect(summary.disassociated[RELATIONSHIP]).toMatchObject({ read: 1, written: 1, skipped: 0, failed: 0 });
        expect(summary.phases.disassociate).toMatchObject({ read: 1, written: 1 });
        expect(summary.manyToMany[RELATIONSHIP]).toMatchObject({ read: 4, written: 0, unchanged: 3, failed: 0 });
        const removed = (await events(summary)).filter((e) => e.type === 'page' && e.phase === 'disassociate');
        expect(removed).toMatchObject([{ table: RELATIONSHIP, counts: { written: 1 } }]);
        expect(await members(pair.target)).toEqual(
            [...(await members(pair.source)), 'nia.new@contoso-dev.onmicrosoft.com'].sort(),
        );
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });

    it('refuses to remove more than maxDeleteShare of the pairs, and removes nothing', async () => {
        const team = await keyAccounts(pair.source);
        await unmember(pair.source, team, sourceUsers[1]!);
        await unmember(pair.source, team, sourceUsers[2]!);
        const before = await members(pair.target);
        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(1);
        expect(summary.status).toBe('failed');
        expect(summary.refusedDeletes).toEqual([{ table: RELATIONSHIP, wouldDelete: 2, targetRows: 3, maxShare: 0.5 }]);
        expect(summary.reason).toMatch(/refused to delete: teammembership_association would lose 2 of 3/);
        expect(await members(pair.target)).toEqual(before);
    });
});
