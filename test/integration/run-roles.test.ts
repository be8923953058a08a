/**
 * Users' security roles in a crm migration, through the CLI (`plan`, `run`, `verify`) against two simulators in
 * different Entra ID tenants: the target's users have other ids and other object ids, so they are matched by domain
 * name; every business unit has its own copy of each role, so a role is matched by name within the matched unit;
 * accounts and contacts are copied in the same run. What a demanding admin checks: each user gets the target copy of
 * their own unit's role, a role the target lacks is skipped and named (never failed), an unmatched user's roles are
 * never handed to the fallback user, a target-only user's roles are none of the run's business, an extra role of a
 * migrated user is a difference, and a second run writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, systemRelationships, type SimRow, type SimSchema } from 'dataverse-sim';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair, type Sim } from './run-helpers.js';

const ADMIN = 'avery.admin@contoso.onmicrosoft.com';

/** The crm schema with users' security roles, as a real org has them. */
function crmWithRoles(): SimSchema {
    const schema = crmSchema();
    schema.manyToMany.push(...systemRelationships().filter((m) => m.schemaName === 'systemuserroles_association'));
    return schema;
}

let pair: Pair;
let specPath: string;

interface Names {
    user: Map<string, string>;
    role: Map<string, string>;
}

/** Users by id -> domain name, roles by id -> 'business unit/role', from the simulator's rows. */
function names(sim: Sim): Names {
    const units = new Map(sim.dump('businessunit').map((b) => [b.businessunitid as string, b.name as string]));
    const unitOf = (row: SimRow) => units.get((row.businessunitid as { id: string } | null)?.id ?? '') ?? '?';
    return {
        user: new Map(sim.dump('systemuser').map((u) => [u.systemuserid as string, u.domainname as string])),
        role: new Map(sim.dump('role').map((r) => [r.roleid as string, `${unitOf(r)}/${r.name as string}`])),
    };
}

/** The assignments of an environment as 'login: unit/role', comparable across environments. */
async function assignments(sim: Sim): Promise<string[]> {
    const n = names(sim);
    const body = (await api(sim, 'GET', 'systemuserrolescollection?$select=systemuserid,roleid')) as {
        value: Array<{ systemuserid: string; roleid: string }>;
    };
    return body.value
        .map((p) => `${n.user.get(p.systemuserid) ?? p.systemuserid}: ${n.role.get(p.roleid) ?? p.roleid}`)
        .sort();
}

async function idOf(sim: Sim, set: string, filter: string, key: string): Promise<string> {
    const body = (await api(sim, 'GET', `${set}?$select=${key}&$filter=${encodeURIComponent(filter)}`)) as {
        value: Array<Record<string, string>>;
    };
    expect(body.value, `${set} ${filter}`).toHaveLength(1);
    return body.value[0]![key]!;
}

async function associate(sim: Sim, userId: string, roleId: string): Promise<void> {
    await api(sim, 'POST', `systemusers(${userId})/systemuserroles_association/$ref`, {
        '@odata.id': `${sim.url}/api/data/v9.2/roles(${roleId})`,
    });
}

const rootUnit = (sim: Sim) => idOf(sim, 'businessunits', '_parentbusinessunitid_value eq null', 'businessunitid');

const rootRole = async (sim: Sim, name: string) =>
    idOf(sim, 'roles', `name eq '${name}' and _businessunitid_value eq ${await rootUnit(sim)}`, 'roleid');

/** Creates a row in the root business unit and returns its id. */
async function createInRoot(sim: Sim, set: 'roles' | 'systemusers', row: Record<string, string>): Promise<string> {
    const body = { ...row, 'businessunitid@odata.bind': `/businessunits(${await rootUnit(sim)})` };
    const created = (await api(sim, 'POST', set, body, { Prefer: 'return=representation' })) as Record<string, string>;
    return created[set === 'roles' ? 'roleid' : 'systemuserid']!;
}

/** The name and login columns of a new user (a login in the given domain). */
const user = (first: string, last: string, domain: string) => {
    const login = `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`;
    return { firstname: first, lastname: last, domainname: login, internalemailaddress: login };
};

beforeAll(async () => {
    const schema = crmWithRoles();
    pair = await simulatorPair(
        { schema, rows: 300, seed: 11 },
        { schema, rows: 300, seed: 11, empty: true, sameTenant: false },
    );
    const { source } = pair;
    // A custom role only the source has, held by the administrator.
    const projectLead = await createInRoot(source, 'roles', { name: 'Project Lead' });
    const admin = await idOf(source, 'systemusers', `domainname eq '${ADMIN}'`, 'systemuserid');
    await associate(source, admin, projectLead);
    // A user only the source has, who holds Salesperson: with a fallback user set, the role must not go to the fallback.
    const leaver = await createInRoot(source, 'systemusers', user('Tom', 'Gone', 'contoso.onmicrosoft.com'));
    await associate(source, leaver, await rootRole(source, 'Salesperson'));

    specPath = await writeSpec(pair, {
        name: 'crm-roles',
        tables: [{ name: 'account' }, { name: 'contact' }],
        // As import-cmt writes it: the CMT name is the intersect table.
        manyToMany: ['systemuserroles'],
        references: {
            systemuser: { matchOn: ['azureactivedirectoryobjectid', 'domainname'], fallback: ADMIN },
            fallbackOwner: ADMIN,
        },
        options: { pageSize: 100, writeBatchSize: 25 },
    });
});

afterAll(async () => {
    await pair?.close();
});

describe("users' security roles with a crm migration, across tenants", () => {
    it('plans them: users matched by natural key, roles by name within the matched business unit', async () => {
        const plan = await dvm(pair, ['plan', '--spec', specPath]);
        expect(plan.code, plan.stderr).toBe(0);
        expect(plan.stdout).toContain('systemuserroles_association (systemuser <-> role)');
        expect(plan.stdout).toContain('role: matched by name within the businessunit its businessunitid matches');
        // The role the target lacks, and the user it lacks, are named before anything is written.
        expect(plan.stdout).toMatch(
            /systemuserroles_association: 1 source role row without a match in the target \(role 'Project Lead'/,
        );
        expect(plan.stdout).toContain(
            'systemuserroles_association: 1 source systemuser row only matched the fallback row, which many-to-many pairs never use',
        );
    });

    it("gives every matched user the target copy of their own unit's roles, skipping what has no match", async () => {
        const before = await assignments(pair.target);
        expect(before).toEqual([]);
        const { code, summary, stderr } = await runJson(pair, specPath);
        expect(code, stderr).toBe(0);
        expect(summary.tables.account.copy.failed).toBe(0);
        const counts = summary.manyToMany.systemuserroles_association;
        const sourcePairs = await assignments(pair.source);
        expect(counts.read).toBe(sourcePairs.length);
        // Project Lead (no such role in the target) and Tom Gone's Salesperson (no such user) are skipped.
        expect([counts.written, counts.skipped, counts.failed]).toEqual([sourcePairs.length - 2, 2, 0]);

        const expected = sourcePairs.filter((p) => !p.includes('Project Lead') && !p.startsWith('tom.gone@'));
        expect(await assignments(pair.target)).toEqual(expected);
        // A Sales user holds the Sales unit's copy, matched by name within the matched unit.
        expect(expected).toContain('maria.garcia@contoso.onmicrosoft.com: Sales/Salesperson');
        expect(expected).toContain(`${ADMIN}: contoso/System Administrator`);
        // The fallback user did not inherit the leaver's role.
        expect(expected.filter((p) => p.startsWith(`${ADMIN}:`))).toEqual([
            `${ADMIN}: contoso/Basic User`,
            `${ADMIN}: contoso/System Administrator`,
        ]);
    });

    it('verifies identical, counting the skipped pairs, and writes nothing on a second run', async () => {
        const { code, report } = await verifyJson(pair, specPath);
        expect(report.manyToMany.systemuserroles_association).toMatchObject({ missing: 0, extra: 0, skipped: 2 });
        expect(report.identical).toBe(true);
        expect(code).toBe(0);

        const again = await runJson(pair, specPath);
        expect(again.code, again.stderr).toBe(0);
        const counts = again.summary.manyToMany.systemuserroles_association;
        expect(counts.written).toBe(0);
        expect(counts.unchanged).toBe(counts.read - 2);
    });

    it("leaves a target-only user's roles alone, and reports an extra role of a migrated user", async () => {
        const { target } = pair;
        const newcomer = await createInRoot(target, 'systemusers', user('Nia', 'New', 'contoso-dev.onmicrosoft.com'));
        await associate(target, newcomer, await rootRole(target, 'System Customizer'));
        const outside = await verifyJson(pair, specPath);
        expect(outside.report.manyToMany.systemuserroles_association).toMatchObject({ extra: 0, outside: 1 });
        expect(outside.report.identical).toBe(true);

        const admin = await idOf(target, 'systemusers', `domainname eq '${ADMIN}'`, 'systemuserid');
        const customizer = await rootRole(target, 'System Customizer');
        await associate(target, admin, customizer);
        const extra = await verifyJson(pair, specPath);
        expect(extra.report.manyToMany.systemuserroles_association).toMatchObject({ extra: 1, missing: 0 });
        expect(extra.report.manyToMany.systemuserroles_association.samples.extra).toEqual([`${admin}|${customizer}`]);
        expect(extra.report.identical).toBe(false);
        expect(extra.code).toBe(1);
    });
});
