/**
 * Reads of rows by id (`(pk eq A or pk eq B ...)`, how clients fetch a list of rows) seek each row by
 * key instead of scanning the table, as SQL Server seeks its clustered index: the same rows and pages
 * as a scan, at the cost of the ids asked for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimRow } from '../src/model.js';
import { queryEngine } from '../src/odata/engine.js';
import { primaryKeyCandidates } from '../src/odata/query.js';
import type { RowSource } from '../src/odata/types.js';
import { account, CountingRowSource, makeAccounts, schema } from './odata-fixtures.js';

/** The fixture source with a key lookup, as the simulator's table store has one. */
class SeekableSource extends CountingRowSource implements RowSource {
    private readonly byId = new Map(this.rows.map((r) => [r.accountid as string, r]));
    get(id: string): SimRow | undefined {
        return this.byId.get(id.toLowerCase());
    }
}

const run = (source: RowSource, filter: string, pageSize = 5000) =>
    queryEngine.runQuery(
        source,
        account,
        queryEngine.parseQuery(new URLSearchParams({ $filter: filter }), account, schema),
        pageSize,
        {
            maxPageSizePreferred: true,
        },
    );

describe('reads by id', () => {
    const rows = makeAccounts(2000);

    it('find the candidate ids in an OR of primary-key comparisons, also inside an AND', () => {
        const [a, b] = [rows[3]!.accountid as string, rows[9]!.accountid as string];
        const parse = (filter: string) =>
            queryEngine.parseQuery(new URLSearchParams({ $filter: filter }), account, schema).filter as never;
        expect(primaryKeyCandidates(parse(`accountid eq ${a} or accountid eq ${b}`), 'accountid')?.sort()).toEqual(
            [a, b].sort(),
        );
        expect(
            primaryKeyCandidates(parse(`(accountid eq ${a} or accountid eq ${b}) and statecode eq 0`), 'accountid'),
        ).toHaveLength(2);
        expect(primaryKeyCandidates(parse(`accountid eq ${a} or name eq 'x'`), 'accountid')).toBeUndefined();
        expect(primaryKeyCandidates(parse(`statecode eq 0`), 'accountid')).toBeUndefined();
    });

    it('return what a scan returns, touching only the ids asked for', () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.integer({ min: 0, max: rows.length - 1 }), { minLength: 1, maxLength: 60 }),
                fc.boolean(),
                (picks, extra) => {
                    const ids = picks.map((i) => rows[i]!.accountid as string);
                    const filter = `(${ids.map((id) => `accountid eq ${id}`).join(' or ')})${extra ? ' and statecode eq 0' : ''}`;
                    const scanned = new CountingRowSource(rows);
                    const sought = new SeekableSource(rows);
                    const expected = run(scanned, filter).rows.map((r) => r.accountid);
                    const page = run(sought, filter);
                    expect(page.rows.map((r) => r.accountid)).toEqual(expected);
                    expect(page.rowsScanned).toBe(ids.length);
                },
            ),
            { numRuns: 50 },
        );
    });

    it('page the sought rows in key order with the same skiptokens as a scan', () => {
        const ids = rows.slice(0, 30).map((r) => r.accountid as string);
        const filter = ids.map((id) => `accountid eq ${id}`).join(' or ');
        const first = run(new SeekableSource(rows), filter, 10);
        expect(first.rows).toHaveLength(10);
        expect(first.nextSkipToken).toBeDefined();
        expect(first.nextSkipToken).toBe(run(new CountingRowSource(rows), filter, 10).nextSkipToken);
    });
});
