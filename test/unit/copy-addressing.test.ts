/**
 * The one builder of key addresses and read filters (src/copy/addressing.ts, key-addresses.ts): literals by column
 * type, percent-encoded key segments, keys that cannot be addressed at all, and filters cut by their encoded length.
 * What the service does with each is the simulator's conformance-addressing test; this pins the strings.
 */
import { describe, expect, it } from 'vitest';
import {
    chunkClauses,
    filterBudget,
    idFilters,
    isAddressableKey,
    keyColumns,
    keyFilters,
    keyIdentity,
    keyPath,
    MAX_URL_LENGTH,
    odataLiteral,
    URL_RESERVE,
} from '../../src/copy/addressing.js';
import { createdIdFor } from '../../src/copy/key-addresses.js';
import { collationOfLanguage } from '../../src/dataverse/collation.js';
import { encodeOData } from '../../src/dataverse/odata-url.js';
import type { TablePlan } from '../../src/plan/types.js';

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('key literals and segments', () => {
    it('writes each column type as the service reads it: quoted strings, bare numbers and ids, unquoted dates', () => {
        expect(odataLiteral("O'Brian", 'String')).toBe("'O''Brian'");
        expect(odataLiteral(42, 'Integer')).toBe('42');
        expect(odataLiteral('12.5', 'Decimal')).toBe('12.5');
        expect(odataLiteral(guid(1).toUpperCase(), 'Lookup')).toBe(guid(1));
        expect(odataLiteral('2020-01-31T12:00:00Z', 'DateTime')).toBe('2020-01-31T12:00:00Z');
        expect(odataLiteral('2020-01-31T12:00:00.000Z', 'DateTime')).toBe('2020-01-31T12:00:00Z');
        expect(odataLiteral(null, 'String')).toBe('null');
    });

    it('percent-encodes each literal of a key segment, keeping the quotes, = and , that frame it', () => {
        const columns = [
            { name: 'name', type: 'String' as const },
            { name: '_primarycontactid_value', type: 'Lookup' as const },
            { name: 'birthdate', type: 'DateTime' as const },
        ];
        expect(keyPath('accounts', columns, ["SP ACE #1 d'été", guid(2), '1990-05-01T00:00:00Z'])).toBe(
            `accounts(name='SP%20ACE%20%231%20d''%C3%A9t%C3%A9',_primarycontactid_value=${guid(2)},birthdate=1990-05-01T00%3A00%3A00Z)`,
        );
    });

    it('names a lookup key column by its _x_value property', () => {
        const table = {
            match: { kind: 'key', columns: ['name', 'primarycontactid'], sourceColumns: ['name', 'primarycontactid'] },
            columns: [
                { source: 'name', target: 'name', type: 'String' },
                { source: 'primarycontactid', target: 'primarycontactid', type: 'Lookup', kind: 'lookup' },
            ],
        } as unknown as TablePlan;
        expect(keyColumns(table)).toEqual([
            { name: 'name', type: 'String' },
            { name: '_primarycontactid_value', type: 'Lookup' },
        ]);
    });

    it('refuses to put / < > * % & : \\ ? + in a key address, and takes everything else', () => {
        for (const ch of ['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+']) {
            expect(isAddressableKey([`A${ch}1`], [{ name: 'accountnumber', type: 'String' }])).toBe(false);
            expect(() => keyPath('accounts', [{ name: 'accountnumber' }], [`A${ch}1`])).toThrow(/key address/);
        }
        const text = { name: 'name', type: 'String' as const };
        expect(isAddressableKey(['A B', "O'B", 'é#;=,()'], [text, text, text])).toBe(true);
        // A date's ':' is part of its literal, not data the service refuses.
        expect(
            isAddressableKey(
                ['1990-05-01T00:00:00Z', 7],
                [
                    { name: 'd', type: 'DateTime' },
                    { name: 'n', type: 'Integer' },
                ],
            ),
        ).toBe(true);
    });

    it('gives a row created by target id the same id on every attempt, different per table and row', () => {
        const id = createdIdFor('account', guid(1));
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(createdIdFor('account', guid(1).toUpperCase())).toBe(id);
        expect(createdIdFor('contact', guid(1))).not.toBe(id);
        expect(createdIdFor('account', guid(2))).not.toBe(id);
    });
});

describe('filters cut by their encoded length', () => {
    it('fills each filter up to the budget instead of a fixed count of ids', () => {
        const ids = Array.from({ length: 2000 }, (_, i) => guid(i));
        const budget = filterBudget(['accountid', 'name']);
        expect(budget).toBe(MAX_URL_LENGTH - URL_RESERVE - encodeOData('accountid,name').length);
        const filters = idFilters('accountid', ids, budget);
        for (const f of filters) expect(encodeOData(f).length).toBeLessThanOrEqual(budget);
        expect(filters.length).toBe(4); // 2,000 ids at ~57 encoded characters each: 4 reads, not 40
        expect(filters.join(' or ').match(/accountid eq/g)).toHaveLength(2000);
    });

    it('counts percent-encoding: key values that triple in the URL make more, shorter filters', () => {
        const tuples = Array.from({ length: 300 }, (_, i) => [`${'é'.repeat(60)} ${i}`]);
        const plain = Array.from({ length: 300 }, (_, i) => [`${'e'.repeat(60)} ${i}`]);
        const budget = 8_000;
        const wide = keyFilters([{ name: 'name', type: 'String' }], tuples, budget);
        const narrow = keyFilters([{ name: 'name', type: 'String' }], plain, budget);
        for (const f of wide) expect(encodeOData(f).length).toBeLessThanOrEqual(budget);
        expect(wide.length).toBeGreaterThan(narrow.length * 3);
    });

    it('leaves room for the other options of the read, and says so when a $select leaves none', () => {
        const select = Array.from({ length: 40 }, (_, i) => `new_column_${i}`);
        expect(filterBudget(select, 'statecode eq 0')).toBeLessThan(filterBudget(select));
        const wide = Array.from({ length: 1200 }, (_, i) => `new_a_rather_long_column_name_${i}`);
        expect(() => filterBudget(wide)).toThrow(/selecting 1200 columns leaves -?\d+ characters/);
        expect(() => chunkClauses(['x'.repeat(100)], 50)).toThrow(/over the budget 50/);
    });
});

describe('key identity (the target collation: power-platform admin/language-collations.md)', () => {
    it('holds values one key under _CI_AI when they differ by case, accents or trailing spaces, not leading ones', () => {
        const cafe = keyIdentity(['Café', 7]);
        expect(keyIdentity(['cafe  ', 7])).toBe(cafe);
        expect(keyIdentity(['CAFE\u0301', 7])).toBe(cafe); // a decomposed accent is an accent too
        expect(keyIdentity([' cafe', 7])).not.toBe(cafe);
        expect(keyIdentity(['cafe', 8])).not.toBe(cafe);
        expect(keyIdentity(['cafe\t', 7])).not.toBe(cafe); // only spaces pad
    });

    it('keeps accents apart under _CI_AS, still ignoring case and trailing spaces', () => {
        expect(keyIdentity(['Café'], 'CI_AS')).not.toBe(keyIdentity(['cafe'], 'CI_AS'));
        expect(keyIdentity(['CAFÉ '], 'CI_AS')).toBe(keyIdentity(['café'], 'CI_AS'));
        expect(keyIdentity(['Cafe\u0301'], 'CI_AS')).toBe(keyIdentity(['café'], 'CI_AS'));
    });

    it('takes the collation from the base language as the documentation lists it', () => {
        expect(collationOfLanguage(1033)).toBe('CI_AI');
        expect(collationOfLanguage(3082)).toBe('CI_AI');
        expect(collationOfLanguage(1035)).toBe('CI_AS');
        expect(collationOfLanguage(3081)).toBe('CI_AS');
    });
});
