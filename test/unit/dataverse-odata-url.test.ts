import { describe, expect, it } from 'vitest';
import { buildQueryString, entityPath, odataString, preferHeader } from '../../src/dataverse/odata-url.js';

describe('OData URLs', () => {
    it('builds query options with encoded values', () => {
        expect(
            buildQueryString({
                select: ['name', 'accountid'],
                filter: "name eq 'A+B & C' and accountid gt 00000000-0000-0000-0000-000000000001",
                orderBy: 'accountid asc',
                top: 10,
            }),
        ).toBe(
            "?$select=name,accountid&$filter=name%20eq%20'A%2BB%20%26%20C'%20and%20accountid%20gt%2000000000-0000-0000-0000-000000000001&$orderby=accountid%20asc&$top=10",
        );
        expect(buildQueryString({})).toBe('');
    });

    it('addresses rows by id or alternate key', () => {
        expect(entityPath('accounts', '{6F3C8A1E-0000-0000-0000-000000000001}')).toBe(
            'accounts(6f3c8a1e-0000-0000-0000-000000000001)',
        );
        expect(entityPath('accounts', "accountnumber='A1'")).toBe("accounts(accountnumber='A1')");
        expect(() => entityPath('accounts', 'nope')).toThrow(/neither a GUID/);
        expect(odataString("O'Brian")).toBe("'O''Brian'");
    });

    it('puts every preference in one Prefer header', () => {
        expect(preferHeader({ pageSize: 500, annotations: 'Microsoft.Dynamics.CRM.lookuplogicalname' })).toBe(
            'odata.maxpagesize=500,odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
        );
        expect(preferHeader({ continueOnError: true })).toBe('odata.continue-on-error');
        expect(preferHeader({ trackChanges: true, pageSize: 100 })).toBe('odata.track-changes,odata.maxpagesize=100');
        expect(preferHeader({})).toBeUndefined();
    });
});
