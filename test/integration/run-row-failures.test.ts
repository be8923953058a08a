/**
 * Row failures decided at copy time, end to end through the CLI against two small simulators: a row of a
 * table matched on an alternate key whose key value is empty fails with MissingKey, naming the column, and
 * under onUnresolvedLookup 'fail' a row whose parent cannot be bound fails with UnresolvedLookup, naming its
 * lookup column; every other row is copied, and the failed rows are in the run's error CSV.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_KEY_CODE } from '../../src/copy/row-plan.js';
import { UNRESOLVED_LOOKUP_CODE } from '../../src/copy/row-plan.js';
import { api, runJson, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

const KEYED = 'a1000000-0000-4000-8000-000000000001';
const NO_KEY = 'a2000000-0000-4000-8000-000000000002';
const CHILD_OF_KEYED = 'c1000000-0000-4000-8000-000000000001';
const CHILD_OF_NO_KEY = 'c2000000-0000-4000-8000-000000000002';
const ORPHAN = 'c3000000-0000-4000-8000-000000000003';

/** The records of a CSV text (RFC 4180: quoted fields, doubled quotes), without the BOM. */
function csvRows(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    const endField = () => {
        row.push(field);
        field = '';
    };
    const endRow = () => {
        endField();
        rows.push(row);
        row = [];
    };
    const input = text.replace(/^\uFEFF/, '');
    for (let i = 0; i < input.length; i++) {
        const ch = input[i]!;
        if (quoted) {
            if (ch === '"' && input[i + 1] === '"') {
                field += '"';
                i++;
            } else if (ch === '"') quoted = false;
            else field += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') endField();
        else if (ch === '\n') endRow();
        else if (ch !== '\r') field += ch;
    }
    if (field !== '' || row.length > 0) endRow();
    return rows;
}

let pair: Pair;
let result: Awaited<ReturnType<typeof runJson>>;

beforeAll(async () => {
    pair = await simulatorPair({ schema: 'crm', rows: 0, seed: 4 }, { schema: 'crm', rows: 0, seed: 4, empty: true });
    await api(pair.source, 'POST', 'accounts', { accountid: KEYED, name: 'Keyed', accountnumber: 'K-1' });
    await api(pair.source, 'POST', 'accounts', { accountid: NO_KEY, name: 'No number' });
    await api(pair.source, 'POST', 'contacts', {
        contactid: CHILD_OF_KEYED,
        lastname: 'Child of keyed',
        'parentcustomerid_account@odata.bind': `/accounts(${KEYED})`,
    });
    await api(pair.source, 'POST', 'contacts', {
        contactid: CHILD_OF_NO_KEY,
        lastname: 'Child of no number',
        'parentcustomerid_account@odata.bind': `/accounts(${NO_KEY})`,
    });
    await api(pair.source, 'POST', 'contacts', { contactid: ORPHAN, lastname: 'Orphan' });
    const specPath = await writeSpec(pair, {
        name: 'row-failures',
        tables: [
            { name: 'account', match: 'new_accountnumberkey', columns: ['name', 'accountnumber'] },
            { name: 'contact', columns: ['lastname', 'parentcustomerid'] },
        ],
        onUnresolvedLookup: 'fail',
    });
    result = await runJson(pair, specPath);
});

afterAll(() => pair?.close());

describe('rows that fail at copy time', () => {
    it('finishes with failed rows, every other row copied', () => {
        const { code, summary } = result;
        expect(code, result.stderr).toBe(1);
        expect(summary.tables.account.copy).toMatchObject({ read: 2, written: 1, failed: 1 });
        expect(summary.tables.contact.copy).toMatchObject({ read: 3, written: 2, failed: 1 });
        const accounts = pair.target.dump('account') as Array<{ accountid: string; accountnumber: string | null }>;
        expect(accounts.map((a) => a.accountnumber)).toEqual(['K-1']);
        const contacts = new Map((pair.target.dump('contact') as any[]).map((c) => [c.contactid, c]));
        expect([...contacts.keys()].sort()).toEqual([CHILD_OF_KEYED, ORPHAN]);
        // The child of the keyed account is bound to the target's own row of it (by key, in the deferred phase).
        expect(contacts.get(CHILD_OF_KEYED)?.parentcustomerid).toEqual({
            id: accounts[0]!.accountid,
            table: 'account',
        });
    });

    it('records the missing key value and the unresolved lookup with their codes and the columns they name', async () => {
        const { summary } = result;
        const failed = new Map<string, { table: string; code: string; message: string }>();
        for (const path of summary.log.errors as string[]) {
            const [header, ...records] = csvRows(await readFile(join(summary.log.location, path), 'utf8'));
            for (const record of records) {
                const field = (name: string) => record[header!.indexOf(name)]!;
                failed.set(field('source_id'), {
                    table: field('table'),
                    code: field('code'),
                    message: field('message'),
                });
            }
        }
        expect(Object.fromEntries(failed)).toEqual({
            [NO_KEY]: {
                table: 'account',
                code: MISSING_KEY_CODE,
                message:
                    "the alternate key column 'accountnumber' is empty, so the row cannot be matched in the target",
            },
            [CHILD_OF_NO_KEY]: {
                table: 'contact',
                code: UNRESOLVED_LOOKUP_CODE,
                message: `parentcustomerid points to account ${NO_KEY}, whose key new_accountnumberkey is empty`,
            },
        });
        expect(MISSING_KEY_CODE).toBe('MissingKey');
    });
});
