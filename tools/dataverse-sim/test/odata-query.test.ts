import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSqlGuids } from '../src/guid-order.js';
import type { SimRow } from '../src/model.js';
import { queryEngine } from '../src/odata/engine.js';
import { nextLinkWithSkipToken } from '../src/odata/skiptoken.js';
import type { ParsedQuery } from '../src/odata/types.js';
import { account, CountingRowSource, errorOf, guidFrom, makeAccounts, schema } from './odata-fixtures.js';

const parseQuery = queryEngine.parseQuery.bind(queryEngine);
const runQuery = queryEngine.runQuery.bind(queryEngine);

function parse(query: string): ParsedQuery {
    return parseQuery(new URLSearchParams(query), account, schema);
}

const ids = (rows: SimRow[]): string[] => rows.map((r) => r.accountid as string);
const sqlSorted = (rows: SimRow[]): string[] => ids(rows).sort(compareSqlGuids);

/**
 * Follows nextLinks as a client does: the token goes into a URL and comes back through URL parsing, and each
 * request is parsed afresh. Returns every page's rows.
 */
function pageThrough(source: CountingRowSource, query: string, pageSize: number): SimRow[][] {
    const pages: SimRow[][] = [];
    let url: string | undefined = `http://127.0.0.1/api/data/v9.2/accounts?${query}`;
    while (url !== undefined) {
        const params = new URL(url).searchParams;
        const page = runQuery(source, account, parseQuery(params, account, schema), pageSize, {
            maxPageSizePreferred: true,
        });
        pages.push(page.rows);
        url = page.nextSkipToken === undefined ? undefined : nextLinkWithSkipToken(url, page.nextSkipToken);
        if (pages.length > 10_000) throw new Error('paging does not terminate');
    }
    return pages;
}

describe('parseQuery', () => {
    it('rejects $skip as the service does', () => {
        const e = errorOf(() => parse('$top=5&$skip=10'));
        expect(e.status).toBe(400);
        expect(e.code).toBe('0x80060888');
        expect(e.message).toBe('Skip Clause is not supported in CRM');
        expect(errorOf(() => parse('$skip=0')).message).toBe('Skip Clause is not supported in CRM');
    });

    it('rejects unknown properties in $select, $filter and $orderby with the service message', () => {
        const message = "Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.account'.";
        for (const q of ['$select=name,x', "$filter=x eq 'a'", '$orderby=x desc']) {
            const e = errorOf(() => parse(q));
            expect(e.status, q).toBe(400);
            expect(e.code, q).toBe('0x80060888');
            expect(e.message, q).toBe(message);
        }
    });

    it('selects lookups as _x_value only, always adds the primary key, and the currency with money', () => {
        expect(parse('$select=name,_primarycontactid_value').select).toEqual(['accountid', 'name', 'primarycontactid']);
        expect(errorOf(() => parse('$select=primarycontactid')).message).toContain("named 'primarycontactid'");
        expect(errorOf(() => parse('$select=primarycontactidname')).status).toBe(400);
        expect(parse('$select=revenue').select).toEqual(['accountid', 'revenue', 'transactioncurrencyid']);
        expect(parse('').select).toBeUndefined();
    });

    it('parses $orderby, $top, $count and maps lookups to their attribute', () => {
        const q = parse('$orderby=name desc,_primarycontactid_value,createdon asc&$top=7&$count=true');
        expect(q.orderBy).toEqual([
            { attribute: 'name', descending: true },
            { attribute: 'primarycontactid', descending: false },
            { attribute: 'createdon', descending: false },
        ]);
        expect(q.top).toBe(7);
        expect(q.count).toBe(true);
    });

    it('rejects bad values, repeated and unsupported options', () => {
        expect(errorOf(() => parse('$top=-1')).message).toBe(
            "Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value.",
        );
        expect(errorOf(() => parse('$count=yes')).message).toBe("'yes' is not a valid count option.");
        expect(errorOf(() => parse('$top=1&$top=2')).message).toContain("'$top' was specified more than once");
        expect(errorOf(() => parse('$orderby=name sideways')).status).toBe(400);
        expect(errorOf(() => parse('$foo=1')).message).toBe("The query parameter '$foo' is not supported.");
        for (const option of ['$expand=primarycontactid($select=fullname)', '$apply=groupby((name))']) {
            const e = errorOf(() => parse(option));
            expect(e.status).toBe(400);
            expect(e.message).toContain('simulator does not support');
        }
        expect(errorOf(() => parse('$skiptoken=garbage')).message).toContain('$skiptoken value is not valid');
    });
});

describe('runQuery ordering and key ranges', () => {
    it('orders by primary key in SQL uniqueidentifier order, so a string-order page split differs', () => {
        const rows = makeAccounts(200);
        const source = new CountingRowSource(rows);
        const page = runQuery(source, account, parse(''), 50, { maxPageSizePreferred: true });
        expect(ids(page.rows)).toEqual(sqlSorted(rows).slice(0, 50));
        // A client that assumed string order would expect a different first page.
        const stringOrder = ids(rows).sort();
        expect(ids(page.rows)).not.toEqual(stringOrder.slice(0, 50));
        // The range (string-first, string-50th] under gt/le does not match the string page either.
        const lo = stringOrder[0] as string;
        const hi = stringOrder[49] as string;
        const ranged = runQuery(source, account, parse(`$filter=accountid ge ${lo} and accountid le ${hi}`), 5000);
        expect(ids(ranged.rows).sort()).not.toEqual(stringOrder.slice(0, 50));
        for (const id of ids(ranged.rows)) {
            expect(compareSqlGuids(id, lo)).toBeGreaterThanOrEqual(0);
            expect(compareSqlGuids(id, hi)).toBeLessThanOrEqual(0);
        }
    });

    it('starts a key-range scan at the lower bound and stops at the upper bound', () => {
        const rows = makeAccounts(20_000);
        const source = new CountingRowSource(rows);
        const sorted = sqlSorted(rows);
        const lo = sorted[12_000] as string;
        const hi = sorted[12_030] as string;
        const q = parse(`$filter=(accountid gt ${lo} and accountid le ${hi}) and statecode ge 0`);
        const page = runQuery(source, account, q, 5000, { maxPageSizePreferred: true });
        expect(ids(page.rows)).toEqual(sorted.slice(12_001, 12_031));
        // 30 rows in range plus the one row past the upper bound that ends the scan.
        expect(source.touched).toBe(31);
        expect(page.rowsScanned).toBe(31);
        expect(page.nextSkipToken).toBeUndefined();

        // A page smaller than the range reads page size + 1 rows, and the next page starts after the token.
        source.touched = 0;
        const first = runQuery(source, account, q, 10, { maxPageSizePreferred: true });
        expect(source.touched).toBe(11);
        expect(first.nextSkipToken).toBeDefined();
        source.touched = 0;
        const second = runQuery(source, account, { ...q, skipToken: first.nextSkipToken }, 10, {
            maxPageSizePreferred: true,
        });
        expect(ids(second.rows)).toEqual(sorted.slice(12_011, 12_021));
        expect(source.touched).toBe(11);
    });

    it('honours a reversed literal (X lt pk) and an eq on the key', () => {
        const rows = makeAccounts(1000);
        const source = new CountingRowSource(rows);
        const sorted = sqlSorted(rows);
        const page = runQuery(source, account, parse(`$filter=${sorted[990]} lt accountid`), 5000);
        expect(ids(page.rows)).toEqual(sorted.slice(991));
        expect(source.touched).toBe(9);
        source.touched = 0;
        const one = runQuery(source, account, parse(`$filter=accountid eq ${sorted[500]}`), 5000);
        expect(ids(one.rows)).toEqual([sorted[500]]);
        expect(source.touched).toBe(2);
    });

    it('uses key bounds under another $orderby too, and sorts descending keys', () => {
        const rows = makeAccounts(3000);
        const source = new CountingRowSource(rows);
        const sorted = sqlSorted(rows);
        const q = parse(`$filter=accountid gt ${sorted[100]} and accountid lt ${sorted[200]}&$orderby=accountid desc`);
        const page = runQuery(source, account, q, 5000);
        expect(ids(page.rows)).toEqual(sorted.slice(101, 200).reverse());
        expect(source.touched).toBe(100);
    });
});

describe('runQuery paging', () => {
    it('pages through every row exactly once in SQL order under the default order', () => {
        const rows = makeAccounts(1234);
        const pages = pageThrough(new CountingRowSource(rows), '$select=name', 100);
        expect(pages).toHaveLength(13);
        expect(pages.slice(0, 12).every((p) => p.length === 100)).toBe(true);
        expect(ids(pages.flat())).toEqual(sqlSorted(rows));
    });

    it('pages through every row exactly once under a non-unique $orderby with nulls', () => {
        const rows = makeAccounts(500);
        for (const orderby of ['name', 'name desc', 'accountnumber desc,statecode', '_primarycontactid_value']) {
            const all = pageThrough(new CountingRowSource(rows), `$orderby=${orderby}`, 37).flat();
            expect(all, orderby).toHaveLength(rows.length);
            expect(new Set(ids(all)).size, orderby).toBe(rows.length);
        }
        const byName = pageThrough(new CountingRowSource(rows), '$orderby=name desc', 37).flat();
        for (let i = 1; i < byName.length; i++) {
            expect((byName[i - 1]?.name as string) >= (byName[i]?.name as string)).toBe(true);
        }
    });

    it('property: any table, page size, order and filter pages each matching row once, in order', () => {
        const orders = ['', 'accountid', 'name', 'numberofemployees desc', 'accountnumber', 'createdon desc'];
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 150 }),
                fc.integer({ min: 1, max: 40 }),
                fc.constantFrom(...orders),
                fc.integer({ min: 0, max: 100 }),
                fc.integer({ min: 0, max: 10_000 }),
                (count, pageSize, orderby, minEmployees, seed) => {
                    const rows: SimRow[] = makeAccounts(count).map((r, i) => ({
                        ...r,
                        accountid: guidFrom(seed * 1000 + i),
                    }));
                    const expected = rows.filter((r) => (r.numberofemployees as number) >= minEmployees);
                    const query = `$filter=numberofemployees ge ${minEmployees}${orderby ? `&$orderby=${orderby}` : ''}`;
                    const pages = pageThrough(new CountingRowSource(rows), query, pageSize);
                    const all = pages.flat();
                    expect(all.length).toBe(expected.length);
                    expect(new Set(ids(all))).toEqual(new Set(ids(expected)));
                    expect(pages.every((p) => p.length <= pageSize)).toBe(true);
                    if (orderby === '' || orderby === 'accountid') expect(ids(all)).toEqual(sqlSorted(expected));
                    if (orderby === 'numberofemployees desc') {
                        const values = all.map((r) => r.numberofemployees as number);
                        expect(values).toEqual([...values].sort((a, b) => b - a));
                    }
                },
            ),
            { numRuns: 60 },
        );
    });

    it('limits to $top without a nextLink, and ignores $top under odata.maxpagesize', () => {
        const rows = makeAccounts(100);
        const source = new CountingRowSource(rows);
        const q = parse('$top=3');
        const topped = runQuery(source, account, q, 5000);
        expect(ids(topped.rows)).toEqual(sqlSorted(rows).slice(0, 3));
        expect(topped.nextSkipToken).toBeUndefined();
        const preferred = runQuery(source, account, q, 10, { maxPageSizePreferred: true });
        expect(preferred.rows).toHaveLength(10);
        expect(preferred.nextSkipToken).toBeDefined();
        expect(runQuery(source, account, parse('$top=0'), 5000).rows).toHaveLength(0);
    });

    it('caps the page size at 5000', () => {
        const rows = makeAccounts(5001);
        const page = runQuery(new CountingRowSource(rows), account, parse(''), 10_000, { maxPageSizePreferred: true });
        expect(page.rows).toHaveLength(5000);
        expect(page.nextSkipToken).toBeDefined();
    });
});

describe('runQuery $count', () => {
    it('counts matching rows, capped at 5000', () => {
        const rows = makeAccounts(6000);
        const source = new CountingRowSource(rows);
        const all = runQuery(source, account, parse('$count=true'), 10, { maxPageSizePreferred: true });
        expect(all.count).toBe(5000);
        expect(all.countLimitExceeded).toBe(true);
        const some = runQuery(source, account, parse('$count=true&$filter=statecode eq 1'), 10, {
            maxPageSizePreferred: true,
        });
        const expected = rows.filter((r) => r.statecode === 1).length;
        expect(expected).toBeLessThan(5000);
        expect(some.count).toBe(expected);
        expect(some.countLimitExceeded).toBe(false);
        expect(runQuery(source, account, parse(''), 10).count).toBeUndefined();
    });
});
