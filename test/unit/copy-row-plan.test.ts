/**
 * The row decision (src/copy/row-plan.ts) on plans the real planner builds from metadata fixtures: what a
 * source row should become in the target (expectedRow) and what to write to get there (decideRow): a create
 * with everything but the state and the deferred lookups, an update of the changed columns only, or nothing;
 * unresolved lookups cleared or failing the row. Pure: the resolver's clients refuse any I/O.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/dataverse/client-types.js';
import type { AttributeMetadata, TableMetadata } from '../../src/dataverse/metadata-types.js';
import { LOOKUP_TABLE_ANNOTATION, type LookupValue } from '../../src/copy/lookups.js';
import {
    addressIdentity,
    addressOf,
    decideRow,
    expectedRow,
    sourceSelect,
    targetIdentity,
    targetSelect,
    UNRESOLVED_LOOKUP_CODE,
    type DecideOptions,
    type ExpectedRow,
    type RowDecision,
} from '../../src/copy/row-plan.js';
import { sameValue, targetValue } from '../../src/copy/values.js';
import { ExactNumber } from '../../src/dataverse/exact-number.js';
import { buildPlan } from '../../src/plan/build.js';
import type { ColumnMapping, Plan, TablePlan } from '../../src/plan/types.js';
import type { StoredReferences } from '../../src/run/run-context.js';
import { lookupOf, newResolver } from '../helpers/row-logic.js';
import { accountContacts, attr, crmTables, environment, spec, table } from './plan-fixture.js';

const CONTACT = 'c1000000-0000-4000-8000-000000000001';
const OTHER_CONTACT = 'c2000000-0000-4000-8000-000000000002';
const THIRD_CONTACT = 'c3000000-0000-4000-8000-000000000003';
const ACCOUNT = 'a1000000-0000-4000-8000-000000000001';
const LEAD = 'e1000000-0000-4000-8000-000000000001';
const SOURCE_USER = '51000000-0000-4000-8000-000000000001';
const TARGET_USER = '71000000-0000-4000-8000-000000000001';
const SOURCE_REVIEWER = '51000000-0000-4000-8000-000000000002';
const TARGET_REVIEWER = '71000000-0000-4000-8000-000000000002';
const UNMATCHED_USER = '5e000000-0000-4000-8000-000000000009';
const SOURCE_CURRENCY = '5c000000-0000-4000-8000-000000000001';
const TARGET_CURRENCY = '7c000000-0000-4000-8000-000000000001';

const CREATED_ON = '2019-05-06T07:08:09Z';

/**
 * crm tables, contact with two columns the target accepts on update only (a date and a user lookup), as
 * some system columns are; the planner maps them with writable 'update'.
 */
function rowTables(): TableMetadata[] {
    const updateOnly = (a: AttributeMetadata): AttributeMetadata =>
        a.logicalName === 'new_reviewedon' || a.logicalName === 'new_reviewerid'
            ? { ...a, isValidForCreate: false }
            : a;
    const contact = table('contact', {
        attributes: [
            attr('firstname', 'String', { maxLength: 50 }),
            attr('lastname', 'String', { maxLength: 50 }),
            attr('new_reviewedon', 'DateTime'),
        ],
        lookups: [
            { column: 'parentcustomerid', targets: ['account', 'contact'] },
            { column: 'new_reviewerid', targets: ['systemuser'] },
        ],
        manyToMany: [accountContacts],
    });
    return [
        ...crmTables().filter((t) => t.logicalName !== 'contact'),
        { ...contact, attributes: contact.attributes.map(updateOnly) },
    ];
}

function planFor(tables: Array<{ name: string; match?: string }>): Plan {
    const metadata = rowTables();
    const plan = buildPlan(spec({ tables }), environment('s', metadata), environment('t', metadata));
    if (plan.problems.length > 0) throw new Error(`the fixture plan has problems: ${JSON.stringify(plan.problems)}`);
    return plan;
}

const plan = planFor([{ name: 'account', match: 'accountnumber_key' }, { name: 'contact' }, { name: 'opportunity' }]);
const account = plan.tables.account!;
const contact = plan.tables.contact!;

const references: StoredReferences = {
    tables: {
        systemuser: { map: { [SOURCE_USER]: TARGET_USER, [SOURCE_REVIEWER]: TARGET_REVIEWER } },
        team: { map: {} },
        transactioncurrency: { map: { [SOURCE_CURRENCY]: TARGET_CURRENCY } },
    },
};
const resolver = newResolver({ plan, references });
const clear: DecideOptions = { onUnresolvedLookup: 'clear' };
const fail: DecideOptions = { onUnresolvedLookup: 'fail' };

/** A source contact as a read returns it: inactive, owned by a matched user, its parent another contact. */
function sourceContact(extra: Row = {}): Row {
    return {
        contactid: CONTACT.toUpperCase(),
        firstname: 'Ada',
        lastname: 'Lovelace',
        name: null,
        createdon: CREATED_ON,
        new_reviewedon: '2021-02-03T04:05:06Z',
        statecode: 1,
        statuscode: 2,
        ...lookupOf('ownerid', SOURCE_USER, 'systemuser'),
        ...lookupOf('parentcustomerid', OTHER_CONTACT, 'contact'),
        ...lookupOf('new_reviewerid', SOURCE_REVIEWER, 'systemuser'),
        ...extra,
    };
}

/** The same contact as a read of the target returns it once copied (targetSelect's columns). */
function targetContact(extra: Row = {}): Row {
    return {
        contactid: CONTACT,
        firstname: 'Ada',
        lastname: 'Lovelace',
        name: null,
        new_reviewedon: '2021-02-03T04:05:06Z',
        statecode: 1,
        statuscode: 2,
        ...lookupOf('ownerid', TARGET_USER, 'systemuser'),
        ...lookupOf('parentcustomerid', OTHER_CONTACT, 'contact'),
        ...lookupOf('new_reviewerid', TARGET_REVIEWER, 'systemuser'),
        ...extra,
    };
}

/** A source account (matched on accountnumber) with no lookups that would need a source read. */
function sourceAccount(extra: Row = {}): Row {
    return {
        accountid: ACCOUNT,
        accountnumber: 'A-1',
        name: 'Contoso',
        description: null,
        industrycode: 2,
        revenue: 1250.5,
        createdon: CREATED_ON,
        statecode: 0,
        statuscode: 1,
        ...lookupOf('ownerid', SOURCE_USER, 'systemuser'),
        ...lookupOf('primarycontactid', CONTACT, 'contact'),
        ...lookupOf('parentaccountid', null),
        ...lookupOf('transactioncurrencyid', SOURCE_CURRENCY, 'transactioncurrency'),
        ...lookupOf('originatingleadid', null),
        ...extra,
    };
}

/** The account in the target under the target's own id. */
function targetAccount(extra: Row = {}): Row {
    return {
        accountid: 'a9000000-0000-4000-8000-000000000009',
        accountnumber: 'A-1',
        name: 'Contoso',
        description: null,
        industrycode: 2,
        revenue: 1250.5,
        statecode: 0,
        statuscode: 1,
        ...lookupOf('ownerid', TARGET_USER, 'systemuser'),
        ...lookupOf('primarycontactid', CONTACT, 'contact'),
        ...lookupOf('parentaccountid', null),
        ...lookupOf('transactioncurrencyid', TARGET_CURRENCY, 'transactioncurrency'),
        ...lookupOf('originatingleadid', null),
        ...extra,
    };
}

function decide(t: TablePlan, source: Row, target: Row | undefined, options = clear): RowDecision {
    return decideRow(t, expectedRow(t, source, resolver), target, resolver, options);
}

/** The row without the lookuplogicalname annotation of `column` (as a read without annotations returns it). */
function unnamed(row: Row, column: string): Row {
    const copy = { ...row };
    delete copy[`_${column}_value@${LOOKUP_TABLE_ANNOTATION}`];
    return copy;
}

const sorted = (list: readonly string[]) => [...list].sort();

describe('expectedRow: what the target should hold for a source row', () => {
    it('keeps statecode/statuscode out of the values, as the state of the row', () => {
        const expected = expectedRow(contact, sourceContact(), resolver);
        const values = expected.values.map((v) => v.column.target);
        expect(values).not.toContain('statecode');
        expect(values).not.toContain('statuscode');
        expect(expected.state).toEqual({ state: 1, status: 2 });
        expect(Object.fromEntries(expected.values.map((v) => [v.column.target, v.value]))).toEqual({
            overriddencreatedon: CREATED_ON,
            firstname: 'Ada',
            lastname: 'Lovelace',
            name: null,
            new_reviewedon: '2021-02-03T04:05:06Z',
        });
    });

    it('addresses a row copied with its id by the lowercased id, and resolves each lookup', () => {
        const expected = expectedRow(contact, sourceContact(), resolver);
        expect(expected.sourceId).toBe(CONTACT);
        expect(expected.address).toEqual({ kind: 'id', id: CONTACT });
        const lookups = Object.fromEntries(expected.lookups.map((l) => [l.column.target, l.value]));
        expect(lookups).toEqual({
            ownerid: {
                kind: 'bind',
                navigationProperty: 'ownerid',
                bind: `/systemusers(${TARGET_USER})`,
                targetTable: 'systemuser',
                targetId: TARGET_USER,
            },
            parentcustomerid: {
                kind: 'bind',
                navigationProperty: 'parentcustomerid_contact',
                bind: `/contacts(${OTHER_CONTACT})`,
                targetTable: 'contact',
                targetId: OTHER_CONTACT,
            },
            new_reviewerid: {
                kind: 'bind',
                navigationProperty: 'new_reviewerid',
                bind: `/systemusers(${TARGET_REVIEWER})`,
                targetTable: 'systemuser',
                targetId: TARGET_REVIEWER,
            },
        });
    });

    it('addresses a key-matched row by its key values, and finds its target row as the collation compares', () => {
        const address = addressOf(account, sourceAccount({ accountnumber: "O'Brien-7" }));
        expect(address).toMatchObject({
            kind: 'key',
            path: "accounts(accountnumber='O''Brien-7')",
            values: ["O'Brien-7"],
        });
        // Dataverse (_CI_AI by default) ignores case, accents and trailing spaces: 'ó'brien-7 ' is the same row;
        // a leading space makes another key.
        expect(targetIdentity(account, targetAccount({ accountnumber: "ó'brien-7  " }))).toBe(addressIdentity(address));
        expect(targetIdentity(account, targetAccount({ accountnumber: " o'brien-7" }))).not.toBe(
            addressIdentity(address),
        );
        expect(targetIdentity(account, targetAccount({ accountnumber: 'A-2' }))).not.toBe(addressIdentity(address));
        expect(targetIdentity(contact, targetContact({ contactid: CONTACT.toUpperCase() }))).toBe(CONTACT);
    });
});

describe('decideRow: a row the target lacks is created', () => {
    it('creates with the values and lookups, leaving deferred lookups, update-only columns and the state for later', () => {
        const decision = decide(contact, sourceContact(), undefined);
        expect(decision.action).toBe('create');
        expect(decision.payload).toEqual({
            contactid: CONTACT,
            overriddencreatedon: CREATED_ON,
            firstname: 'Ada',
            lastname: 'Lovelace',
            'ownerid@odata.bind': `/systemusers(${TARGET_USER})`,
        });
        // parentcustomerid closes the contact -> contact cycle (deferred by the plan); the two update-only
        // columns cannot be sent on create: all three are patched in the deferred phase.
        expect(contact.deferred).toEqual(['parentcustomerid']);
        expect(decision.deferred).toEqual({
            contactid: CONTACT,
            new_reviewedon: '2021-02-03T04:05:06Z',
            'parentcustomerid_contact@odata.bind': `/contacts(${OTHER_CONTACT})`,
            'new_reviewerid@odata.bind': `/systemusers(${TARGET_REVIEWER})`,
        });
        // Inactive in the source: a state change from the state a create leaves.
        expect(decision.state).toEqual({ state: 1, status: 2, from: { state: 0, status: 1 } });
        expect(sorted(decision.changed)).toEqual(
            sorted([
                'overriddencreatedon',
                'firstname',
                'lastname',
                'new_reviewedon',
                'ownerid',
                'parentcustomerid',
                'new_reviewerid',
            ]),
        );
        expect(decision.cleared).toEqual([]);
    });

    it('needs no state change for a row in the state a create leaves', () => {
        const decision = decide(contact, sourceContact({ statecode: 0, statuscode: 1 }), undefined);
        expect(decision.action).toBe('create');
        expect(decision.state).toBeUndefined();
        expect(decision.payload).not.toHaveProperty('statecode');
        expect(decision.payload).not.toHaveProperty('statuscode');
    });

    it('a row matched on an alternate key is created at its key path, the key not repeated in the body', () => {
        const decision = decide(account, sourceAccount(), undefined);
        expect(decision.action).toBe('create');
        expect(decision.payload).toEqual({
            '@odata.id': "accounts(accountnumber='A-1')",
            overriddencreatedon: CREATED_ON,
            name: 'Contoso',
            industrycode: 2,
            revenue: 1250.5,
            'ownerid@odata.bind': `/systemusers(${TARGET_USER})`,
            'primarycontactid@odata.bind': `/contacts(${CONTACT})`,
            'transactioncurrencyid@odata.bind': `/transactioncurrencys(${TARGET_CURRENCY})`,
        });
        expect(decision.payload).not.toHaveProperty('accountnumber');
        expect(decision.payload).not.toHaveProperty('accountid');
        expect(decision.deferred).toBeUndefined();
        expect(decision.state).toBeUndefined();
    });
});

describe('decideRow: a row the target has gets only its changed columns', () => {
    const cases: Array<{
        name: string;
        table: TablePlan;
        source: Row;
        target: Row;
        action: RowDecision['action'];
        payload?: Row;
        deferred?: Row;
        state?: RowDecision['state'];
        changed: string[];
    }> = [
        {
            name: 'an identical row is left alone',
            table: contact,
            source: sourceContact(),
            target: targetContact(),
            action: 'none',
            changed: [],
        },
        {
            name: 'one changed column is the whole update',
            table: contact,
            source: sourceContact({ lastname: 'Byron' }),
            target: targetContact(),
            action: 'update',
            payload: { contactid: CONTACT, lastname: 'Byron' },
            changed: ['lastname'],
        },
        {
            name: 'a create-only column (overriddencreatedon) is never sent on update',
            table: contact,
            source: sourceContact({ createdon: '2001-01-01T00:00:00Z' }),
            target: targetContact(),
            action: 'none',
            changed: [],
        },
        {
            name: 'an update-only column goes in the update itself',
            table: contact,
            source: sourceContact({ new_reviewedon: '2022-12-31T00:00:00Z' }),
            target: targetContact(),
            action: 'update',
            payload: { contactid: CONTACT, new_reviewedon: '2022-12-31T00:00:00Z' },
            changed: ['new_reviewedon'],
        },
        {
            name: 'the same instant written another way is unchanged',
            table: contact,
            source: sourceContact({ new_reviewedon: '2021-02-03T05:05:06+01:00' }),
            target: targetContact(),
            action: 'none',
            changed: [],
        },
        {
            name: 'a different state is a state change, never a column of the update',
            table: contact,
            source: sourceContact(),
            target: targetContact({ statecode: 0, statuscode: 1 }),
            action: 'none',
            state: { state: 1, status: 2, from: { state: 0, status: 1 } },
            changed: [],
        },
        {
            name: 'an owner matched to another target user is rebound',
            table: contact,
            source: sourceContact(),
            target: targetContact(lookupOf('ownerid', TARGET_REVIEWER, 'systemuser')),
            action: 'update',
            payload: { contactid: CONTACT, 'ownerid@odata.bind': `/systemusers(${TARGET_USER})` },
            changed: ['ownerid'],
        },
        {
            name: 'an owner that is a team with the same id is not the matched user',
            table: contact,
            source: sourceContact(),
            target: targetContact(lookupOf('ownerid', TARGET_USER, 'team')),
            action: 'update',
            payload: { contactid: CONTACT, 'ownerid@odata.bind': `/systemusers(${TARGET_USER})` },
            changed: ['ownerid'],
        },
        {
            name: 'a changed deferred lookup waits for the deferred phase',
            table: contact,
            source: sourceContact(lookupOf('parentcustomerid', THIRD_CONTACT, 'contact')),
            target: targetContact(),
            action: 'none',
            deferred: { contactid: CONTACT, 'parentcustomerid_contact@odata.bind': `/contacts(${THIRD_CONTACT})` },
            changed: ['parentcustomerid'],
        },
        {
            name: 'a polymorphic lookup emptied in the source is cleared through the property of the table it holds',
            table: contact,
            source: sourceContact(lookupOf('parentcustomerid', null)),
            target: targetContact(lookupOf('parentcustomerid', ACCOUNT, 'account')),
            action: 'none',
            deferred: { contactid: CONTACT, 'parentcustomerid_account@odata.bind': null },
            changed: ['parentcustomerid'],
        },
        {
            name: 'a lookup emptied in the source is cleared in the update',
            table: account,
            source: sourceAccount(lookupOf('primarycontactid', null)),
            target: targetAccount(),
            action: 'update',
            payload: { '@odata.id': "accounts(accountnumber='A-1')", 'primarycontactid@odata.bind': null },
            changed: ['primarycontactid'],
        },
        {
            name: 'a key-matched row is addressed by its key, and a key differing only in case is no change',
            table: account,
            source: sourceAccount({ accountnumber: 'a-1', name: 'Contoso Ltd' }),
            target: targetAccount(),
            action: 'update',
            payload: { '@odata.id': "accounts(accountnumber='a-1')", name: 'Contoso Ltd' },
            changed: ['name'],
        },
    ];

    it.each(cases)('$name', (c) => {
        const decision = decide(c.table, c.source, c.target);
        expect(decision.action).toBe(c.action);
        expect(decision.payload).toEqual(c.payload);
        expect(decision.deferred).toEqual(c.deferred);
        expect(decision.state).toEqual(c.state);
        expect(sorted(decision.changed)).toEqual(sorted(c.changed));
        expect(decision.cleared).toEqual([]);
    });
});

describe('decideRow: lookups that cannot be resolved', () => {
    const toLead = lookupOf('originatingleadid', LEAD, 'lead');

    it("'clear' creates the row without the lookup and counts it cleared", () => {
        const decision = decide(account, sourceAccount(toLead), undefined);
        expect(decision.action).toBe('create');
        expect(Object.keys(decision.payload!).some((k) => k.startsWith('originatingleadid'))).toBe(false);
        expect(decision.cleared).toEqual(['originatingleadid']);
        expect(decision.changed).not.toContain('originatingleadid');
    });

    it("'clear' counts every unresolved lookup of the row, and a required one is left to the platform", () => {
        // ownerid is required: it cannot be emptied, so the create leaves it to the platform (the caller).
        const decision = decide(
            account,
            sourceAccount({ ...toLead, ...lookupOf('ownerid', UNMATCHED_USER, 'systemuser') }),
            undefined,
        );
        expect(decision.action).toBe('create');
        expect(sorted(decision.cleared)).toEqual(['originatingleadid', 'ownerid']);
        expect(Object.keys(decision.payload!).filter((k) => k.endsWith('@odata.bind'))).toEqual([
            'primarycontactid@odata.bind',
            'transactioncurrencyid@odata.bind',
        ]);
    });

    it("'clear' on an existing row whose required owner has no match leaves the owner as it is", () => {
        const decision = decide(
            contact,
            sourceContact(lookupOf('ownerid', UNMATCHED_USER, 'systemuser')),
            targetContact(),
        );
        expect(decision.action).toBe('none');
        expect(decision.payload).toBeUndefined();
        // Nothing changes in the target, so nothing counts as cleared (it would, on every run).
        expect(decision.cleared).toEqual([]);
    });

    it("'clear' empties a target value that points to a table neither copied nor matched", () => {
        // Only contact is copied: a target contact whose parent is an account keeps it unless cleared
        // through the account's navigation property (the plan keeps it for unresolved tables).
        const contactOnly = planFor([{ name: 'contact' }]);
        const onlyResolver = newResolver({ plan: contactOnly, references });
        const table = contactOnly.tables.contact!;
        const target = targetContact(lookupOf('parentcustomerid', ACCOUNT, 'account'));
        for (const parent of [
            lookupOf('parentcustomerid', null, 'account'),
            lookupOf('parentcustomerid', ACCOUNT, 'account'),
        ]) {
            const expected = expectedRow(table, sourceContact(parent), onlyResolver);
            const decision = decideRow(table, expected, target, onlyResolver, clear);
            expect(decision.changed).toContain('parentcustomerid');
            expect({ ...decision.payload, ...decision.deferred }).toMatchObject({
                'parentcustomerid_account@odata.bind': null,
            });
        }
    });

    it("'clear' empties a single-target lookup whose table is not copied, and counts nothing once it is empty", () => {
        const accountOnly = planFor([{ name: 'account', match: 'accountnumber_key' }]);
        const onlyResolver = newResolver({ plan: accountOnly, references });
        const table = accountOnly.tables.account!;
        const column = table.columns.find((c) => c.target === 'originatingleadid')!;
        expect(column.lookup?.targets[0]).toMatchObject({ table: 'lead', navigationProperty: 'originatingleadid' });
        const source = {
            accountid: ACCOUNT,
            accountnumber: 'A-1',
            name: 'Contoso',
            ...lookupOf('originatingleadid', LEAD, 'lead'),
        };
        const expected = expectedRow(table, source, onlyResolver);
        const leadHeld = decideRow(
            table,
            expected,
            {
                accountid: ACCOUNT,
                accountnumber: 'A-1',
                name: 'Contoso',
                ...lookupOf('originatingleadid', LEAD, 'lead'),
            },
            onlyResolver,
            clear,
        );
        expect({ ...leadHeld.payload, ...leadHeld.deferred }).toMatchObject({ 'originatingleadid@odata.bind': null });
        expect(leadHeld.cleared).toEqual(['originatingleadid']);
        const empty = decideRow(
            table,
            expected,
            {
                accountid: ACCOUNT,
                accountnumber: 'A-1',
                name: 'Contoso',
                ...lookupOf('originatingleadid', null, 'lead'),
            },
            onlyResolver,
            clear,
        );
        expect(empty.changed).not.toContain('originatingleadid');
        expect(empty.cleared).toEqual([]);
    });

    it("'clear' empties a polymorphic lookup pointing to a table the plan does not map", () => {
        // The source names a table that is not among the column's targets.
        const decision = decide(
            contact,
            sourceContact(lookupOf('parentcustomerid', LEAD, 'lead')),
            targetContact(),
            clear,
        );
        expect(decision.cleared).toEqual(['parentcustomerid']);
        expect(decision.deferred).toEqual({ contactid: CONTACT, 'parentcustomerid_contact@odata.bind': null });
    });

    it.each([
        {
            name: 'a lookup to a table neither copied nor matched',
            column: 'originatingleadid',
            table: account,
            source: sourceAccount(toLead),
            message: "originatingleadid points to 'lead', which is neither copied in this run nor a reference table",
        },
        {
            name: 'a polymorphic lookup to a table the plan does not map',
            column: 'parentcustomerid',
            table: contact,
            source: sourceContact(lookupOf('parentcustomerid', LEAD, 'lead')),
            message: "parentcustomerid points to 'lead', which the plan does not map",
        },
        {
            name: 'a polymorphic lookup whose table the source did not name',
            column: 'parentcustomerid',
            table: contact,
            source: unnamed(sourceContact(), 'parentcustomerid'),
            message: 'parentcustomerid points to a table the source did not name, which the plan does not map',
        },
        {
            name: 'an owner without a match and no fallback owner',
            column: 'ownerid',
            table: contact,
            source: sourceContact(lookupOf('ownerid', UNMATCHED_USER, 'systemuser')),
            message: `ownerid points to systemuser ${UNMATCHED_USER}, which has no match in the target and no fallbackOwner could be used`,
        },
    ])("'fail' fails the row, naming the column: $name", ({ table: t, column, source, message }) => {
        for (const target of [undefined, t === account ? targetAccount() : targetContact()]) {
            const decision = decide(t, source, target, fail);
            expect(decision).toEqual({
                action: 'fail',
                changed: [],
                cleared: [],
                failure: { code: UNRESOLVED_LOOKUP_CODE, column, message },
            });
        }
    });

    it("'fail' does not fail a row for an empty lookup or one that resolves", () => {
        const decision = decide(account, sourceAccount(), undefined, fail);
        expect(decision.action).toBe('create');
        expect(decision.failure).toBeUndefined();
    });

    it('a lookup value built by hand follows the same rules as a resolved one', () => {
        // decideRow reads only the expected row: an unresolved value with a reason is cleared under 'clear'.
        const expected = expectedRow(account, sourceAccount(), resolver);
        const unresolved: LookupValue = { kind: 'unresolved', reason: 'points nowhere' };
        const withUnresolved: ExpectedRow = {
            ...expected,
            lookups: expected.lookups.map((l) =>
                l.column.target === 'primarycontactid' ? { column: l.column, value: unresolved } : l,
            ),
        };
        const cleared = decideRow(account, withUnresolved, targetAccount(), resolver, clear);
        expect(cleared.action).toBe('update');
        expect(cleared.payload).toEqual({
            '@odata.id': "accounts(accountnumber='A-1')",
            'primarycontactid@odata.bind': null,
        });
        expect(cleared.cleared).toEqual(['primarycontactid']);
        expect(decideRow(account, withUnresolved, targetAccount(), resolver, fail).failure).toEqual({
            code: UNRESOLVED_LOOKUP_CODE,
            column: 'primarycontactid',
            message: 'primarycontactid points nowhere',
        });
    });
});

describe('the columns a copy reads', () => {
    it('reads every mapped source column (lookups as _x_value) with the id and key columns', () => {
        const columns = sourceSelect(account);
        expect(columns[0]).toBe('accountid');
        expect(columns).toEqual(expect.arrayContaining(['accountnumber', 'createdon', 'statecode', '_ownerid_value']));
        expect(columns).not.toContain('ownerid');
        expect(new Set(columns).size).toBe(columns.length);
    });

    it('compares target columns other than create-only ones, with the id and key columns', () => {
        const columns = targetSelect(account);
        expect(columns[0]).toBe('accountid');
        expect(columns).toEqual(
            expect.arrayContaining(['accountnumber', 'statecode', 'statuscode', '_primarycontactid_value']),
        );
        expect(columns).not.toContain('overriddencreatedon');
        expect(columns).not.toContain('createdon');
        expect(new Set(columns).size).toBe(columns.length);
    });
});

describe('values: what the target holds and when two values are the same', () => {
    const column = (extra: Partial<ColumnMapping>): ColumnMapping => ({
        source: 'x',
        target: 'x',
        kind: 'plain',
        type: 'String',
        writable: 'both',
        ...extra,
    });
    const money = column({ type: 'Money', precision: 2 });
    const dateTime = column({ type: 'DateTime' });
    const multi = column({ kind: 'choice', type: 'Virtual', multiSelect: true });
    const text = column({});
    const bigInt = column({ type: 'BigInt' });
    const decimal = column({ type: 'Decimal', precision: 10 });
    const exact = (literal: string) => ExactNumber.parse(literal)!;

    it.each([
        { name: 'money at the precision', column: money, expected: 10.123, actual: 10.12, same: true },
        { name: 'money beyond the precision', column: money, expected: 10.13, actual: 10.12, same: false },
        {
            name: 'one instant, two spellings',
            column: dateTime,
            expected: '2024-01-02T03:04:05Z',
            actual: '2024-01-02T04:04:05.000+01:00',
            same: true,
        },
        {
            name: 'two instants',
            column: dateTime,
            expected: '2024-01-02T03:04:05Z',
            actual: '2024-01-02T03:04:06Z',
            same: false,
        },
        {
            name: 'a date-only value is compared as text',
            column: dateTime,
            expected: '2024-01-02',
            actual: '2024-01-02T00:00:00Z',
            same: false,
        },
        { name: 'a multi-select list in another order', column: multi, expected: '1,2,3', actual: '3,1,2', same: true },
        {
            name: 'a multi-select list with one more value',
            column: multi,
            expected: '1,2',
            actual: '1,2,3',
            same: false,
        },
        { name: 'an empty multi-select list and null', column: multi, expected: null, actual: '', same: true },
        { name: 'an empty text and null', column: text, expected: null, actual: '', same: false },
        { name: 'null and a missing value', column: text, expected: null, actual: undefined, same: true },
        { name: 'text differing in case', column: text, expected: 'abc', actual: 'ABC', same: false },
        {
            name: 'an Int64 beyond 2^53 and its nearest double',
            column: bigInt,
            expected: exact('9007199254740993'),
            actual: 9007199254740992,
            same: false,
        },
        {
            name: 'a decimal differing in its 21st digit',
            column: decimal,
            expected: exact('12345678901.1234567891'),
            actual: exact('12345678901.1234567890'),
            same: false,
        },
        {
            name: 'a decimal rounded to the precision the target keeps',
            column: decimal,
            expected: exact('12345678901.12345678905'),
            actual: exact('12345678901.1234567891'),
            same: true,
        },
        {
            name: 'an exact value and an equal number',
            column: decimal,
            expected: exact('2.50'),
            actual: 2.5,
            same: true,
        },
    ])('sameValue: $name', ({ column: c, expected, actual, same }) => {
        expect(sameValue(c, expected, actual)).toBe(same);
    });

    it('maps choice values through the plan and keeps the rest as they are', () => {
        const choice = column({ kind: 'choice', type: 'Picklist', valueMap: { '1': 100 } });
        const multiMapped = { ...multi, valueMap: { '1': 100 } };
        expect(targetValue(choice, 1)).toBe(100);
        expect(targetValue(choice, 2)).toBe(2);
        expect(targetValue(multiMapped, '1,2')).toBe('100,2');
        expect(targetValue(multiMapped, [1, 3])).toBe('100,3');
        expect(targetValue(text, undefined)).toBeNull();
        expect(targetValue(text, 'x')).toBe('x');
    });
});
