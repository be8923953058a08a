/**
 * E-mails with their parties through whole runs against the simulator: from, to, cc and bcc of several kinds (a user
 * matched by its domain name, a copied contact and account, an address no record has, a lead outside the run that
 * keeps its address) are written with the e-mail as its parties collection, before the state phase closes it; verify
 * finds them identical; a re-run writes nothing; a changed party list is written again, a closed target e-mail
 * reopened for it and closed again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;
const ids: Record<string, string> = {};

const patch = (path: string, body: unknown) => api(pair.source, 'PATCH', path, body, { 'If-Match': '*' });
const first = (sim: Pair['source'], table: string): any => (sim.dump(table) as any[])[0];
/** The parties of a target e-mail as (mask, party id or address), sorted. */
const targetParties = (id: string): string[] =>
    (pair.target.dump('activityparty') as any[])
        .filter((p) => p.activityid?.id === id)
        .map((p) => `${p.participationtypemask}|${p.partyid?.id ?? `@${p.addressused}`}`)
        .sort();
const targetEmail = (id: string): any => (pair.target.dump('email') as any[]).find((r) => r.activityid === id);

beforeAll(async () => {
    pair = await simulatorPair({ schema: 'crm', rows: 30, seed: 5 }, { schema: 'crm', rows: 30, seed: 5, empty: true });
    const user = first(pair.source, 'systemuser');
    ids.user = user.systemuserid;
    ids.targetUser = (pair.target.dump('systemuser') as any[]).find(
        (u) => u.domainname === user.domainname,
    ).systemuserid;
    ids.contact = first(pair.source, 'contact').contactid;
    ids.account = first(pair.source, 'account').accountid;
    ids.lead = first(pair.source, 'lead').leadid;
    const parties = [
        { participationtypemask: 1, 'partyid_systemuser@odata.bind': `/systemusers(${ids.user})` },
        { participationtypemask: 2, 'partyid_contact@odata.bind': `/contacts(${ids.contact})` },
        { participationtypemask: 2, 'partyid_account@odata.bind': `/accounts(${ids.account})` },
        { participationtypemask: 3, addressused: 'someone@example.com' },
        { participationtypemask: 4, addressused: 'lead@example.com', 'partyid_lead@odata.bind': `/leads(${ids.lead})` },
    ];
    for (const name of ['sent', 'draft']) {
        const row = await api(
            pair.source,
            'POST',
            'emails',
            {
                subject: `E-mail ${name}`,
                'regardingobjectid_account@odata.bind': `/accounts(${ids.account})`,
                email_activity_parties: parties,
            },
            { Prefer: 'return=representation' },
        );
        ids[name] = row.activityid;
    }
    await patch(`emails(${ids.sent})`, { statecode: 1, statuscode: 3 });
    specPath = await writeSpec(pair, {
        name: 'mail',
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'email' }],
    });
});
afterAll(() => pair?.close());

describe('e-mails with their parties', () => {
    it('plans the party lists as copied, after the tables the parties point to', async () => {
        const { code, stdout } = await dvm(pair, ['plan', '--spec', specPath]);
        expect(code).toBe(0);
        expect(stdout).toContain('parties: from, to, cc, bcc (with each row, as email_activity_parties)');
        expect(stdout).not.toMatch(/not copied[^\n]*\bbcc\b/);
        expect(stdout).toContain("'email': e-mails in Pending Send or Sending are copied as Draft");
        const tier = (name: string) => stdout.split(/\nTier /).findIndex((t) => new RegExp(`\\n  ${name}\\s`).test(t));
        expect(tier('contact')).toBeGreaterThan(0);
        expect(tier('email')).toBeGreaterThan(tier('contact'));
        expect(tier('email')).toBeGreaterThan(tier('account'));
    });

    it('copies every party with its e-mail, then closes it; verify finds them identical; a re-run writes nothing', async () => {
        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.tables.email.copy).toMatchObject({ read: 2, written: 2, failed: 0 });
        const want = [
            `1|${ids.targetUser}`,
            `2|${ids.account}`,
            `2|${ids.contact}`,
            '3|@someone@example.com',
            '4|@lead@example.com',
        ].sort();
        expect(targetParties(ids.sent!)).toEqual(want);
        expect(targetParties(ids.draft!)).toEqual(want);
        expect(targetEmail(ids.sent!)).toMatchObject({ statecode: 1, statuscode: 3 });
        expect(targetEmail(ids.draft!)).toMatchObject({ statecode: 0, statuscode: 1 });

        const verified = await verifyJson(pair, specPath);
        expect(verified.report.identical).toBe(true);

        pair.target.resetStats();
        const again = await runJson(pair, specPath);
        expect(again.code).toBe(0);
        expect(again.summary.tables.email.copy).toMatchObject({ read: 2, written: 0, failed: 0 });
        expect(pair.target.stats().tables.email?.rowsWritten).toBe(0);
    });

    it('writes a changed party list again, reopening a closed target e-mail and closing it after', async () => {
        const changed = [{ participationtypemask: 2, 'partyid_contact@odata.bind': `/contacts(${ids.contact})` }];
        await patch(`emails(${ids.draft})`, { email_activity_parties: changed });
        // The source edits its sent e-mail the way the platform lets it: reopen, change, close again.
        await patch(`emails(${ids.sent})`, { statecode: 0, statuscode: 1 });
        await patch(`emails(${ids.sent})`, { email_activity_parties: changed });
        await patch(`emails(${ids.sent})`, { statecode: 1, statuscode: 3 });

        const before = await verifyJson(pair, specPath);
        expect(before.report.identical).toBe(false);
        expect(before.report.tables.email.samples.different).toEqual(
            expect.arrayContaining([expect.objectContaining({ id: ids.draft, columns: ['email_activity_parties'] })]),
        );

        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.tables.email.copy).toMatchObject({ written: 2, failed: 0 });
        expect(targetParties(ids.draft!)).toEqual([`2|${ids.contact}`]);
        expect(targetParties(ids.sent!)).toEqual([`2|${ids.contact}`]);
        expect(targetEmail(ids.sent!)).toMatchObject({ statecode: 1, statuscode: 3 });
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
