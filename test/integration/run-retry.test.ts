/**
 * `run --retry-failed RUN_ID` through the CLI against two simulators: after a run whose account the target
 * refused (and whose contacts failed with it), a new run that reads and writes only the failed rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 150, seed: 5 },
        { schema: 'crm', rows: 150, seed: 5, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'retry',
        tables: [{ name: 'account' }, { name: 'contact' }],
        options: { pageSize: 40 },
    });
});

afterAll(async () => {
    await pair?.close();
});

describe('run --retry-failed', () => {
    it('copies again only the rows the earlier run failed, and then the target is identical', async () => {
        // The target holds another account with the key of an account that contacts point to.
        const parents = new Set(
            (pair.source.dump('contact') as Array<{ parentcustomerid?: { id: string; table: string } | null }>)
                .filter((c) => c.parentcustomerid?.table === 'account')
                .map((c) => c.parentcustomerid!.id.toLowerCase()),
        );
        const refused = (
            pair.source.dump('account') as Array<{ accountid: string; accountnumber: string | null }>
        ).find((a) => a.accountnumber && parents.has(a.accountid.toLowerCase()))!;
        const squatter = await api(
            pair.target,
            'POST',
            'accounts',
            { name: 'Squatter', accountnumber: refused.accountnumber },
            { Prefer: 'return=representation' },
        );
        const first = await runJson(pair, specPath);
        expect(first.code).toBe(1);
        const failedRows = (t: any) => t.copy.failed + t.deferred.failed + t.state.failed;
        // The refused account, and the rows that point to it (its child accounts, its contacts).
        const failedAccounts = failedRows(first.summary.tables.account);
        const failedContacts = failedRows(first.summary.tables.contact);
        expect(first.summary.tables.account.copy.failed).toBe(1);
        expect(failedContacts).toBeGreaterThan(0);

        // The cause goes away; only the failed rows are copied again.
        await api(pair.target, 'DELETE', `accounts(${squatter.accountid})`);
        const retry = await dvm(pair, ['run', '--retry-failed', first.summary.runId, '--json']);
        expect(retry.code, retry.stderr).toBe(0);
        const summary = JSON.parse(retry.stdout);
        expect(summary.runId).not.toBe(first.summary.runId);
        expect(summary.status).toBe('succeeded');
        expect(summary.tables.account).toMatchObject({ mode: 'retry', copy: { read: failedAccounts, failed: 0 } });
        expect(summary.failedRows).toBe(0);
        expect(summary.tables.contact.copy.read).toBe(failedContacts);
        expect(summary.tables.contact.deferred.failed).toBe(0);

        const { report } = await verifyJson(pair, specPath);
        expect(report.identical).toBe(true);
    });

    it('refuses an unknown run or something that is not a run id, with exit 2', async () => {
        const unknown = await dvm(pair, ['run', '--retry-failed', 'retry-20260101-000000-abcd']);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain("--retry-failed: no run 'retry-20260101-000000-abcd'");
        const bad = await dvm(pair, ['run', '--retry-failed', '../../etc']);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain("'../../etc' is not a run id");
    });
});
