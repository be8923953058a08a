/**
 * Runs that do not go as planned, end to end through the CLI against two simulators: a row the
 * target refuses, re-runs, verify telling a changed column, a missing row and an extra row apart.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 300, seed: 3 },
        { schema: 'crm', rows: 300, seed: 3, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'scenarios',
        tables: [{ name: 'account' }, { name: 'contact' }],
        options: { pageSize: 40, writeBatchSize: 25 },
    });
});

afterAll(async () => {
    await pair?.close();
});

describe('a run with a row the target refuses', () => {
    let refused: { accountid: string; accountnumber: string };

    it('writes every other row and records the refused one with its code', async () => {
        // The target already holds another account with the same alternate key value.
        // One that a contact points to, so the contact's failure shows where it came from.
        const accounts = pair.source.dump('account') as Array<{ accountid: string; accountnumber: string | null }>;
        const parents = new Set(
            (pair.source.dump('contact') as Array<{ parentcustomerid?: { id: string; table: string } | null }>)
                .filter((c) => c.parentcustomerid?.table === 'account')
                .map((c) => c.parentcustomerid!.id.toLowerCase()),
        );
        refused = accounts.find((a) => a.accountnumber && parents.has(a.accountid.toLowerCase())) as {
            accountid: string;
            accountnumber: string;
        };
        await api(pair.target, 'POST', 'accounts', { name: 'Squatter', accountnumber: refused.accountnumber });

        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(1);
        expect(summary.status).toBe('failed');
        const account = summary.tables.account;
        expect(account.copy.failed).toBe(1);
        expect(account.copy.written).toBe(account.copy.read - 1);
        expect(summary.totals.failed).toBeGreaterThanOrEqual(1);

        const csvPath = summary.log.errors.find((e: string) => e.endsWith('account.csv'));
        const csv = await readFile(join(summary.log.location, csvPath), 'utf8');
        expect(csv.charCodeAt(0)).toBe(0xfeff);
        expect(csv).toContain(refused.accountid);
        expect(csv).toContain('0x80040237');

        const log = await dvm(pair, ['log', summary.runId, '--errors']);
        expect(log.code).toBe(0);
        expect(log.stdout).toContain(refused.accountid);

        // The contacts of that account fail too, and say why: the column, and the parent's own failure.
        const rows = JSON.parse((await dvm(pair, ['log', summary.runId, '--errors', '--json'])).stdout).errors;
        const knockOn = rows.filter((r: any) => r.table === 'contact');
        expect(knockOn.length).toBeGreaterThan(0);
        for (const row of knockOn) {
            // account <-> contact is a cycle: the contact's parent lookup is patched in the deferred phase.
            expect(row).toMatchObject({ phase: 'deferred', status: '404', column: 'parentcustomerid' });
            expect(row.message).toBe(
                `parentcustomerid points to account ${refused.accountid.toLowerCase()}, which failed earlier in this run ` +
                    `(copy phase, 0x80040237: ${rows.find((r: any) => r.table === 'account').message})`,
            );
        }
    });

    it('a second run changes nothing but retries the refused row, and runs lists both', async () => {
        const written = pair.target.stats().rowsWritten;
        const { summary } = await runJson(pair, specPath);
        expect(summary.tables.account.copy.failed).toBe(1);
        expect(summary.tables.account.copy.written).toBe(0);
        expect(summary.tables.contact.copy.written).toBe(0);
        expect(summary.tables.contact.copy.unchanged).toBe(summary.tables.contact.copy.read);
        // Only the refused row was attempted again (its write fails, so nothing is stored).
        expect(pair.target.stats().rowsWritten - written).toBeLessThanOrEqual(1);

        const runs = await dvm(pair, ['runs', '--json']);
        const listed = JSON.parse(runs.stdout).runs;
        expect(listed).toHaveLength(2);
        expect(listed[0].runId).toBe(summary.runId);
        expect(listed.map((r: any) => r.status)).toEqual(['failed', 'failed']);
    });

    it('verify tells a changed column, a missing row and an extra row apart', async () => {
        // Clear the refusal so that everything but our three changes is identical.
        const squatter = (pair.target.dump('account') as any[]).find((a) => a.name === 'Squatter');
        await api(pair.target, 'DELETE', `accounts(${squatter.accountid})`);
        await runJson(pair, specPath);

        // A contact no account names as its primary contact, so that deleting it breaks no lookup.
        const primary = new Set((pair.target.dump('account') as any[]).map((a) => a.primarycontactid?.id));
        const contacts = (pair.target.dump('contact') as Array<{ contactid: string }>).filter(
            (c) => !primary.has(c.contactid),
        );
        const [changed, missing] = contacts;
        await api(pair.target, 'PATCH', `contacts(${changed!.contactid})`, { firstname: 'Changed' });
        await api(pair.target, 'DELETE', `contacts(${missing!.contactid})`);
        await api(pair.target, 'POST', 'contacts', { lastname: 'Extra' });

        const { code, report } = await verifyJson(pair, specPath);
        expect(code).toBe(1);
        expect(report.identical).toBe(false);
        expect(report.tables.account).toMatchObject({ missing: 0, extra: 0, different: 0 });
        expect(report.tables.contact).toMatchObject({ missing: 1, extra: 1, different: 1 });
        expect(report.tables.contact.samples.missing).toEqual([missing!.contactid]);
        expect(report.tables.contact.samples.different).toEqual([{ id: changed!.contactid, columns: ['firstname'] }]);

        // A run repairs the change and the missing row; the extra row stays (no deleteMissing).
        await runJson(pair, specPath);
        const after = await verifyJson(pair, specPath);
        expect(after.report.tables.contact).toMatchObject({ missing: 0, extra: 1, different: 0 });
    });
});
