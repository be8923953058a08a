import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSqlGuids, sqlGuidSortKey } from '../src/guid-order.js';

describe('SQL Server uniqueidentifier order', () => {
    it('orders by the last six bytes first, then bytes 8-9, then the first three groups reversed', () => {
        const sorted = [
            '00000000-0000-0000-0000-000000000001',
            '00000000-0000-0000-0000-000000000100',
            'ff000000-0000-0000-0000-010000000000',
            '00000000-0000-0000-0100-010000000000',
            '00000000-0000-0100-0100-010000000000',
            '00000000-0001-0100-0100-010000000000',
            '01000000-0001-0100-0100-010000000000',
        ];
        expect([...sorted].reverse().sort(compareSqlGuids)).toEqual(sorted);
    });

    it('agrees with its sort key and ignores letter case', () => {
        fc.assert(
            fc.property(fc.uuid(), fc.uuid(), fc.boolean(), (a, b, upper) => {
                const left = upper ? a.toUpperCase() : a;
                const expected =
                    sqlGuidSortKey(a) < sqlGuidSortKey(b) ? -1 : sqlGuidSortKey(a) > sqlGuidSortKey(b) ? 1 : 0;
                expect(compareSqlGuids(left, b)).toBe(expected);
            }),
        );
    });
});
