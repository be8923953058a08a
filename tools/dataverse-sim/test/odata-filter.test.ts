import { describe, expect, it } from 'vitest';
import type { SimRow } from '../src/model.js';
import { bindFilter, rowResolver } from '../src/odata/bind.js';
import { evaluateFilter, parseFilter } from '../src/odata/filter.js';
import { account, errorOf } from './odata-fixtures.js';

/** Parses, binds to the account table and evaluates against one row. */
function matchRow(filter: string, row: SimRow, aliases: Record<string, string> = {}): boolean {
    const bound = bindFilter(
        parseFilter(filter, (a) => aliases[a]),
        account,
        filter,
    );
    return evaluateFilter(bound, rowResolver(account)(row));
}

const row: SimRow = {
    accountid: '11111111-2222-3333-4444-555555555555',
    name: "O'Brian Café",
    accountnumber: null,
    numberofemployees: 42,
    revenue: 1500.25,
    creditonhold: true,
    createdon: '2023-04-07T21:59:01Z',
    statecode: 0,
    primarycontactid: { id: 'aaaaaaaa-0000-0000-0000-000000000001', table: 'contact' },
};

describe('$filter grammar', () => {
    it('gives and precedence over or', () => {
        const tree = parseFilter("name eq 'a' or name eq 'b' and statecode eq 0");
        if (tree.kind !== 'or') throw new Error(`expected or, got ${tree.kind}`);
        expect(tree.right.kind).toBe('and');
        // Semantics: a or (b and c). With name='a' and statecode=1 it matches; (a or b) and c would not.
        const r = { ...row, name: 'a', statecode: 1 };
        expect(matchRow("name eq 'a' or name eq 'b' and statecode eq 0", r)).toBe(true);
        expect(matchRow("(name eq 'a' or name eq 'b') and statecode eq 0", r)).toBe(false);
    });

    it('binds not tighter than comparison, so not needs parentheses around a comparison', () => {
        expect(matchRow('not (numberofemployees eq 42)', row)).toBe(false);
        expect(matchRow("not contains(name,'zzz')", row)).toBe(true);
        expect(matchRow('not creditonhold', row)).toBe(false);
        expect(errorOf(() => matchRow('not numberofemployees eq 42', row)).message).toBe(
            "A unary operator with an incompatible type was detected. Found operand type 'Edm.Int32' for operator kind 'Not'.",
        );
    });

    it('evaluates every comparison operator on numbers', () => {
        const cases: Array<[string, boolean]> = [
            ['numberofemployees eq 42', true],
            ['numberofemployees ne 42', false],
            ['numberofemployees gt 41', true],
            ['numberofemployees gt 42', false],
            ['numberofemployees ge 42', true],
            ['numberofemployees lt 42', false],
            ['numberofemployees le 42', true],
            ['revenue gt 1500.2', true],
            ['revenue lt -1', false],
        ];
        for (const [f, expected] of cases) expect(matchRow(f, row), f).toBe(expected);
    });

    it('compares strings case- and accent-insensitively, with doubled quotes as escapes', () => {
        expect(matchRow("name eq 'o''brian cafe'", row)).toBe(true);
        expect(matchRow("name eq 'O''BRIAN CAFÉ'", row)).toBe(true);
        expect(matchRow("name eq 'O''Brian'", row)).toBe(false);
        expect(matchRow("contains(name,'BRIAN')", row)).toBe(true);
        expect(matchRow("startswith(name,'o''b')", row)).toBe(true);
        expect(matchRow("endswith(name,'cafe')", row)).toBe(true);
        expect(matchRow("endswith(name,'o''b')", row)).toBe(false);
        expect(matchRow("name gt 'o'", row)).toBe(true);
        expect(matchRow("name lt 'P'", row)).toBe(true);
    });

    it('reports an unterminated literal with the service text', () => {
        expect(errorOf(() => parseFilter("lastname eq 'O'Bryan'")).message).toBe(
            "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''.",
        );
        const e = errorOf(() => parseFilter("name eq 'abc"));
        expect(e.status).toBe(400);
        expect(e.code).toBe('0x80060888');
        expect(e.message).toBe("There is an unterminated literal at position 12 in 'name eq 'abc'.");
    });

    it('handles null with SQL semantics', () => {
        expect(matchRow('accountnumber eq null', row)).toBe(true);
        expect(matchRow('accountnumber ne null', row)).toBe(false);
        expect(matchRow("accountnumber ne 'x'", row)).toBe(false);
        expect(matchRow("accountnumber eq 'x'", row)).toBe(false);
        expect(matchRow('_primarycontactid_value ne null', row)).toBe(true);
    });

    it('accepts booleans, ISO datetimes and dates unquoted', () => {
        expect(matchRow('creditonhold eq true', row)).toBe(true);
        expect(matchRow('creditonhold eq false', row)).toBe(false);
        expect(matchRow('createdon gt 2023-04-07T21:59:00Z', row)).toBe(true);
        expect(matchRow('createdon ge 2023-04-07T23:59:01+02:00', row)).toBe(true);
        expect(matchRow('createdon gt 2023-04-07T23:59:02+02:00', row)).toBe(false);
        expect(matchRow('createdon ge 2023-04-07 and createdon lt 2023-04-08', row)).toBe(true);
        expect(matchRow('createdon lt 2023-04-07', row)).toBe(false);
    });

    it('accepts GUIDs quoted and unquoted on lookup and key properties', () => {
        expect(matchRow('_primarycontactid_value eq AAAAAAAA-0000-0000-0000-000000000001', row)).toBe(true);
        expect(matchRow("_primarycontactid_value eq 'aaaaaaaa-0000-0000-0000-000000000001'", row)).toBe(true);
        expect(matchRow('accountid eq 11111111-2222-3333-4444-555555555555', row)).toBe(true);
        expect(matchRow('_primarycontactid_value eq aaaaaaaa-0000-0000-0000-000000000002', row)).toBe(false);
        expect(errorOf(() => matchRow("_primarycontactid_value eq 'not-a-guid'", row)).status).toBe(400);
    });

    it('orders GUIDs as SQL Server does in gt/lt', () => {
        // String order says 0x...01 (last group) < 0x...ff first group; SQL compares the last group first.
        const a = 'ff000000-0000-0000-0000-000000000001';
        const b = '00000000-0000-0000-0000-000000000002';
        const r = { ...row, accountid: a };
        expect(a > b).toBe(true); // string order
        expect(matchRow(`accountid lt ${b}`, r)).toBe(true); // SQL order
        expect(matchRow(`accountid gt ${b}`, r)).toBe(false);
    });

    it('compares a column to a column', () => {
        expect(matchRow('name eq accountnumber', { ...row, accountnumber: "o'brian cafe" })).toBe(true);
        expect(matchRow('name eq accountnumber', { ...row, accountnumber: 'other' })).toBe(false);
        expect(matchRow('numberofemployees lt revenue', row)).toBe(true);
    });

    it('supports the Dataverse query functions with parameter aliases', () => {
        expect(
            matchRow("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['x',\"O'BRIAN CAFE\"])", row),
        ).toBe(true);
        expect(
            matchRow('Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)', row, {
                '@p1': "'numberofemployees'",
                '@p2': '["5","42"]',
            }),
        ).toBe(true);
        expect(
            matchRow("Microsoft.Dynamics.CRM.NotIn(PropertyName='numberofemployees',PropertyValues=['42'])", row),
        ).toBe(false);
        expect(
            matchRow(
                'Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])',
                row,
            ),
        ).toBe(true);
        expect(
            matchRow(
                'Microsoft.Dynamics.CRM.NotBetween(PropertyName=\'numberofemployees\',PropertyValues=["43","50"])',
                row,
            ),
        ).toBe(true);
        expect(matchRow("Microsoft.Dynamics.CRM.Null(PropertyName='accountnumber')", row)).toBe(true);
        expect(matchRow("Microsoft.Dynamics.CRM.NotNull(PropertyName='primarycontactid')", row)).toBe(true);
        expect(matchRow('name eq @n', row, { '@n': "'o''brian café'" })).toBe(true);
        const missing = errorOf(() => matchRow('name eq @n', row));
        expect(missing.message).toContain("'@n'");
        const bad = errorOf(() => matchRow("Microsoft.Dynamics.CRM.In(PropertyName='nope',PropertyValues=['1'])", row));
        expect(bad.code).toBe('0x80041103');
        expect(
            errorOf(() => matchRow('Microsoft.Dynamics.CRM.Between(PropertyName=\'name\',PropertyValues=["a"])', row))
                .status,
        ).toBe(400);
    });

    it('rejects unknown properties with the service message', () => {
        const e = errorOf(() => matchRow("x eq 'a'", row));
        expect(e.status).toBe(400);
        expect(e.code).toBe('0x80060888');
        expect(e.message).toBe("Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.account'.");
        // Lookups exist only as _x_value; virtual name columns are not properties.
        expect(errorOf(() => matchRow('primarycontactid eq null', row)).message).toContain("'primarycontactid'");
        expect(errorOf(() => matchRow('primarycontactidname eq null', row)).status).toBe(400);
    });

    it('rejects incompatible operand types', () => {
        expect(errorOf(() => matchRow("numberofemployees eq 'a'", row)).message).toBe(
            "A binary operator with incompatible types was detected. Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'.",
        );
        expect(errorOf(() => matchRow('contains(numberofemployees,1)', row)).message).toContain(
            "No function signature for the function with name 'contains'",
        );
        expect(errorOf(() => matchRow('name', row)).message).toContain('must evaluate to a single boolean value');
    });

    it('rejects navigation paths as a simulator limitation', () => {
        const e = errorOf(() => parseFilter("primarycontactid/fullname eq 'x'"));
        expect(e.status).toBe(400);
        expect(e.message).toContain('simulator does not support navigation paths');
        expect(e.message).toContain('primarycontactid/fullname');
    });

    it('rejects syntax errors with positions', () => {
        expect(errorOf(() => parseFilter("name eq 'a' name")).message).toBe(
            "Syntax error at position 12 in 'name eq 'a' name'.",
        );
        expect(errorOf(() => parseFilter('(name eq null')).message).toBe(
            "')' or operator expected at position 13 in '(name eq null'.",
        );
        expect(errorOf(() => parseFilter('name eq')).message).toBe("Expression expected at position 7 in 'name eq'.");
        expect(errorOf(() => parseFilter('tolower(name) eq null')).message).toContain(
            "unknown function with name 'tolower'",
        );
        expect(
            errorOf(() => parseFilter("Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=3)"))
                .message,
        ).toContain('simulator does not support');
    });
});

describe('evaluateFilter over any object', () => {
    const entities = [
        { LogicalName: 'account', ChangeTrackingEnabled: true, OwnershipType: 'UserOwned', ObjectTypeCode: 1 },
        { LogicalName: 'organization', ChangeTrackingEnabled: false, OwnershipType: 'None', ObjectTypeCode: 1019 },
    ];
    const run = (f: string): string[] =>
        entities
            .filter((e) => evaluateFilter(parseFilter(f), (p) => (e as Record<string, unknown>)[p]))
            .map((e) => e.LogicalName);

    it('filters metadata by strings, booleans, numbers and enum literals', () => {
        expect(run("LogicalName eq 'ACCOUNT'")).toEqual(['account']);
        expect(run('ChangeTrackingEnabled eq true')).toEqual(['account']);
        expect(run('ChangeTrackingEnabled')).toEqual(['account']);
        expect(run("OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'")).toEqual(['account']);
        expect(run('ObjectTypeCode gt 1 or LogicalName eq null')).toEqual(['organization']);
        expect(run("LogicalName ne 'account' and not ChangeTrackingEnabled")).toEqual(['organization']);
    });

    it('accepts property paths on request, for complex metadata values', () => {
        const objects = [
            { LogicalName: 'account', DisplayName: { UserLocalizedLabel: { Label: 'Account' } } },
            { LogicalName: 'contact', DisplayName: { UserLocalizedLabel: null } },
        ];
        const node = parseFilter("DisplayName/UserLocalizedLabel/Label eq 'ACCOUNT'", undefined, { allowPaths: true });
        const walk = (o: unknown, path: string): unknown =>
            path.split('/').reduce<unknown>((v, p) => (v as Record<string, unknown> | null)?.[p], o);
        expect(objects.filter((o) => evaluateFilter(node, (p) => walk(o, p))).map((o) => o.LogicalName)).toEqual([
            'account',
        ]);
    });
});
