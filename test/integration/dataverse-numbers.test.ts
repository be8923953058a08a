/**
 * The client keeps Int64, Decimal and Money values exact: read from pages as ExactNumbers when a double cannot hold
 * them, written back as the same number literals through UpsertMultiple, a plain PATCH and `$batch`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExactNumber as isSimExact, startSimulator, type SimValue, type Simulator } from 'dataverse-sim';
import { createDataverseClient, isExactNumber, type Row, type WriteTable } from '../../src/dataverse/index.js';
import { collect } from './dataverse-helpers.js';

const ACCOUNT: WriteTable = { logicalName: 'account', entitySetName: 'accounts', primaryIdAttribute: 'accountid' };
/** A stored number as its decimal text (an ExactNumber's digits). */
const text = (v: SimValue | undefined): string => (isSimExact(v) ? v.text : JSON.stringify(v ?? null));

const NUMBERS = ['new_externalsequence', 'new_exchangefactor', 'new_portfoliovalue'];

let sim: Simulator;
beforeAll(async () => {
    sim = await startSimulator({ schema: 'crm', rows: 40, seed: 3 });
});
afterAll(() => sim.close());

const stored = (id: string) => sim.dump('account').find((a) => a.accountid === id)!;

describe('exact numbers through the client', () => {
    it('reads every digit of values beyond a double', async () => {
        const client = createDataverseClient({ url: sim.url });
        const rows = await collect(
            client.queryPages('accounts', { select: ['accountid', ...NUMBERS] }, { pageSize: 7 }),
        );
        const exact = rows.filter((row) => NUMBERS.some((c) => isExactNumber(row[c])));
        expect(exact.length).toBeGreaterThan(3);
        for (const row of rows) {
            const source = stored(row.accountid as string);
            for (const column of NUMBERS) expect(String(row[column]), column).toBe(text(source[column]));
        }
    });

    it('writes them back as the same literals, in bulk, one by one and in $batch', async () => {
        const client = createDataverseClient({ url: sim.url });
        const [read] = await collect(
            client.queryPages(
                'accounts',
                {
                    select: ['accountid', ...NUMBERS],
                    filter: 'new_externalsequence ne null and new_exchangefactor ne null',
                },
                { pageSize: 1 },
            ),
        );
        const values = Object.fromEntries(NUMBERS.map((c) => [c, read![c]]));
        expect(NUMBERS.every((c) => isExactNumber(values[c]))).toBe(true);
        const bulk: Row = { accountid: randomUUID(), name: 'bulk', ...values };
        const single = randomUUID();
        const batched = randomUUID();
        const results = await client.upsertMultiple(ACCOUNT, [bulk]);
        expect(results[0]).toMatchObject({ ok: true });
        await client.upsert(ACCOUNT, single, { name: 'single', ...values });
        const parts = await client.batch([
            { method: 'PATCH', path: `accounts(${batched})`, body: { name: 'batched', ...values } },
        ]);
        expect(parts[0]!.status).toBe(204);
        for (const id of [bulk.accountid as string, single, batched]) {
            for (const column of NUMBERS) expect(text(stored(id)[column]), column).toBe(String(values[column]));
        }
    });
});
