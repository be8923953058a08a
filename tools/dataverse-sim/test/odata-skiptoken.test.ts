import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimRow } from '../src/model.js';
import { queryEngine } from '../src/odata/engine.js';
import { decodeSkipToken, encodeSkipToken, nextLinkWithSkipToken } from '../src/odata/skiptoken.js';
import { account, CountingRowSource, errorOf, makeAccounts, schema } from './odata-fixtures.js';

const pkKey = [{ attribute: 'accountid', type: 'Uniqueidentifier' as const }];
const nameKeys = [{ attribute: 'name', type: 'String' as const }, ...pkKey];

describe('$skiptoken format', () => {
    it("uses Dataverse's cookie format with upper-case braced GUIDs under the key attribute", () => {
        const rows = makeAccounts(30);
        const page = queryEngine.runQuery(
            new CountingRowSource(rows),
            account,
            queryEngine.parseQuery(new URLSearchParams(''), account, schema),
            10,
            { maxPageSizePreferred: true },
        );
        const token = page.nextSkipToken ?? '';
        const outer = /^<cookie pagenumber="2" pagingcookie="([^"]+)" istracking="False" \/>$/.exec(token);
        expect(outer).not.toBeNull();
        const inner = decodeURIComponent(outer?.[1] ?? '');
        const first = page.rows[0] as SimRow;
        const last = page.rows[9] as SimRow;
        expect(inner).toBe(
            `<cookie page="1"><accountid last="{${(last.accountid as string).toUpperCase()}}" ` +
                `first="{${(first.accountid as string).toUpperCase()}}" /></cookie>`,
        );
        // The inner cookie is percent-encoded with lower-case hex, as in the documented example.
        expect(outer?.[1]).toMatch(/^%3ccookie%20page%3d%221%22%3e%3caccountid%20last%3d%22%7b/);
    });

    it('comes back unchanged through a nextLink URL', () => {
        fc.assert(
            fc.property(
                fc.string({ unit: 'grapheme', maxLength: 20 }),
                fc.option(fc.string(), { nil: null }),
                (a, b) => {
                    const token = encodeSkipToken({
                        pageNumber: 7,
                        keys: [
                            { attribute: 'name', type: 'String', last: a, first: b },
                            {
                                attribute: 'accountid',
                                type: 'Uniqueidentifier',
                                last: '0a1b2c3d-0000-4000-8000-00000000abcd',
                                first: '0a1b2c3d-0000-4000-8000-00000000abce',
                            },
                        ],
                    });
                    const link = nextLinkWithSkipToken(
                        "http://127.0.0.1:5555/api/data/v9.2/accounts?$select=name&$filter=contains(name,'a%2Bb')&$skiptoken=old",
                        token,
                    );
                    const params = new URL(link).searchParams;
                    expect(params.get('$skiptoken')).toBe(token);
                    expect(params.getAll('$skiptoken')).toHaveLength(1);
                    expect(params.get('$filter')).toBe("contains(name,'a+b')");
                    const decoded = decodeSkipToken(token, nameKeys);
                    expect(decoded.pageNumber).toBe(7);
                    expect(decoded.keys[0]?.last).toBe(a);
                    expect(decoded.keys[0]?.first).toBe(b);
                },
            ),
            { numRuns: 200 },
        );
    });

    it('rejects garbage and tampered tokens with a clear 400', () => {
        const good = encodeSkipToken({
            pageNumber: 2,
            keys: [
                {
                    attribute: 'accountid',
                    type: 'Uniqueidentifier',
                    last: '0a1b2c3d-0000-4000-8000-00000000abcd',
                    first: '0a1b2c3d-0000-4000-8000-00000000abcd',
                },
            ],
        });
        expect(decodeSkipToken(good, pkKey).keys[0]?.last).toBe('0a1b2c3d-0000-4000-8000-00000000abcd');
        const bad = [
            'garbage',
            good.replace('pagenumber="2"', 'pagenumber="5"'),
            good.replace('%7b0A1B2C3D', '%7bZZZZ2C3D'),
            good.replace('accountid', 'contactid'),
            good.replace('pagingcookie="', 'pagingcookie="%zz'),
        ];
        for (const token of bad) {
            const e = errorOf(() => decodeSkipToken(token, pkKey));
            expect(e.status, token).toBe(400);
            expect(e.message, token).toMatch(/^The \$skiptoken value is not valid: .+\. Use the @odata\.nextLink/);
        }
        // A token from another $orderby does not fit this query.
        expect(errorOf(() => decodeSkipToken(good, nameKeys)).message).toContain('sort keys');
        expect(
            errorOf(() =>
                queryEngine.parseQuery(new URLSearchParams({ $skiptoken: good, $orderby: 'name' }), account, schema),
            ).status,
        ).toBe(400);
    });
});
