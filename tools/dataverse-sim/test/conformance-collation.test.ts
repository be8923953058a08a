/**
 * Conformance of string comparison with the organization's collation (power-platform admin/language-collations.md:
 * every language case-insensitive, English `_CI_AI`, Finnish 1035 among the `_CI_AS` ones; trailing spaces ignored
 * and leading ones kept, as SQL Server pads strings before `=`, inferred): key segments, upsert by key, the unique
 * index of an alternate key, UpsertMultiple duplicates and `$filter` agree on which values are one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { collationKey, collationOfLanguage, compareCollated } from '../src/odata/collation.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

const type = { '@odata.type': 'Microsoft.Dynamics.CRM.account' };
const key = (value: string) => `accounts(accountnumber=${encodeURIComponent(`'${value}'`)})`;
const filter = (clause: string) => `accounts?$select=accountnumber,name&$filter=${encodeURIComponent(clause)}`;

let english: { sim: Simulator; client: Client };
let finnish: { sim: Simulator; client: Client };

beforeAll(async () => {
    [english, finnish] = await Promise.all([startTestSimulator(), startTestSimulator({ languageCode: 1035 })]);
});
afterAll(async () => {
    await Promise.all([english?.sim.close(), finnish?.sim.close()]);
});

describe('the collation rule', () => {
    it('takes the collation from the base language as the documentation lists it', () => {
        expect(collationOfLanguage(1033)).toBe('CI_AI');
        expect(collationOfLanguage(1036)).toBe('CI_AI');
        expect(collationOfLanguage(1035)).toBe('CI_AS');
        expect(collationOfLanguage(2055)).toBe('CI_AS');
    });

    it('ignores case, accents under _AI, and trailing spaces only', () => {
        expect(collationKey('Café  ', 'CI_AI')).toBe('cafe');
        expect(collationKey('Café', 'CI_AS')).toBe('café');
        expect(collationKey('Cafe\u0301', 'CI_AS')).toBe('café'); // composed and decomposed are one text
        expect(collationKey(' cafe', 'CI_AI')).toBe(' cafe');
        expect(compareCollated('CAFÉ ', 'cafe', 'CI_AI')).toBe(0);
        expect(compareCollated('café', 'cafe', 'CI_AS')).not.toBe(0);
        expect(Math.sign(compareCollated('cafe', 'cafes', 'CI_AI'))).toBe(-1);
        expect(Math.sign(compareCollated('Ábc', 'abd', 'CI_AI'))).toBe(-1);
    });
});

describe('an English organization (languagecode 1033, _CI_AI)', () => {
    let id: string;
    beforeAll(async () => {
        id = await english.client.create('accounts', { name: 'Bistro', accountnumber: 'Café' });
    });

    it('says its base language', async () => {
        const r = await english.client.get('organizations?$select=languagecode');
        expect(r.json.value).toEqual([expect.objectContaining({ languagecode: 1033 })]);
    });

    it('finds a row by a key that differs by case, accent and trailing spaces, not by leading ones', async () => {
        for (const value of ['Café', 'cafe', 'CAFE  ', 'cafè']) {
            const r = await english.client.get(`${key(value)}?$select=accountid`);
            expect(r.status, value).toBe(200);
            expect(r.json.accountid).toBe(id);
        }
        expect((await english.client.get(key(' cafe'))).status).toBe(404);
    });

    it('upserts by such a key into the existing row, keeping its stored key value', async () => {
        const before = english.sim.dump('account').length;
        const r = await english.client.patch(key('cafe '), { name: 'Bistro 2' });
        expect(r.status).toBe(204);
        expect(english.sim.dump('account')).toHaveLength(before);
        const row = english.sim.dump('account').find((a) => a.accountid === id)!;
        expect(row).toMatchObject({ name: 'Bistro 2', accountnumber: 'Café' });
    });

    it('refuses a second row whose key is equal under the collation, with the duplicate key error', async () => {
        const r = await english.client.post('accounts', { name: 'Other', accountnumber: 'CAFE ' });
        expect(r.status).toBe(412);
        expect(r.json.error.code).toBe('0x80040237');
        expect(r.json.error.message).toMatch(/^A record that has the attribute values CAFE {2}already exists\./);
    });

    it('refuses UpsertMultiple with two targets whose keys are equal under the collation', async () => {
        const r = await english.client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [
                { ...type, '@odata.id': key('Crème'), name: 'first' },
                { ...type, '@odata.id': key('creme '), name: 'second' },
            ],
        });
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('0x80040203');
    });

    it('matches $filter eq under the same rule, and ne as its negation', async () => {
        const ids = async (clause: string) =>
            ((await english.client.get(filter(clause))).json.value as Array<{ accountid: string }>).map(
                (a) => a.accountid,
            );
        expect(await ids(`accountnumber eq 'CAFE   '`)).toEqual([id]);
        expect(await ids(`accountnumber eq 'cafè'`)).toEqual([id]);
        expect(await ids(`accountnumber eq ' cafe'`)).toEqual([]);
        expect(await ids(`accountnumber ne 'cafe ' and accountnumber ne null`)).not.toContain(id);
        // LIKE keeps trailing spaces: 'Café' does not start with 'cafe '.
        expect(await ids(`startswith(accountnumber,'cafe ')`)).toEqual([]);
        expect(await ids(`startswith(accountnumber,'CAFE')`)).toEqual([id]);
    });
});

describe('a Finnish organization (languagecode 1035, _CI_AS)', () => {
    let plain: string;
    let accented: string;
    beforeAll(async () => {
        plain = await finnish.client.create('accounts', { name: 'Plain', accountnumber: 'cafe' });
        accented = await finnish.client.create('accounts', { name: 'Accented', accountnumber: 'café' });
    });

    it('says its base language, and holds keys that differ by an accent as two rows', async () => {
        const r = await finnish.client.get('organizations?$select=languagecode');
        expect(r.json.value).toEqual([expect.objectContaining({ languagecode: 1035 })]);
        expect(plain).not.toBe(accented);
    });

    it('finds each by its own accent, still ignoring case and trailing spaces', async () => {
        expect((await finnish.client.get(`${key('CAFE ')}?$select=accountid`)).json.accountid).toBe(plain);
        expect((await finnish.client.get(`${key('CAFÉ ')}?$select=accountid`)).json.accountid).toBe(accented);
        const r = await finnish.client.get(filter(`accountnumber eq 'Café '`));
        expect(r.json.value.map((a: { accountid: string }) => a.accountid)).toEqual([accented]);
    });

    it('refuses a duplicate that differs only by case', async () => {
        const r = await finnish.client.post('accounts', { name: 'Again', accountnumber: 'CAFÉ' });
        expect(r.status).toBe(412);
        expect(r.json.error.code).toBe('0x80040237');
    });
});
