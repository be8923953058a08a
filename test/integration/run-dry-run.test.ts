/**
 * `run --dry-run` and `verify --values` through the CLI against two simulators: what a run would create,
 * update (with old and new values) and delete, whether the delete share would stop it, and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dvm, runJson, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 120, seed: 11 },
        { schema: 'crm', rows: 120, seed: 11, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'dry',
        tables: [{ name: 'account', deleteMissing: true }, { name: 'contact' }],
        options: { pageSize: 50, maxDeleteShare: 0.5 },
    });
});

afterAll(async () => {
    await pair?.close();
});

async function dryRun(path = specPath) {
    const result = await dvm(pair, ['run', '--spec', path, '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
}

describe('run --dry-run', () => {
    it('into an empty target: every row would be created, and nothing is written', async () => {
        const report = await dryRun();
        const accounts = pair.source.dump('account').length;
        expect(report.tables.account).toMatchObject({ source: accounts, create: accounts, update: 0, delete: 0 });
        expect(report.stops).toEqual([]);
        expect(pair.target.stats().rowsWritten).toBe(0);
        const human = await dvm(pair, ['run', '--spec', specPath, '--dry-run']);
        expect(human.stdout).toContain('A run would go to its end. Nothing was written.');
    });

    it('after a run: the changed column with its old and new value, the row to delete, the share that stops it', async () => {
        expect((await runJson(pair, specPath)).code).toBe(0);
        const [account] = pair.source.dump('account') as Array<{ accountid: string; name: string }>;
        await api(pair.target, 'PATCH', `accounts(${account!.accountid})`, { name: 'Renamed in the target' });
        await api(pair.target, 'POST', 'accounts', { name: 'Only in the target' });
        const written = pair.target.stats().rowsWritten;

        const report = await dryRun();
        expect(report.tables.account).toMatchObject({ update: 1, delete: 1, create: 0, fail: 0 });
        expect(report.tables.account.samples.update[0]).toEqual({
            id: account!.accountid.toLowerCase(),
            columns: ['name'],
            values: { name: { source: account!.name, target: 'Renamed in the target' } },
        });
        expect(report.tables.contact).toMatchObject({ update: 0, create: 0, delete: 0 });
        expect(pair.target.stats().rowsWritten).toBe(written);

        const verify = await dvm(pair, ['verify', '--spec', specPath, '--values']);
        expect(verify.code).toBe(1);
        expect(verify.stdout).toContain(
            `name: target "Renamed in the target", source ${JSON.stringify(account!.name)}`,
        );
    });

    it('says when the delete share would stop the run', async () => {
        const strict = await writeSpec(
            pair,
            {
                name: 'dry-strict',
                tables: [{ name: 'account', deleteMissing: true }],
                options: { maxDeleteShare: 0 },
            },
            'strict.json',
        );
        const report = await dryRun(strict);
        expect(report.stops).toHaveLength(1);
        expect(report.stops[0]).toMatch(/^refused to delete: account would lose 1 of \d+ rows/);
    });
});
