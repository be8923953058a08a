import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataverseClient, ODataQuery, QueryOptions, Row } from '../../src/dataverse/client-types.js';
import { pageBoundaries, pageFilter } from '../../src/plan/pages.js';
import { compareSqlGuids, queryEngine, type SimRow, type SimTable } from 'dataverse-sim';

/**
 * A client whose queries run on the simulator's own OData engine in process (SQL uniqueidentifier
 * order, its $filter evaluator and skiptoken paging); the HTTP path is covered by integration tests.
 */
function engineClient(table: SimTable, rows: SimRow[], requests: string[]): DataverseClient {
    const sorted = [...rows].sort((a, b) => compareSqlGuids(a.rowid as string, b.rowid as string));
    const source = {
        size: sorted.length,
        *scan(start?: { id: string; inclusive: boolean }) {
            for (const row of sorted) {
                if (start) {
                    const c = compareSqlGuids(row.rowid as string, start.id);
                    if (c < 0 || (c === 0 && !start.inclusive)) continue;
                }
                yield row;
            }
        },
    };
    return {
        url: 'http://127.0.0.1:1',
        get: () => Promise.reject(new Error('not used')),
        whoAmI: () => Promise.reject(new Error('not used')),
        async *queryPages(entitySet: string, query: ODataQuery, options?: QueryOptions): AsyncIterable<Row[]> {
            expect(entitySet).toBe(table.entitySetName);
            const params = new URLSearchParams();
            if (query.select) params.set('$select', query.select.join(','));
            if (query.filter) params.set('$filter', query.filter);
            if (query.orderBy) params.set('$orderby', query.orderBy);
            for (;;) {
                requests.push(params.toString());
                const parsed = queryEngine.parseQuery(params, table, { tables: [table], manyToMany: [] });
                const page = queryEngine.runQuery(source, table, parsed, options?.pageSize ?? 5000, {
                    maxPageSizePreferred: true,
                });
                await Promise.resolve();
                yield page.rows.map((r) => Object.fromEntries((query.select ?? Object.keys(r)).map((k) => [k, r[k]])));
                if (!page.nextSkipToken) return;
                params.set('$skiptoken', page.nextSkipToken);
            }
        },
    };
}

const table: SimTable = {
    logicalName: 'row',
    entitySetName: 'rows',
    primaryIdAttribute: 'rowid',
    primaryNameAttribute: 'name',
    ownershipType: 'OrganizationOwned',
    changeTracking: false,
    attributes: [
        { logicalName: 'rowid', type: 'Uniqueidentifier', isPrimaryId: true },
        { logicalName: 'name', type: 'String', isPrimaryName: true },
        { logicalName: 'n', type: 'Integer' },
    ],
};

const guidArb = fc.uuid().map((g) => g.toLowerCase());

/** Reads every page with its range filter and returns the ids read, in order. */
async function readAllPages(client: DataverseClient, pageSize: number, userFilter?: string) {
    const { ranges, rowCount } = await pageBoundaries(
        client,
        { entitySetName: 'rows', primaryId: 'rowid' },
        pageSize,
        userFilter,
    );
    const pages: string[][] = [];
    for (const range of ranges) {
        const ids: string[] = [];
        const filter = pageFilter(range, 'rowid', userFilter);
        for await (const rows of client.queryPages('rows', {
            select: ['rowid'],
            ...(filter ? { filter } : {}),
            orderBy: 'rowid asc',
        }))
            ids.push(...rows.map((r) => r.rowid as string));
        pages.push(ids);
    }
    return { ranges, rowCount, pages };
}

describe('pageBoundaries', () => {
    it('ranges cover every row exactly once in SQL GUID order, with pageSize rows a page', async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.uniqueArray(guidArb, { maxLength: 300 }),
                fc.integer({ min: 1, max: 60 }),
                fc.boolean(),
                async (ids, pageSize, filtered) => {
                    const rows = ids.map((rowid, n) => ({ rowid, name: `r${n}`, n }));
                    const client = engineClient(table, rows, []);
                    const userFilter = filtered ? 'n ge 10' : undefined;
                    const expected = rows.filter((r) => !filtered || r.n >= 10).map((r) => r.rowid);
                    const { ranges, rowCount, pages } = await readAllPages(client, pageSize, userFilter);
                    expect(rowCount).toBe(expected.length);
                    expect(pages.flat().sort()).toEqual([...expected].sort());
                    expect(ranges).toHaveLength(Math.max(1, Math.ceil(expected.length / pageSize)));
                    expect(ranges[0]!.lo).toBeNull();
                    expect(ranges[ranges.length - 1]!.hi).toBeNull();
                    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(pageSize);
                },
            ),
            { numRuns: 60 },
        );
    });

    it('walks only the key column, ordered by it, 5000 keys a request', async () => {
        // GUIDs whose string order differs from SQL order (the last group decides first in SQL).
        const rows = Array.from({ length: 12_001 }, (_, i) => {
            const hex = i.toString(16).padStart(12, '0');
            const scrambled = ((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0');
            return { rowid: `${scrambled}-0000-0000-0000-${hex}`, name: `r${i}`, n: i };
        });
        const requests: string[] = [];
        const client = engineClient(table, rows, requests);
        const { ranges, rowCount } = await pageBoundaries(client, { entitySetName: 'rows', primaryId: 'rowid' }, 5000);
        expect(rowCount).toBe(12_001);
        expect([...rows].sort((x, y) => x.rowid.localeCompare(y.rowid))[4999]).not.toEqual(rows[4999]);
        expect(ranges.map((r) => [r.lo, r.hi])).toEqual([
            [null, rows[4999]!.rowid],
            [rows[4999]!.rowid, rows[9999]!.rowid],
            [rows[9999]!.rowid, null],
        ]);
        expect(requests).toHaveLength(3);
        expect(new URLSearchParams(requests[0]).get('$select')).toBe('rowid');
        expect(new URLSearchParams(requests[0]).get('$orderby')).toBe('rowid asc');
    });

    it('gives one open range for an empty table', async () => {
        const { ranges, rowCount } = await pageBoundaries(
            engineClient(table, [], []),
            { entitySetName: 'rows', primaryId: 'rowid' },
            10,
        );
        expect(rowCount).toBe(0);
        expect(ranges).toEqual([{ lo: null, hi: null }]);
    });
});

describe('pageFilter', () => {
    const a = '00000000-0000-0000-0000-00000000000a';
    const b = '00000000-0000-0000-0000-00000000000b';
    it('builds the range and user filter', () => {
        expect(pageFilter({ lo: a, hi: b }, 'accountid', 'statecode eq 0')).toBe(
            `(accountid gt ${a} and accountid le ${b}) and (statecode eq 0)`,
        );
        expect(pageFilter({ lo: null, hi: b }, 'accountid')).toBe(`accountid le ${b}`);
        expect(pageFilter({ lo: a, hi: null }, 'accountid', "name eq 'x'")).toBe(
            `(accountid gt ${a}) and (name eq 'x')`,
        );
        expect(pageFilter({ lo: null, hi: null }, 'accountid')).toBeUndefined();
        expect(pageFilter({ lo: null, hi: null }, 'accountid', 'statecode eq 0')).toBe('statecode eq 0');
    });

    it('refuses a boundary that is not a GUID', () => {
        expect(() => pageFilter({ lo: "x' or 1 eq 1", hi: null }, 'accountid')).toThrow(/not a GUID/);
    });
});
