/**
 * Masking personal data (issue 20): a run on the simulator copies contacts and leads with their e-mails, names, phones
 * and birth dates masked. No source value of a masked column reaches the target or any file the run wrote; the same
 * e-mail in contact and lead masks the same; verify finds the masked copy identical; a second run writes nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskValue } from '../../src/masking/mask-value.js';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const SALT_SETTING = 'DVM_TEST_MASKING_SALT';
const MASKED = {
    contact: ['firstname', 'lastname', 'emailaddress1', 'telephone1', 'birthdate'],
    lead: ['lastname', 'emailaddress1', 'telephone1'],
} as const;

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    process.env[SALT_SETTING] = 'a-test-salt-of-more-than-16-characters';
    pair = await simulatorPair({ schema: 'crm', rows: 12, seed: 20 }, { schema: 'crm', seed: 20, empty: true });
    // One person as both a contact and a lead: the same e-mail must mask the same in both tables.
    const contact = pair.source.dump('contact')[0]!;
    const lead = pair.source.dump('lead')[0]!;
    await api(pair.source, 'PATCH', `leads(${lead.leadid as string})`, { emailaddress1: contact.emailaddress1 });
    specPath = await writeSpec(pair, {
        name: 'masked-seed',
        tables: [
            { name: 'contact', columns: ['firstname', 'lastname', 'emailaddress1', 'telephone1', 'birthdate'] },
            { name: 'lead', columns: ['subject', 'lastname', 'emailaddress1', 'telephone1'] },
        ],
        masking: {
            saltSetting: SALT_SETTING,
            tables: {
                contact: {
                    firstname: { rule: 'fake', kind: 'firstName' },
                    lastname: { rule: 'fake', kind: 'lastName' },
                    emailaddress1: { rule: 'fake', kind: 'email' },
                    telephone1: { rule: 'fake', kind: 'phone' },
                    birthdate: { rule: 'dateShift', minDays: -30, maxDays: 30 },
                },
                lead: {
                    lastname: { rule: 'fake', kind: 'lastName' },
                    emailaddress1: { rule: 'fake', kind: 'email' },
                    telephone1: { rule: 'fake', kind: 'phone' },
                },
            },
        },
    });
});
afterAll(async () => {
    delete process.env[SALT_SETTING];
    await pair?.close();
});

async function filesUnder(folder: string): Promise<string[]> {
    const entries = await readdir(folder, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Source values that identify a person: e-mails, phones, birth dates, and first and last name together. */
function identifyingValues(): string[] {
    const values: string[] = [];
    for (const [table, columns] of Object.entries(MASKED)) {
        for (const row of pair.source.dump(table)) {
            for (const column of columns)
                if (column !== 'firstname' && column !== 'lastname' && typeof row[column] === 'string')
                    values.push(row[column]);
            if (typeof row.firstname === 'string' && typeof row.lastname === 'string')
                values.push(`${row.firstname} ${row.lastname}`);
        }
    }
    return values;
}

describe('a masked copy', () => {
    it('writes no source value of a masked column to the target or to any file of the run', async () => {
        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.phases.copy.failed).toBe(0);
        expect(summary.phases.copy.written).toBe(pair.source.dump('contact').length + pair.source.dump('lead').length);

        const sources = identifyingValues();
        expect(sources.length).toBeGreaterThan(15);
        const files = await filesUnder(join(pair.dir, 'log'));
        expect(files.length).toBeGreaterThan(5);
        const written = [
            ...(await Promise.all(files.map((f) => readFile(f, 'utf8')))),
            JSON.stringify(pair.target.dump('contact')),
            JSON.stringify(pair.target.dump('lead')),
        ].join('\n');
        expect(sources.filter((value) => written.includes(value))).toEqual([]);

        // Every masked name differs from the one it hides, row by row.
        for (const table of ['contact', 'lead'] as const) {
            const targets = new Map(pair.target.dump(table).map((r) => [r[`${table}id`], r]));
            for (const row of pair.source.dump(table)) {
                const copied = targets.get(row[`${table}id`])!;
                expect(copied.lastname).not.toBe(row.lastname);
                if (typeof row.emailaddress1 === 'string')
                    expect(copied.emailaddress1).toMatch(/^[a-z]+\.[a-z]+\.[0-9a-f]{16}@example\.com$/);
                else expect(copied.emailaddress1 ?? null).toBeNull();
            }
        }
    });

    it('masks the same e-mail the same in contact and lead', () => {
        const contact = pair.target
            .dump('contact')
            .find((r) => r.contactid === pair.source.dump('contact')[0]!.contactid)!;
        const lead = pair.target.dump('lead').find((r) => r.leadid === pair.source.dump('lead')[0]!.leadid)!;
        expect(lead.emailaddress1).toBe(contact.emailaddress1);
    });

    it('verifies identical by the mask, and a second run writes nothing', async () => {
        const verified = await verifyJson(pair, specPath);
        expect(verified.report.identical).toBe(true);
        const again = await runJson(pair, specPath);
        expect(again.code).toBe(0);
        expect(again.summary.phases.copy.written).toBe(0);
    });

    it('shows a changed source row by its masks only, in verify --values and the dry run', async () => {
        const contact = pair.source.dump('contact')[1]!;
        const changed = 'changed.person@contoso.example';
        await api(pair.source, 'PATCH', `contacts(${contact.contactid as string})`, { emailaddress1: changed });
        const verified = await dvm(pair, ['verify', '--spec', specPath, '--values', '--json']);
        expect((JSON.parse(verified.stdout) as { identical: boolean }).identical).toBe(false);
        const dry = await dvm(pair, ['run', '--spec', specPath, '--dry-run', '--json']);
        expect(dry.code).toBe(0);
        for (const output of [verified.stdout, dry.stdout, verified.stderr, dry.stderr]) {
            expect(output).not.toContain(changed);
            expect(output).not.toContain('contoso');
        }
        expect(verified.stdout).toMatch(/@example\.com/);
    });
});

describe('a masked alternate key', () => {
    let keyed: Pair;
    let keyedSpec: string;
    const SALT = 'another-test-salt-of-16-chars-or-more';
    const rule = { rule: 'hash', length: 20 } as const;

    beforeAll(async () => {
        process.env.DVM_TEST_KEY_SALT = SALT;
        keyed = await simulatorPair({ schema: 'crm', rows: 30, seed: 21 }, { schema: 'crm', seed: 21, empty: true });
        keyedSpec = await writeSpec(keyed, {
            name: 'masked-keys',
            tables: [
                {
                    name: 'account',
                    match: 'new_accountnumberkey',
                    filter: 'accountnumber ne null',
                    columns: ['name', 'accountnumber'],
                },
                { name: 'contact', columns: ['lastname', 'parentcustomerid'] },
            ],
            masking: { saltSetting: 'DVM_TEST_KEY_SALT', tables: { account: { accountnumber: rule } } },
        });
    });
    afterAll(async () => {
        delete process.env.DVM_TEST_KEY_SALT;
        await keyed?.close();
    });

    it('matches rows and binds lookups by the masked key, verifies identical, and a re-run writes nothing', async () => {
        const { code, summary } = await runJson(keyed, keyedSpec);
        expect(code, summary.reason).toBe(0);
        expect(summary.phases.copy.failed).toBe(0);
        const sourceNumbers = new Map(
            keyed.source
                .dump('account')
                .filter((a) => typeof a.accountnumber === 'string')
                .map((a) => [a.accountid, a.accountnumber as string]),
        );
        const targetByNumber = new Map(keyed.target.dump('account').map((a) => [a.accountnumber, a.accountid]));
        expect(targetByNumber.size).toBe(sourceNumbers.size);
        for (const number of sourceNumbers.values()) {
            expect(targetByNumber.has(number)).toBe(false);
            expect(targetByNumber.has(maskValue(rule, number, SALT) as string)).toBe(true);
        }
        const targetContacts = new Map(keyed.target.dump('contact').map((c) => [c.contactid, c]));
        let bound = 0;
        for (const c of keyed.source.dump('contact') as any[]) {
            const number =
                c.parentcustomerid?.table === 'account' ? sourceNumbers.get(c.parentcustomerid.id) : undefined;
            if (number === undefined) continue;
            const parent = (targetContacts.get(c.contactid) as any)?.parentcustomerid?.id;
            expect(parent).toBe(targetByNumber.get(maskValue(rule, number, SALT) as string));
            bound++;
        }
        expect(bound).toBeGreaterThan(0);
        expect((await verifyJson(keyed, keyedSpec)).report.identical).toBe(true);
        const again = await runJson(keyed, keyedSpec);
        expect(again.summary.phases.copy.written).toBe(0);
    });
});
