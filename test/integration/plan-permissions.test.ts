/**
 * The permissions preflight of `plan` against simulated environments with security roles: each outcome (a clean
 * System Administrator, a partial source view, no read, unreadable privileges, a target missing privileges, a bypass
 * header without its privilege) as the plan's warnings, problems and each table's `sourceRead`. Callers are told apart
 * by their bearer token (the simulator's caller when the token is not a JWT).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SecurityConfigInput, type Simulator } from 'dataverse-sim';
import { createDataverseClient } from '../../src/dataverse/client.js';
import { preparePlan } from '../../src/plan/prepare.js';
import { validateSpec } from '../../src/spec/index.js';

const users = { systemuser: { read: 'Global' as const } };

const sourceSecurity: SecurityConfigInput = {
    roles: {
        'Read all': { tables: { '*': { read: 'Global' } } },
        'Read local': { tables: { '*': { read: 'Global' }, account: { read: 'Local' }, ...users } },
        'No contacts': { tables: { '*': { read: 'Global' }, contact: {}, ...users } },
        'Business tables only': { tables: { account: { read: 'Global' }, contact: { read: 'Global' } } },
    },
    identities: [
        { caller: 'reader', roles: ['Read all'] },
        { caller: 'local-reader', roles: ['Read local'] },
        { caller: 'no-contacts', roles: ['No contacts'] },
        { caller: 'no-user-read', roles: ['Business tables only'] },
        { caller: 'finance-reader', roles: ['Read all'], fieldSecurityProfiles: ['Finance'] },
    ],
    columns: { 'account.creditlimit': {} },
    fieldSecurityProfiles: { Finance: { 'account.creditlimit': { read: true } } },
};

const everything = { create: 'Global', read: 'Global', write: 'Global', append: 'Global', appendto: 'Global' } as const;
const targetSecurity: SecurityConfigInput = {
    roles: {
        'Read only': { tables: { '*': { read: 'Global' } } },
        Writer: { tables: { '*': { ...everything, assign: 'Global', delete: 'Global' } } },
        'Writer without assign': { tables: { '*': { ...everything, delete: 'Global' } } },
        'Local writer': { tables: { '*': { ...everything, assign: 'Global', delete: 'Global', write: 'Local' } } },
        Bypasser: { tables: { '*': { ...everything, assign: 'Global' } }, bypassCustomBusinessLogic: true },
    },
    identities: [
        { caller: 'read-only', roles: ['Read only'] },
        { caller: 'writer', roles: ['Writer'] },
        { caller: 'no-assign', roles: ['Writer without assign'] },
        { caller: 'local-writer', roles: ['Local writer'] },
        { caller: 'bypasser', roles: ['Bypasser'] },
        { caller: 'create-only', roles: ['Writer'], fieldSecurityProfiles: ['Create only'] },
    ],
    columns: { 'account.creditlimit': {} },
    fieldSecurityProfiles: { 'Create only': { 'account.creditlimit': { create: true } } },
};

let source: Simulator;
let target: Simulator;

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 60, seed: 4, security: sourceSecurity }),
        startSimulator({ schema: 'crm', seed: 4, empty: true, security: targetSecurity }),
    ]);
});
afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

/** A client whose bearer token is `caller` (an unlisted caller is a System Administrator). */
function clientAs(sim: Simulator, caller: string) {
    const tokenCredential = {
        getToken: () => Promise.resolve({ token: caller, expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    return createDataverseClient({ url: sim.url, tokenCredential });
}

type TableEntry = { name: string; deleteMissing?: boolean; columns?: string[]; bypass?: unknown };

async function planAs(sourceCaller: string, targetCaller: string, tables: TableEntry[]) {
    const validated = validateSpec({
        name: 'permissions',
        source: { url: source.url },
        target: { url: target.url },
        tables,
    });
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    const { plan } = await preparePlan(
        validated.spec,
        { source: clientAs(source, sourceCaller), target: clientAs(target, targetCaller) },
        { matchReferences: false },
    );
    return plan;
}

const messages = (issues: Array<{ message: string }>) => issues.map((i) => i.message);
const userOf = async (sim: Simulator, caller: string) => (await clientAs(sim, caller).whoAmI()).UserId;

describe('the source identity', () => {
    it('as a System Administrator on both sides: no warning or problem, every view complete', async () => {
        const plan = await planAs('admin', 'admin', [{ name: 'account', deleteMissing: true }, { name: 'contact' }]);
        expect(plan.problems).toEqual([]);
        expect(messages(plan.warnings).filter((m) => /identity|privilege/.test(m))).toEqual([]);
        expect(plan.tables.account!.sourceRead).toEqual({ complete: true, depth: 'Global' });
        expect(plan.tables.contact!.sourceRead).toEqual({ complete: true, depth: 'Global' });
    });

    it('with Local read: warns which rows are invisible, and deleteMissing on that table is a problem', async () => {
        const me = await userOf(source, 'local-reader');
        const plan = await planAs('local-reader', 'writer', [
            { name: 'account', deleteMissing: true },
            { name: 'contact', deleteMissing: true },
        ]);
        const reason = `the source identity (systemuser ${me}) has Local read (prvReadAccount): only rows owned by the identity's business unit are visible to it`;
        expect(plan.tables.account!.sourceRead).toEqual({ complete: false, depth: 'Local', reason });
        expect(plan.warnings).toContainEqual({
            path: 'tables[0]',
            table: 'account',
            message: `${reason}: the others are not copied`,
        });
        expect(plan.problems).toEqual([
            {
                path: 'tables[0].deleteMissing',
                table: 'account',
                message: `deleteMissing needs Global read of 'account' in the source, or target rows the source identity cannot see are deleted: ${reason}`,
            },
        ]);
    });

    it('without read on a table: a problem naming the privilege', async () => {
        const me = await userOf(source, 'no-contacts');
        const plan = await planAs('no-contacts', 'writer', [{ name: 'account' }, { name: 'contact' }]);
        expect(plan.problems).toEqual([
            {
                path: 'tables[1]',
                table: 'contact',
                message: `the source identity (systemuser ${me}) lacks prvReadContact: 'contact' cannot be read`,
            },
        ]);
    });

    it('that may not list its privileges: a "could not check" warning, no crash, and no complete view', async () => {
        const plan = await planAs('no-user-read', 'writer', [
            { name: 'account', deleteMissing: true, columns: ['name'] },
        ]);
        expect(plan.problems).toEqual([]);
        const warning = messages(plan.warnings).find((m) => m.startsWith('could not check the source identity'));
        expect(warning).toMatch(/RetrieveUserPrivileges: .*prvReadUser/);
        expect(warning).toContain("'account' will not delete rows missing in the source");
        expect(plan.tables.account!.sourceRead?.complete).toBe(false);
    });
});

describe('the target identity', () => {
    it('read-only: every missing privilege of every table listed at once, naming table, privilege and identity', async () => {
        const me = await userOf(target, 'read-only');
        const plan = await planAs('reader', 'read-only', [
            { name: 'account', deleteMissing: true },
            { name: 'contact' },
        ]);
        const lacks = (privilege: string) =>
            plan.problems.find((p) =>
                p.message.startsWith(`the target identity (systemuser ${me}) lacks ${privilege} `),
            );
        for (const privilege of [
            'prvCreateAccount',
            'prvWriteAccount',
            'prvAssignAccount',
            'prvAppendAccount',
            'prvDeleteAccount',
            'prvCreateContact',
            'prvWriteContact',
            'prvAssignContact',
            'prvAppendContact',
            'prvAppendToAccount',
            'prvAppendToUser',
        ])
            expect(lacks(privilege), privilege).toBeDefined();
        expect(lacks('prvDeleteContact')).toBeUndefined();
        expect(lacks('prvAppendToAccount')!.message).toMatch(/'contact\.parentcustomerid' to point to it/);
        expect(lacks('prvDeleteAccount')).toMatchObject({ path: 'tables[0]', table: 'account' });
    });

    it('without Assign: a problem only for the owners it would set', async () => {
        const me = await userOf(target, 'no-assign');
        const plan = await planAs('reader', 'no-assign', [{ name: 'account' }]);
        expect(messages(plan.problems)).toEqual([
            `the target identity (systemuser ${me}) lacks prvAssignAccount (Assign on 'account'), needed to set the owners of its rows`,
        ]);
        const withoutOwners = await planAs('reader', 'no-assign', [{ name: 'account', columns: ['name'] }]);
        expect(withoutOwners.problems).toEqual([]);
    });

    it('with Local write: a warning that rows out of its reach are refused', async () => {
        const plan = await planAs('reader', 'local-writer', [{ name: 'account' }]);
        expect(plan.problems).toEqual([]);
        expect(messages(plan.warnings)).toContainEqual(
            expect.stringMatching(
                /has Local Write on 'account' \(prvWriteAccount\): only rows owned by the identity's business unit can be reached/,
            ),
        );
    });

    it('asked to bypass custom logic: a problem without prvBypassCustomBusinessLogic, none with it', async () => {
        const tables = [{ name: 'account', bypass: { businessLogic: ['CustomSync'] } }];
        const refused = await planAs('reader', 'writer', tables);
        expect(refused.problems).toEqual([
            expect.objectContaining({
                path: 'tables[0].bypass.businessLogic',
                message: expect.stringMatching(
                    /lacks prvBypassCustomBusinessLogic, needed for the MSCRM\.BypassBusinessLogicExecution header .* on 'account'/,
                ),
            }),
        ]);
        expect((await planAs('reader', 'bypasser', tables)).problems).toEqual([]);
    });
});

describe('secured columns (account.creditlimit)', () => {
    const mapped = (plan: Awaited<ReturnType<typeof planAs>>) => plan.tables.account!.columns.map((c) => c.source);

    it('the source may not read it: left out of the mapping with a warning, never written as null', async () => {
        const plan = await planAs('reader', 'admin', [{ name: 'account' }]);
        expect(plan.problems).toEqual([]);
        expect(mapped(plan)).not.toContain('creditlimit');
        expect(mapped(plan)).toContain('name');
        expect(plan.warnings).toContainEqual({
            path: 'tables[0]',
            table: 'account',
            column: 'creditlimit',
            message:
                "secured column 'account.creditlimit' is left out: the source identity may not read it (no field security profile lets it read the column), so it would read as null; it is never written nor compared",
        });
        const admins = await planAs('admin', 'admin', [{ name: 'account' }]);
        expect(mapped(admins)).toContain('creditlimit');
    });

    it('the target may not write it: left out with a warning, a problem when the spec lists it', async () => {
        const plan = await planAs('finance-reader', 'writer', [{ name: 'account' }]);
        expect(plan.problems).toEqual([]);
        expect(mapped(plan)).not.toContain('creditlimit');
        expect(messages(plan.warnings)).toContain(
            "secured column 'account.creditlimit' cannot be written by the target identity (no field security profile lets it create or update the column): left out",
        );
        const listed = await planAs('finance-reader', 'writer', [
            { name: 'account', columns: ['name', 'creditlimit'] },
        ]);
        expect(listed.problems).toEqual([
            {
                path: 'tables[0]',
                table: 'account',
                column: 'creditlimit',
                message:
                    "secured column 'account.creditlimit' cannot be written by the target identity (no field security profile lets it create or update the column)",
            },
        ]);
    });

    it('the target may only create it: written on create only', async () => {
        const plan = await planAs('finance-reader', 'create-only', [{ name: 'account' }]);
        expect(plan.problems).toEqual([]);
        expect(plan.tables.account!.columns.find((c) => c.source === 'creditlimit')?.writable).toBe('create');
        expect(messages(plan.warnings)).toContain(
            "secured column 'account.creditlimit' is written on create only: the target identity's field permissions allow no more",
        );
    });
});
