/**
 * A whole crm migration through the CLI (`run`, then `verify`), the orchestrators played by the local
 * durable host against two simulators: the account/contact cycle, self-references, polymorphic and
 * owner lookups across environments whose users have other ids, inactive and won/lost rows, and
 * many-to-many rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dvm, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 600, seed: 7 },
        { schema: 'crm', rows: 600, seed: 7, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'crm-test',
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }, { name: 'opportunity' }],
        manyToMany: ['accountleads_association', 'contactleads_association'],
        references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
        options: { pageSize: 100, writeBatchSize: 50 },
    });
});

afterAll(async () => {
    await pair?.close();
});

describe('a crm migration into an empty target', () => {
    it('runs, and verify says identical', async () => {
        const run = await dvm(pair, ['run', '--spec', specPath, '--json']);
        if (run.code !== 0) console.error(run.stderr, run.stdout);
        expect(run.code).toBe(0);
        const summary = JSON.parse(run.stdout);
        expect(summary.status).toBe('succeeded');
        for (const table of ['account', 'contact', 'lead', 'opportunity']) {
            const t = summary.tables[table];
            expect(t.copy.read).toBeGreaterThan(0);
            expect(t.copy.read).toBe(t.copy.written + t.copy.skipped + t.copy.failed);
            expect(t.copy.failed).toBe(0);
        }
        const verify = await dvm(pair, ['verify', '--spec', specPath, '--json']);
        if (verify.code !== 0) {
            const r = JSON.parse(verify.stdout);
            console.error(
                JSON.stringify(
                    Object.fromEntries(
                        Object.entries(r.tables).map(([k, v]: any) => [
                            k,
                            { ...v, samples: v.samples.different.slice(0, 3) },
                        ]),
                    ),
                ),
            );
        }
        expect(verify.code).toBe(0);
        expect(JSON.parse(verify.stdout).identical).toBe(true);
    });
});
