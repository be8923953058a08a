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
import { startSimulator, type SecurityConfigInput, type SimLookupValue, type Simulator } from 'dataverse-sim';
import { api, runJson, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const SEED = 4;
const ROWS = 60;

function anonymous(tables: Record<string, Record<string, string>>): SecurityConfigInput {
    return {
        roles: { Migration: { tables } },
        identities: [{ caller: 'anonymous', roles: ['Migration'] }],
    };
}

let admin: Simulator;
let localReader: Simulator;
let unchecked: Simulator;
let target: Simulator;
let readOnlyTarget: Simulator;

beforeAll(async () => {
    [admin, localReader, unchecked, target, readOnlyTarget] = await Promise.all([
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
    ]);
});
afterAll(async () => {
    await Promise.all([admin, localReader, unchecked, target, readOnlyTarget].map((s) => s?.close()));
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
                    /^deletes skipped: the source identity's complete view is not established \(the source identity's read could not be checked \(WhoAmI \/ RetrieveUserPrivileges: .*prvReadSystemUser/,
                ),
            },
        ]);
        const skipped = (await events(summary)).filter((e) => e.type === 'deletes-skipped');
        expect(skipped).toEqual([
            expect.objectContaining({ table: 'account', message: summary.skippedDeletes[0].reason }),
        ]);
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
