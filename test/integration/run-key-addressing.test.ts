/**
 * Alternate-key values that are hard to put in a URL, end to end through the CLI against two simulators that answer
 * as the service does (tools/dataverse-sim conformance-addressing.test.ts): a key with a space goes percent-encoded
 * through the copy, deferred and state phases; a key with `/ & ?` (even one spelling `/../` into another table) is
 * found by `$filter` and written by its target id, and lookups to it bind by that id; two source rows with one key
 * (case-insensitively) leave one target row and one failed row that names the other.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, type SimSchema } from 'dataverse-sim';
import { DUPLICATE_KEY_CODE } from '../../src/copy/duplicate-keys.js';
import { createdIdFor } from '../../src/copy/key-addresses.js';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

/** The crm schema with an alternate key on account.name (160 characters: room for a path in a key value). */
function schema(): SimSchema {
    const s = crmSchema();
    const account = s.tables.find((t) => t.logicalName === 'account')!;
    account.keys = [{ logicalName: 'new_namekey', schemaName: 'new_NameKey', keyAttributes: ['name'] }];
    return s;
}

const id = (n: number) => `a${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
const SPACE = id(1);
const PARENT = id(2);
const AMPERSAND = id(3);
const DUP_FIRST = id(4);
const DUP_SECOND = id(5);
const ATTACK = id(6);
const CHILD = 'c1000000-0000-4000-8000-000000000001';
const VICTIM = 'c9000000-0000-4000-8000-000000000009';

let pair: Pair;
let specPath: string;
let result: Awaited<ReturnType<typeof runJson>>;

beforeAll(async () => {
    // The key is the target's: the source may hold rows it would refuse (two names equal but for case).
    pair = await simulatorPair(
        { schema: 'crm', rows: 0, seed: 3 },
        { schema: schema(), rows: 0, seed: 3, empty: true },
    );
    // A contact already in the target that a key spelling `/../contacts(<id>)?` would reach.
    await api(pair.target, 'POST', 'contacts', { contactid: VICTIM, lastname: 'Victim' });
    const inactive = { statecode: 1, statuscode: 2 };
    await api(pair.source, 'POST', 'accounts', { accountid: PARENT, name: 'P/1 & co?' });
    await api(pair.source, 'POST', 'accounts', {
        accountid: SPACE,
        name: 'SP ACE',
        telephone1: '1',
        'parentaccountid@odata.bind': `/accounts(${PARENT})`,
    });
    await api(pair.source, 'POST', 'accounts', {
        accountid: AMPERSAND,
        name: 'A&B',
        'parentaccountid@odata.bind': `/accounts(${PARENT})`,
    });
    await api(pair.source, 'POST', 'accounts', {
        accountid: ATTACK,
        name: `x/../contacts(${VICTIM})?`,
        telephone1: 'attack',
    });
    await api(pair.source, 'POST', 'accounts', { accountid: DUP_FIRST, name: 'DUP-1', telephone1: 'first' });
    await api(pair.source, 'POST', 'accounts', { accountid: DUP_SECOND, name: 'dup-1', telephone1: 'second' });
    // A create cannot set an inactive state: the three rows are deactivated after.
    for (const row of [SPACE, AMPERSAND, ATTACK]) await api(pair.source, 'PATCH', `accounts(${row})`, inactive);
    await api(pair.source, 'POST', 'contacts', {
        contactid: CHILD,
        lastname: 'Child',
        'parentcustomerid_account@odata.bind': `/accounts(${AMPERSAND})`,
    });
    specPath = await writeSpec(pair, {
        name: 'key-addressing',
        tables: [
            {
                name: 'account',
                match: 'new_namekey',
                columns: ['name', 'telephone1', 'parentaccountid', 'statecode', 'statuscode'],
            },
            { name: 'contact', columns: ['lastname', 'parentcustomerid'] },
        ],
    });
    result = await runJson(pair, specPath);
});
afterAll(() => pair?.close());

const targetAccounts = () =>
    new Map((pair.target.dump('account') as any[]).map((a) => [String(a.name).toLowerCase(), a]));

describe('key values in URLs', () => {
    it('copies every keyed row, sets its state and patches its deferred lookup; only the duplicate fails', () => {
        const { code, summary } = result;
        expect(code, result.stderr).toBe(1); // the duplicate is a failed row
        expect(summary.tables.account.copy).toMatchObject({ read: 6, written: 5, failed: 1 });
        // Three inactive rows: the two with a deferred lookup carry their state in its patch (one follow-up write).
        expect(summary.tables.account.state).toMatchObject({ written: 1, failed: 0 });
        expect(summary.tables.account.deferred).toMatchObject({ written: 2, failed: 0 });
        const accounts = targetAccounts();
        const parent = { id: accounts.get('p/1 & co?').accountid, table: 'account' };
        expect(accounts.get('sp ace')).toMatchObject({ telephone1: '1', statecode: 1, statuscode: 2 });
        expect(accounts.get('sp ace').parentaccountid).toEqual(parent);
        expect(accounts.get('a&b')).toMatchObject({ statecode: 1 });
        expect(accounts.get('a&b').parentaccountid).toEqual({
            id: accounts.get('p/1 & co?').accountid,
            table: 'account',
        });
    });

    it('addresses a key with / & ? by the target id: created with the derived id, the other table untouched', () => {
        const accounts = targetAccounts();
        const attack = accounts.get(`x/../contacts(${VICTIM})?`);
        expect(attack).toMatchObject({ telephone1: 'attack', statecode: 1, statuscode: 2 });
        expect(attack.accountid).toBe(createdIdFor('account', ATTACK));
        const victim = (pair.target.dump('contact') as any[]).find((c) => c.contactid === VICTIM);
        expect(victim).toMatchObject({ lastname: 'Victim', statecode: 0 });
        expect(victim.telephone1 ?? null).toBeNull();
        // The child's lookup binds by the parent's target id.
        const child = (pair.target.dump('contact') as any[]).find((c) => c.contactid === CHILD);
        expect(child.parentcustomerid).toEqual({ id: accounts.get('a&b').accountid, table: 'account' });
    });

    it('writes the first of two rows with one key and fails the second, naming the key and the first row', async () => {
        expect(targetAccounts().get('dup-1')).toMatchObject({ name: 'DUP-1', telephone1: 'first' });
        const errors = await Promise.all(
            (result.summary.log.errors as string[]).map((p) => readFile(join(result.summary.log.location, p), 'utf8')),
        );
        const text = errors.join('\n');
        expect(text).toContain(DUP_SECOND);
        expect(text).toContain(DUPLICATE_KEY_CODE);
        expect(text).toContain(
            `the alternate key (name=""dup-1"") of account is also the key of source row ${DUP_FIRST}`,
        );
    });

    it('finds nothing to write when run again, and verify agrees on every row but the duplicate', async () => {
        const written = pair.target.stats().rowsWritten;
        const again = await runJson(pair, specPath);
        expect(again.summary.tables.account.copy).toMatchObject({ unchanged: 5, failed: 1 });
        expect(pair.target.stats().rowsWritten).toBe(written);
        const { report } = await verifyJson(pair, specPath);
        expect(report.tables.account).toMatchObject({ missing: 0, different: 0, failing: 1 });
        expect(report.tables.account.samples.failing).toEqual([
            expect.objectContaining({ id: DUP_SECOND, code: DUPLICATE_KEY_CODE }),
        ]);
    });
});
