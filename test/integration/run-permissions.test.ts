/**
 * Runs whose identities may not see or do everything (issue 16): the hidden-rows scenario (some source accounts
 * invisible to the source identity's Local read, deleteMissing on) deletes nothing and says why; a source identity
 * whose privileges cannot be checked copies but skips its deletes, with an event and a summary line; a read-only target
 * identity stops the run in the plan with every missing privilege listed at once. The CLI sends no token, so each
 * environment's caller is `anonymous`.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
    crmSchema,
    startSimulator,
    systemRelationships,
    type SecurityConfigInput,
    type SimLookupValue,
    type Simulator,
} from 'dataverse-sim';
import { api, dvm, runJson, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const SEED = 4;
const ROWS = 60;

function anonymous(tables: Record<string, Record<string, string>>): SecurityConfigInput {
    return {
        roles: { Migration: { tables } },
        identities: [{ caller: 'anonymous', roles: ['Migration'] }],
    };
}

/** The crm schema with users' and teams' roles and team membership, as a real org has them. */
function crmWithRoles() {
    const schema = crmSchema();
    schema.manyToMany.push(...systemRelationships());
    return schema;
}

let admin: Simulator;
let localReader: Simulator;
let unchecked: Simulator;
let target: Simulator;
let readOnlyTarget: Simulator;
/** Enforces the owner checks (a security configuration): a disabled or role-less owner is refused. */
let ownerCheckingTarget: Simulator;

beforeAll(async () => {
    [admin, localReader, unchecked, target, readOnlyTarget, ownerCheckingTarget] = await Promise.all([
        startSimulator({ schema: 'crm', rows: ROWS, seed: SEED }),
        startSimulator({
            schema: 'crm',
            rows: ROWS,
            seed: SEED,
            security: anonymous({ '*': { read: 'Global' }, account: { read: 'Local' } }),
        }),
        // Reads accounts whole, but not systemuser: RetrieveUserPrivileges is refused.
        startSimulator({ schema: 'crm', rows: ROWS, seed: SEED, security: anonymous({ account: { read: 'Global' } }) }),
        startSimulator({ schema: 'crm', seed: SEED, empty: true }),
        startSimulator({ schema: 'crm', seed: SEED, empty: true, security: anonymous({ '*': { read: 'Global' } }) }),
        startSimulator({
            schema: crmWithRoles(),
            seed: SEED,
            empty: true,
            security: anonymous({
                '*': {
                    create: 'Global',
                    read: 'Global',
                    write: 'Global',
                    append: 'Global',
                    appendto: 'Global',
                    assign: 'Global',
                },
            }),
        }),
    ]);
});
afterAll(async () => {
    await Promise.all(
        [admin, localReader, unchecked, target, readOnlyTarget, ownerCheckingTarget].map((s) => s?.close()),
    );
});

function pair(source: Simulator, to: Simulator, dir: string): Pair {
    return { source, target: to, dir, close: () => Promise.resolve() };
}

function tempDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), 'dvm-run-permissions-'));
}

const accountIds = (sim: Simulator) => sim.dump('account').map((r) => r.accountid as string);

async function events(summary: { log: { location: string; events: string } }) {
    const text = await readFile(join(summary.log.location, summary.log.events), 'utf8');
    return text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('deletes only from a complete view', () => {
    it('the hidden-rows scenario: Local source read with deleteMissing stops in the plan and deletes nothing', async () => {
        const p = pair(admin, target, await tempDir());
        const seeded = await runJson(
            p,
            await writeSpec(p, { name: 'seed', tables: [{ name: 'account', columns: ['name'] }] }),
        );
        expect(seeded.code).toBe(0);
        expect(accountIds(localReader)).toEqual(accountIds(admin));
        const root = admin.dump('businessunit').find((u) => !u.parentbusinessunitid)!.businessunitid;
        const hidden = localReader
            .dump('account')
            .filter((r) => (r.owningbusinessunit as SimLookupValue).id !== root).length;
        expect(hidden).toBeGreaterThan(0);
        expect(hidden).toBeLessThan(accountIds(admin).length);

        const q = pair(localReader, target, p.dir);
        const spec = await writeSpec(
            q,
            {
                name: 'hidden',
                tables: [{ name: 'account', columns: ['name'], deleteMissing: true }],
            },
            'hidden.json',
        );
        const { code, summary } = await runJson(q, spec);
        expect(code).toBe(2);
        expect(summary.problems).toEqual([
            expect.objectContaining({
                path: 'tables[0].deleteMissing',
                message: expect.stringMatching(
                    /deleteMissing needs Global read of 'account' in the source, .* has Local read \(prvReadAccount\): only rows owned by the identity's business unit are visible to it/,
                ),
            }),
        ]);
        expect(accountIds(target).sort()).toEqual(accountIds(admin).sort());
    });

    it('privileges that cannot be checked: the copy runs, the deletes are skipped with an event and a summary line', async () => {
        const p = pair(unchecked, target, await tempDir());
        const extra = '5c0ffee0-0000-4000-8000-000000000001';
        await api(target, 'PATCH', `accounts(${extra})`, { name: 'only in the target' });
        const spec = await writeSpec(p, {
            name: 'unchecked',
            tables: [{ name: 'account', columns: ['name'], deleteMissing: true }],
        });
        const { code, summary } = await runJson(p, spec);
        expect(code).toBe(0);
        expect(accountIds(target)).toContain(extra);
        expect(summary.phases.delete.written).toBe(0);
        expect(summary.skippedDeletes).toEqual([
            {
                table: 'account',
                reason: expect.stringMatching(
                    /^deletes skipped: the source identity's complete view is not established \(the source identity's read could not be checked \(WhoAmI \/ RetrieveUserPrivileges: .*prvReadUser/,
                ),
            },
        ]);
        const skipped = (await events(summary)).filter((e) => e.type === 'deletes-skipped');
        expect(skipped).toEqual([
            expect.objectContaining({ table: 'account', message: summary.skippedDeletes[0].reason }),
        ]);

        // The dry run lists no deletes for that table either, and says why.
        const dry = await dvm(p, ['run', '--spec', spec, '--dry-run', '--json']);
        expect(dry.code, dry.stderr).toBe(0);
        const report = JSON.parse(dry.stdout) as {
            tables: Record<string, { delete: number; samples: { delete: string[] } }>;
            skippedDeletes?: unknown;
        };
        expect(report.tables.account).toMatchObject({ delete: 0, samples: { delete: [] } });
        expect(report.skippedDeletes).toEqual(summary.skippedDeletes);
        const human = await dvm(p, ['run', '--spec', spec, '--dry-run']);
        expect(human.stdout).toContain(`account would delete nothing: ${summary.skippedDeletes[0].reason}`);
    });
});

describe('a read-only target identity', () => {
    it('stops the run in the plan with every missing privilege of every table at once, writing nothing', async () => {
        const p = pair(admin, readOnlyTarget, await tempDir());
        const spec = await writeSpec(p, {
            name: 'read-only',
            tables: [{ name: 'account', deleteMissing: true }, { name: 'contact' }],
        });
        const { code, summary } = await runJson(p, spec);
        expect(code).toBe(2);
        const missing = (summary.problems as Array<{ message: string }>)
            .map((problem) => /lacks (prv\w+)/.exec(problem.message)?.[1])
            .filter(Boolean)
            .sort();
        expect(missing).toEqual(
            expect.arrayContaining([
                'prvAppendAccount',
                'prvAppendContact',
                'prvAppendToAccount',
                'prvAssignAccount',
                'prvAssignContact',
                'prvCreateAccount',
                'prvCreateContact',
                'prvDeleteAccount',
                'prvWriteAccount',
                'prvWriteContact',
            ]),
        );
        expect(readOnlyTarget.dump('account')).toEqual([]);
        expect(readOnlyTarget.dump('contact')).toEqual([]);
    });

    it('can still verify: verify only reads the target, so no write privilege is asked of it', async () => {
        const p = pair(admin, readOnlyTarget, await tempDir());
        const spec = await writeSpec(p, { name: 'read-only-verify', tables: [{ name: 'account' }] });
        const { report } = await verifyJson(p, spec);
        expect(report.problems ?? []).toEqual([]);
        expect(report.identical).toBe(false);
        expect(report.tables.account.missing).toBe(admin.dump('account').length);
    });
});

describe('owners the target refuses', () => {
    it('rows owned by a disabled user or a user without a role go to the fallback owner, each user named with its reason', async () => {
        const users = ownerCheckingTarget.dump('systemuser');
        const byLogin = (sim: Simulator, login: unknown) =>
            sim.dump('systemuser').find((u) => u.domainname === login)!.systemuserid as string;
        const owners = (sim: Simulator) =>
            new Map(sim.dump('account').map((r) => [r.accountid as string, (r.ownerid as SimLookupValue).id]));
        const sourceOwners = owners(admin);
        const disabled = users.find((u) => u.isdisabled === true)!;
        const fallback = users.find((u) => u.fullname === 'Avery Admin')!;
        // An enabled user who owns source accounts has no role in the target; every other enabled user is given the
        // first role of its business unit (an empty environment holds no role assignments).
        const roleless = users.find(
            (u) =>
                u !== fallback &&
                u.isdisabled !== true &&
                [...sourceOwners.values()].includes(byLogin(admin, u.domainname)),
        )!;
        const roles = ownerCheckingTarget.dump('role');
        const roleOf = (row: Record<string, unknown>) =>
            roles.find((r) => (r.businessunitid as SimLookupValue).id === (row.businessunitid as SimLookupValue).id)!
                .roleid as string;
        const grant = (set: string, id: unknown, nav: string, role: string) =>
            api(ownerCheckingTarget, 'POST', `${set}(${id as string})/${nav}/$ref`, {
                '@odata.id': `${ownerCheckingTarget.url}/api/data/v9.2/roles(${role})`,
            });
        for (const user of users.filter((u) => u !== roleless && u.isdisabled !== true))
            await grant('systemusers', user.systemuserid, 'systemuserroles_association', roleOf(user));
        for (const team of ownerCheckingTarget.dump('team'))
            await grant('teams', team.teamid, 'teamroles_association', roleOf(team));
        const refusedSource = new Set([byLogin(admin, disabled.domainname), byLogin(admin, roleless.domainname)]);
        const moved = [...sourceOwners].filter(([, owner]) => refusedSource.has(owner)).map(([id]) => id);
        expect(moved.length).toBeGreaterThan(0);

        const p = pair(admin, ownerCheckingTarget, await tempDir());
        const spec = await writeSpec(p, {
            name: 'refused-owners',
            tables: [{ name: 'account', columns: ['name', 'ownerid'] }],
            references: { fallbackOwner: fallback.domainname },
        });
        const { code, summary } = await runJson(p, spec);
        expect(summary.problems ?? []).toEqual([]);
        expect(code).toBe(0);
        expect(summary.phases.copy.failed).toBe(0);
        const copied = owners(ownerCheckingTarget);
        for (const id of moved) expect(copied.get(id)).toBe(fallback.systemuserid);
        const kept = [...sourceOwners].filter(([id]) => !moved.includes(id));
        // Users match by login, teams by name.
        const natural = (sim: Simulator) =>
            new Map([
                ...sim
                    .dump('systemuser')
                    .map((u) => [u.systemuserid as string, `user ${u.domainname as string}`] as const),
                ...sim.dump('team').map((t) => [t.teamid as string, `team ${t.name as string}`] as const),
            ]);
        const [sourceNames, targetNames] = [natural(admin), natural(ownerCheckingTarget)];
        for (const [id, owner] of kept) expect(targetNames.get(copied.get(id)!)).toBe(sourceNames.get(owner));
        const reasons = (await events(summary))
            .filter((e) => e.type === 'references')
            .map((e) => String(e.message))
            .filter((m) => m.includes('rows it owns go to the fallbackOwner'));
        expect(reasons).toHaveLength(2);
        expect(reasons).toEqual(
            expect.arrayContaining([
                expect.stringMatching(
                    new RegExp(
                        `^systemuser '.+' \\(${byLogin(admin, disabled.domainname)}\\) .* which is disabled in the target`,
                    ),
                ),
                expect.stringMatching(
                    new RegExp(
                        `^systemuser '.+' \\(${byLogin(admin, roleless.domainname)}\\) .* which has no security role in the target`,
                    ),
                ),
            ]),
        );
    });
});
