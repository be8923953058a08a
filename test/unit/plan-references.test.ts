import { describe, expect, it } from 'vitest';
import { matchReferences } from '../../src/plan/references.js';
import type { ReferencePlan } from '../../src/plan/types.js';

const endpoint = (t: string) => ({ logicalName: t, entitySetName: `${t}s`, primaryId: `${t}id` });
const rule = (table: string, extra: Partial<ReferencePlan> = {}): ReferencePlan => ({
    table,
    source: endpoint(table),
    target: endpoint(table),
    matchOn: [],
    ...extra,
});

describe('matchReferences', () => {
    const users = rule('systemuser', { matchOn: ['domainname', 'internalemailaddress', 'fullname'] });

    it('matches by the first column with exactly one target row, case-insensitively', () => {
        const source = [
            {
                systemuserid: 's1',
                domainname: 'CONTOSO\\Ann ',
                internalemailaddress: 'ann@contoso.com',
                fullname: 'Ann',
            },
            {
                systemuserid: 's2',
                domainname: 'contoso\\bob',
                internalemailaddress: 'BOB@contoso.com',
                fullname: 'Bob',
            },
            { systemuserid: 's3', domainname: null, internalemailaddress: null, fullname: 'Cy' },
            { systemuserid: 's4', domainname: 'x\\dee', internalemailaddress: 'dee@x.com', fullname: 'Dee' },
        ];
        const target = [
            {
                systemuserid: 't1',
                domainname: 'contoso\\ann',
                internalemailaddress: 'other@contoso.com',
                fullname: 'Ann',
            },
            {
                systemuserid: 't2',
                domainname: 'fabrikam\\bob',
                internalemailaddress: 'bob@contoso.com',
                fullname: 'Bob',
            },
            // Two rows named Cy: the full name is ambiguous, so s3 is not matched.
            { systemuserid: 't3', domainname: 'a\\cy', internalemailaddress: null, fullname: 'Cy' },
            { systemuserid: 't4', domainname: 'b\\cy', internalemailaddress: null, fullname: 'cy' },
        ];
        const result = matchReferences(source, target, users);
        expect(result.map).toEqual({ s1: 't1', s2: 't2' });
        expect(result.unmatched.map((r) => r.systemuserid)).toEqual(['s3', 's4']);
        expect(result.warnings).toEqual([]);
    });

    it('falls back to the rule fallback, logging each choice', () => {
        const source = [{ systemuserid: 's1', domainname: 'gone\\user', internalemailaddress: null, fullname: 'Gone' }];
        const target = [
            {
                systemuserid: 't9',
                domainname: 'contoso\\admin',
                internalemailaddress: 'admin@contoso.com',
                fullname: 'Admin',
            },
        ];
        const result = matchReferences(source, target, { ...users, fallback: 'admin@contoso.com' });
        expect(result.map).toEqual({ s1: 't9' });
        expect(result.warnings).toEqual([
            "systemuser 'gone\\user' (s1) has no match by domainname, internalemailaddress, fullname in the target: using fallback 'admin@contoso.com'",
        ]);
        const missing = matchReferences(source, target, { ...users, fallback: 'nobody' });
        expect(missing.unmatched).toHaveLength(1);
        expect(missing.warnings[0]).toContain("fallback 'nobody' matches no target row");
    });

    it('matches the root business unit to the target root whatever the names', () => {
        const bu = rule('businessunit', { matchOn: ['name'], rootColumn: 'parentbusinessunitid' });
        const source = [
            { businessunitid: 's-root', name: 'contoso', _parentbusinessunitid_value: null },
            { businessunitid: 's-sales', name: 'Sales', _parentbusinessunitid_value: 's-root' },
        ];
        const target = [
            { businessunitid: 't-root', name: 'contoso-dev', _parentbusinessunitid_value: null },
            { businessunitid: 't-sales', name: 'sales', _parentbusinessunitid_value: 't-root' },
        ];
        expect(matchReferences(source, target, bu).map).toEqual({ 's-root': 't-root', 's-sales': 't-sales' });
    });

    it("maps every organization row to the target's single row", () => {
        const org = rule('organization', { singleton: true });
        expect(matchReferences([{ organizationid: 'a' }], [{ organizationid: 'b' }], org).map).toEqual({ a: 'b' });
        const two = matchReferences([{ organizationid: 'a' }], [{ organizationid: 'b' }, { organizationid: 'c' }], org);
        expect(two.unmatched).toHaveLength(1);
        expect(two.warnings[0]).toContain('expected exactly one');
    });

    it('matches currencies by ISO code', () => {
        const currency = rule('transactioncurrency', { matchOn: ['isocurrencycode'] });
        const result = matchReferences(
            [
                { transactioncurrencyid: 's-eur', isocurrencycode: 'EUR' },
                { transactioncurrencyid: 's-usd', isocurrencycode: 'USD' },
            ],
            [{ transactioncurrencyid: 't-eur', isocurrencycode: 'eur' }],
            currency,
        );
        expect(result.map).toEqual({ 's-eur': 't-eur' });
        expect(result.unmatched.map((r) => r.isocurrencycode)).toEqual(['USD']);
    });
});
