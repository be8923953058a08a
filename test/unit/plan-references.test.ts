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

    describe('security roles, matched by name within the matched business unit', () => {
        const roles = rule('role', { matchOn: ['name'], scope: { column: 'businessunitid', table: 'businessunit' } });
        // Every business unit has its own copy of each role under the same name; the root BU is the one without a parent.
        const businessUnits = { 's-root': 't-root', 's-sales': 't-sales' };
        const role = (id: string, name: string, bu: string) => ({ roleid: id, name, _businessunitid_value: bu });
        const source = [
            role('s-admin-root', 'System Administrator', 's-root'),
            role('s-admin-sales', 'System Administrator', 's-sales'),
            role('s-sp-root', 'Salesperson', 's-root'),
            role('s-sp-sales', 'Salesperson', 's-sales'),
            role('s-custom', 'Project Lead', 's-root'),
            // A business unit the target does not have: its copies match nothing, though their names exist there.
            role('s-sp-lab', 'Salesperson', 's-lab'),
        ];
        const target = [
            role('t-sp-sales', 'salesperson', 'T-SALES'),
            role('t-admin-root', 'System Administrator', 't-root'),
            role('t-sp-root', 'Salesperson', 't-root'),
            role('t-admin-sales', 'System Administrator', 't-sales'),
            role('t-admin-other', 'System Administrator', 't-other'),
        ];

        it("maps a name that exists in several business units to the copy of the matched one (root to root's)", () => {
            const result = matchReferences(source, target, roles, businessUnits);
            expect(result.map).toEqual({
                's-admin-root': 't-admin-root',
                's-admin-sales': 't-admin-sales',
                's-sp-root': 't-sp-root',
                's-sp-sales': 't-sp-sales',
            });
            expect(result.unmatched.map((r) => r.roleid)).toEqual(['s-custom', 's-sp-lab']);
            expect(result.warnings).toEqual([]);
        });

        it('matches nothing when the name alone is ambiguous across business units (why the scope is needed)', () => {
            const unscoped = matchReferences(source, target, rule('role', { matchOn: ['name'] }));
            expect(unscoped.map).toEqual({});
        });

        it('matches nothing without the business unit matches', () => {
            expect(matchReferences(source, target, roles).map).toEqual({});
        });

        it('takes the fallback within the same business unit, and records it as a fallback', () => {
            const result = matchReferences(source, target, { ...roles, fallback: 'Salesperson' }, businessUnits);
            expect(result.map['s-custom']).toBe('t-sp-root');
            expect(result.fallbacks).toEqual(['s-custom']);
            // Its business unit has no match, so there is no scope to take a fallback in.
            expect(result.unmatched.map((r) => r.roleid)).toEqual(['s-sp-lab']);
        });
    });
});
