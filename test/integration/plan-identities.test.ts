/**
 * The permissions preflight of an environment with several identities (`additionalCredentials`): every identity is
 * checked like the first, and what one lacks is a problem naming it (its place in the spec and client id). The
 * simulator tells the identities apart by the `oid` of their loopbackUser tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SecurityConfigInput, type Simulator } from 'dataverse-sim';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { preparePlan } from '../../src/plan/prepare.js';
import { validateSpec } from '../../src/spec/index.js';

const READER = 'aaaaaaaa-0000-0000-0000-00000000000a';
const LOCAL_READER = 'aaaaaaaa-0000-0000-0000-00000000000b';
const WRITER = 'bbbbbbbb-0000-0000-0000-00000000000a';
const READ_ONLY = 'bbbbbbbb-0000-0000-0000-00000000000b';

const everything = { create: 'Global', read: 'Global', write: 'Global', append: 'Global', appendto: 'Global' } as const;
const sourceSecurity: SecurityConfigInput = {
    roles: {
        'Read all': { tables: { '*': { read: 'Global' } } },
        'Read local': { tables: { '*': { read: 'Global' }, account: { read: 'Local' } } },
    },
    identities: [
        { caller: READER, roles: ['Read all'] },
        { caller: LOCAL_READER, roles: ['Read local'] },
    ],
};
const targetSecurity: SecurityConfigInput = {
    roles: {
        Writer: { tables: { '*': { ...everything, assign: 'Global', delete: 'Global' } } },
        'Read only': { tables: { '*': { read: 'Global' } } },
    },
    identities: [
        { caller: WRITER, roles: ['Writer'] },
        { caller: READ_ONLY, roles: ['Read only'] },
    ],
};

let source: Simulator;
let target: Simulator;
beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 20, seed: 4, auth: 'strict', security: sourceSecurity }),
        startSimulator({ schema: 'crm', seed: 4, empty: true, auth: 'strict', security: targetSecurity }),
    ]);
});
afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

const user = (oid: string) => ({ type: 'loopbackUser', oid });

async function planWith(sourceUsers: string[], targetUsers: string[]) {
    const environment = (url: string, [first, ...more]: string[]) => ({
        url,
        credential: user(first as string),
        ...(more.length > 0 ? { additionalCredentials: more.map(user) } : {}),
    });
    const validated = validateSpec({
        name: 'identities',
        source: environment(source.url, sourceUsers),
        target: environment(target.url, targetUsers),
        tables: [{ name: 'account' }],
    });
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    const clients = createEnvironmentClients(validated.spec, { env: {}, userAgent: 'test' });
    return (await preparePlan(validated.spec, clients, { matchReferences: false })).plan;
}

describe('a plan with several identities an environment', () => {
    it('is clean when every identity holds what the first holds', async () => {
        const plan = await planWith([READER, 'aaaaaaaa-0000-0000-0000-0000000000ff'], [WRITER]);
        // The second source user is unlisted in the simulator's security: a System Administrator.
        expect(plan.problems).toEqual([]);
        expect(plan.tables.account!.sourceRead).toMatchObject({ complete: true });
    });

    it('names the target identity that may not write, and why', async () => {
        const plan = await planWith([READER], [WRITER, READ_ONLY]);
        const label = `target.additionalCredentials[0] (identity 2, client id ${READ_ONLY})`;
        expect(plan.problems.length).toBeGreaterThan(0);
        for (const problem of plan.problems) expect(problem.message.startsWith(`${label}: this identity`)).toBe(true);
        expect(plan.problems.map((p) => p.message).join('\n')).toMatch(/lacks prvCreateAccount/);
    });

    it('makes a table incomplete when a further source identity sees less of it', async () => {
        const plan = await planWith([READER, LOCAL_READER], [WRITER]);
        expect(plan.tables.account!.sourceRead).toMatchObject({ complete: false, depth: 'Local' });
        expect(plan.tables.account!.sourceRead?.reason).toMatch(
            new RegExp(`^source\\.additionalCredentials\\[0\\] \\(identity 2, client id ${LOCAL_READER}\\): `),
        );
    });
});
