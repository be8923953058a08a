/**
 * Tables matched on an alternate key instead of the preserved id: the target keeps its own ids, rows
 * are found by key values, lookups to them bind by key, re-runs write nothing, verify compares by key,
 * and delete sync finds target rows whose key the source lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 300, seed: 9 },
        { schema: 'crm', rows: 300, seed: 9, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'keys',
        tables: [
            { name: 'account', match: 'new_accountnumberkey', filter: 'accountnumber ne null', deleteMissing: true },
            { name: 'contact' },
        ],
        options: { pageSize: 40, maxDeleteShare: 0.5 },
    });
});
afterAll(() => pair?.close());

const byKey = (rows: any[]) => new Map(rows.map((r) => [r.accountnumber, r]));

describe('a table matched on an alternate key', () => {
    it('copies by key, binds child lookups by key, and verifies identical', async () => {
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        const source = (pair.source.dump('account') as any[]).filter((a) => a.accountnumber);
        const target = byKey(pair.target.dump('account') as any[]);
        expect(summary.tables.account.copy.written).toBe(source.length);
        for (const a of source) {
            expect(target.get(a.accountnumber)?.name).toBe(a.name);
            expect(target.get(a.accountnumber)?.accountid).not.toBe(a.accountid); // the target's own ids
        }
        // A contact's parent account is the target row with the same account number.
        const sourceAccounts = new Map(source.map((a) => [a.accountid, a.accountnumber]));
        const targetContacts = new Map((pair.target.dump('contact') as any[]).map((c) => [c.contactid, c]));
        let bound = 0;
        for (const c of pair.source.dump('contact') as any[]) {
            const number =
                c.parentcustomerid?.table === 'account' ? sourceAccounts.get(c.parentcustomerid.id) : undefined;
            if (number === undefined) continue;
            expect(targetContacts.get(c.contactid)?.parentcustomerid?.id).toBe(target.get(number)?.accountid);
            bound++;
        }
        expect(bound).toBeGreaterThan(0);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });

    it('writes nothing when run again', async () => {
        const written = pair.target.stats().rowsWritten;
        const { summary } = await runJson(pair, specPath);
        expect(summary.tables.account.copy.unchanged).toBe(summary.tables.account.copy.read);
        expect(pair.target.stats().rowsWritten).toBe(written);
    });

    it('deletes a target row whose key the source no longer has', async () => {
        const gone = (pair.source.dump('account') as any[]).find((a) => a.accountnumber);
        await api(pair.source, 'DELETE', `accounts(${gone.accountid})`);
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        expect(summary.tables.account.delete).toMatchObject({ read: 1, written: 1 });
        expect(byKey(pair.target.dump('account') as any[]).has(gone.accountnumber)).toBe(false);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
