/**
 * Alternate-key values compared as the target's collation compares them (the simulator's conformance-collation test
 * shows the service side): on an English target (`_CI_AI`) a source row 'cafe ' updates the target row 'Café' and keeps
 * it through delete sync, two source rows 'Crème' and 'creme' are one target row (the second fails as a duplicate key),
 * and verify agrees; on a Finnish target (`_CI_AS`, read from its languagecode when planning) the same accents make
 * different rows, each found and written on its own.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, type SimSchema } from 'dataverse-sim';
import { DUPLICATE_KEY_CODE } from '../../src/copy/duplicate-keys.js';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

/** The crm schema with an alternate key on account.name: the target's key (the source may hold equal names). */
function schema(): SimSchema {
    const s = crmSchema();
    const account = s.tables.find((t) => t.logicalName === 'account')!;
    account.keys = [{ logicalName: 'new_namekey', schemaName: 'new_NameKey', keyAttributes: ['name'] }];
    return s;
}

// Ids that differ in their first group sort in this order in the source's pages (SQL uniqueidentifier order).
const id = (n: number) => `b${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
const spec = (pair: Pair) =>
    writeSpec(pair, {
        name: 'key-collation',
        tables: [{ name: 'account', match: 'new_namekey', columns: ['name', 'telephone1'], deleteMissing: true }],
        options: { maxDeleteShare: 0.9 },
    });
const byName = (pair: Pair) => new Map((pair.target.dump('account') as any[]).map((a) => [a.name, a]));

let english: Pair;
let finnish: Pair;
let englishSpec: string;
let finnishSpec: string;
const existing: Record<string, string> = {};

beforeAll(async () => {
    const source = { schema: 'crm', rows: 0, seed: 3 };
    const target = { schema: schema(), rows: 0, seed: 3, empty: true };
    [english, finnish] = await Promise.all([
        simulatorPair(source, target),
        simulatorPair(source, { ...target, languageCode: 1035 }),
    ]);
    for (const [n, name, telephone1] of [
        [1, 'cafe ', 'new'],
        [2, 'Crème', 'first'],
        [3, 'creme', 'second'],
    ] as const)
        await api(english.source, 'POST', 'accounts', { accountid: id(n), name, telephone1 });
    await api(english.target, 'POST', 'accounts', { accountid: id(91), name: 'Café', telephone1: 'old' });
    await api(english.target, 'POST', 'accounts', { accountid: id(92), name: 'Zeta', telephone1: 'gone' });
    for (const [n, name, telephone1] of [
        [1, 'CAFE ', 'plain'],
        [2, 'Café', 'accented'],
        [3, 'Crème', 'first'],
        [4, 'creme', 'second'],
    ] as const)
        await api(finnish.source, 'POST', 'accounts', { accountid: id(n), name, telephone1 });
    existing.plain = id(93);
    existing.accented = id(94);
    await api(finnish.target, 'POST', 'accounts', { accountid: existing.plain, name: 'cafe', telephone1: 'old' });
    await api(finnish.target, 'POST', 'accounts', { accountid: existing.accented, name: 'café', telephone1: 'old' });
    [englishSpec, finnishSpec] = await Promise.all([spec(english), spec(finnish)]);
});
afterAll(() => Promise.all([english?.close(), finnish?.close()]));

describe('an English target (_CI_AI)', () => {
    let result: Awaited<ReturnType<typeof runJson>>;
    beforeAll(async () => {
        result = await runJson(english, englishSpec);
    });

    it("updates the target row 'Café' from the source row 'cafe ' instead of creating one, and keeps it", () => {
        expect(result.code, result.stderr).toBe(1); // the duplicate below is a failed row
        const accounts = pairAccounts(english);
        const cafe = accounts.filter((a) => /^caf/i.test(a.name));
        expect(cafe).toEqual([expect.objectContaining({ accountid: id(91), telephone1: 'new' })]);
        // Only the target row no source key names is deleted.
        expect(result.summary.tables.account.delete).toMatchObject({ read: 1, written: 1 });
        expect(byName(english).has('Zeta')).toBe(false);
    });

    it("writes 'Crème' once and fails 'creme' as a duplicate key naming the first", async () => {
        expect(result.summary.tables.account.copy).toMatchObject({ read: 3, written: 2, failed: 1 });
        const creme = pairAccounts(english).filter((a) => /^cr/i.test(a.name));
        expect(creme).toEqual([expect.objectContaining({ name: 'Crème', telephone1: 'first' })]);
        const errors = await Promise.all(
            (result.summary.log.errors as string[]).map((p) => readFile(join(result.summary.log.location, p), 'utf8')),
        );
        const text = errors.join('\n');
        expect(text).toContain(DUPLICATE_KEY_CODE);
        expect(text).toContain(`the alternate key (name=""creme"") of account is also the key of source row ${id(2)}`);
    });

    it('writes nothing when run again, and verify agrees on every row but the duplicate', async () => {
        const written = english.target.stats().rowsWritten;
        const again = await runJson(english, englishSpec);
        expect(again.summary.tables.account.copy).toMatchObject({ unchanged: 2, failed: 1 });
        expect(again.summary.tables.account.delete).toMatchObject({ read: 0 });
        expect(english.target.stats().rowsWritten).toBe(written);
        const { report } = await verifyJson(english, englishSpec);
        expect(report.tables.account).toMatchObject({ missing: 0, different: 0, extra: 0, failing: 1 });
    });
});

describe('a Finnish target (_CI_AS)', () => {
    it("plans with the target's collation, as plan shows it", async () => {
        const [finnishPlan, englishPlan] = await Promise.all([
            dvm(finnish, ['plan', '--spec', finnishSpec]),
            dvm(english, ['plan', '--spec', englishSpec]),
        ]);
        expect(finnishPlan.stdout).toContain('matched on key new_namekey (case-insensitive, accent-sensitive)');
        expect(englishPlan.stdout).toContain('matched on key new_namekey (case- and accent-insensitive)');
    });

    it('writes keys that differ by an accent to their own rows, with no duplicate, and verifies identical', async () => {
        const result = await runJson(finnish, finnishSpec);
        expect(result.code, result.stderr).toBe(0);
        expect(result.summary.tables.account.copy).toMatchObject({ read: 4, written: 4, failed: 0 });
        expect(result.summary.tables.account.delete).toMatchObject({ read: 0 });
        const accounts = pairAccounts(finnish);
        expect(accounts).toHaveLength(4);
        expect(accounts.find((a) => a.accountid === existing.plain)).toMatchObject({ telephone1: 'plain' });
        expect(accounts.find((a) => a.accountid === existing.accented)).toMatchObject({ telephone1: 'accented' });
        expect(
            accounts
                .filter((a) => /^cr/i.test(a.name))
                .map((a) => a.telephone1)
                .sort(),
        ).toEqual(['first', 'second']);
        expect((await verifyJson(finnish, finnishSpec)).report.identical).toBe(true);
    });
});

function pairAccounts(pair: Pair): any[] {
    return pair.target.dump('account') as any[];
}
