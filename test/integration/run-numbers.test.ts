/**
 * A run copies Int64, Decimal and Money values beyond a double exactly; a target value that differs only in its last
 * digit (past the 17th significant one) is seen by verify and updated by the next run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExactNumber as isSimExact, type SimValue } from 'dataverse-sim';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

/** A stored number as its decimal text (an ExactNumber's digits). */
const text = (v: SimValue | undefined): string => (isSimExact(v) ? v.text : JSON.stringify(v ?? null));

const NUMBERS = ['new_externalsequence', 'new_exchangefactor', 'new_portfoliovalue'];

/** PATCH with a raw JSON body: JSON.stringify cannot write these literals. */
async function patchRaw(sim: Pair['target'], path: string, body: string): Promise<void> {
    const response = await fetch(`${sim.url}/api/data/v9.2/${path}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', 'If-Match': '*' },
        body,
    });
    if (response.status !== 204) throw new Error(`PATCH ${path}: ${response.status} ${await response.text()}`);
}

/** The literal with its last digit changed (a digit away from the same value). */
function lastDigitChanged(literal: string): string {
    const last = Number(literal.at(-1));
    return `${literal.slice(0, -1)}${last === 9 ? 8 : last + 1}`;
}

describe('exact numbers in a run', () => {
    let pair: Pair;
    let specPath: string;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 120, seed: 5 },
            { schema: 'crm', rows: 120, seed: 5, empty: true },
        );
        specPath = await writeSpec(pair, { name: 'numbers', tables: [{ name: 'account' }], options: { pageSize: 10 } });
    });
    afterAll(() => pair?.close());

    const values = (sim: Pair['source']) =>
        new Map(sim.dump('account').map((a) => [a.accountid as string, NUMBERS.map((c) => text(a[c]))]));

    it('copies every digit, and a last-digit difference is reported by verify and updated by the next run', async () => {
        const first = await runJson(pair, specPath);
        expect(first.code, first.stderr).toBe(0);
        const source = values(pair.source);
        expect(values(pair.target)).toEqual(source);
        expect([...source.values()].some((v) => v[0]!.length >= 16 && v[1]!.length > 17)).toBe(true);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);

        // Two target rows drift where a double cannot see it: an Int64 becomes the double nearest to it (what a
        // JSON.parse copy would have written), a Decimal changes in its 21st significant digit.
        const [a, b] = pair.source
            .dump('account')
            .filter((row) => text(row.new_externalsequence).length >= 16 && text(row.new_exchangefactor).length > 17);
        const sequence = text(a!.new_externalsequence);
        const asDouble = BigInt(Number(sequence)).toString();
        const factor = text(b!.new_exchangefactor);
        const drift = lastDigitChanged(factor);
        expect([asDouble !== sequence, Number(asDouble) === Number(sequence)]).toEqual([true, true]);
        expect([drift !== factor, Number(drift) === Number(factor)]).toEqual([true, true]);
        await patchRaw(pair.target, `accounts(${a!.accountid as string})`, `{"new_externalsequence":${asDouble}}`);
        await patchRaw(pair.target, `accounts(${b!.accountid as string})`, `{"new_exchangefactor":${drift}}`);

        const drifted = await verifyJson(pair, specPath);
        expect(drifted.report.identical).toBe(false);
        expect(drifted.report.tables.account.different).toBe(2);
        const columns = Object.fromEntries(
            drifted.report.tables.account.samples.different.map((d: { id: string; columns: string[] }) => [
                d.id,
                d.columns,
            ]),
        );
        expect(columns).toEqual({
            [a!.accountid as string]: ['new_externalsequence'],
            [b!.accountid as string]: ['new_exchangefactor'],
        });

        const second = await runJson(pair, specPath);
        expect(second.code, second.stderr).toBe(0);
        expect(second.summary.tables.account.copy).toMatchObject({ failed: 0 });
        expect(values(pair.target)).toEqual(source);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
