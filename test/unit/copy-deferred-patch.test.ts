/**
 * What of a deferred patch the target does not hold yet (src/copy/deferred-patch.ts), on a plan the real planner
 * builds: bindings by id compared with `_x_value` and its table, null bindings, update-only values; bindings by
 * alternate key and rows not found are always sent.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/dataverse/client-types.js';
import { remainingPatch, type DeferredPatch } from '../../src/copy/deferred-patch.js';
import { buildPlan } from '../../src/plan/build.js';
import { lookupOf } from '../helpers/row-logic.js';
import { crmTables, environment, spec } from './plan-fixture.js';

const CONTACT = 'c1000000-0000-4000-8000-000000000001';
const ACCOUNT = 'a1000000-0000-4000-8000-000000000001';

const metadata = crmTables();
const plan = buildPlan(
    spec({ tables: [{ name: 'account' }, { name: 'contact' }] }),
    environment('s', metadata),
    environment('t', metadata),
);
const contact = plan.tables.contact!;
const nav = (table: string) =>
    contact.columns.find((c) => c.target === 'parentcustomerid')!.lookup!.targets.find((t) => t.table === table)!
        .navigationProperty!;
const toAccount = `${nav('account')}@odata.bind`;
const toContact = `${nav('contact')}@odata.bind`;

const patch = (row: Row): DeferredPatch => ({
    address: { kind: 'id', id: CONTACT },
    row: { contactid: CONTACT, ...row },
});
const target = (row: Row) => new Map([[CONTACT, { contactid: CONTACT, ...row }]]);

describe('remainingPatch', () => {
    it('is nothing when the row holds every field (the lookup by id and table, the values)', () => {
        const row = target({ firstname: 'Ada', ...lookupOf('parentcustomerid', ACCOUNT.toUpperCase(), 'account') });
        expect(remainingPatch(contact, patch({ [toAccount]: `/accounts(${ACCOUNT})`, firstname: 'Ada' }), row)).toBe(
            undefined,
        );
    });

    it('keeps what differs, with the address: another id, another table of a polymorphic lookup, a value', () => {
        const wrongTable = target({ firstname: 'Ada', ...lookupOf('parentcustomerid', ACCOUNT, 'contact') });
        expect(
            remainingPatch(contact, patch({ [toAccount]: `/accounts(${ACCOUNT})`, firstname: 'Ada' }), wrongTable),
        ).toEqual({
            contactid: CONTACT,
            [toAccount]: `/accounts(${ACCOUNT})`,
        });
        const otherValue = target({ firstname: 'Grace', ...lookupOf('parentcustomerid', ACCOUNT, 'account') });
        expect(
            remainingPatch(contact, patch({ [toAccount]: `/accounts(${ACCOUNT})`, firstname: 'Ada' }), otherValue),
        ).toEqual({
            contactid: CONTACT,
            firstname: 'Ada',
        });
    });

    it('compares a null binding with an empty lookup', () => {
        expect(remainingPatch(contact, patch({ [toContact]: null }), target(lookupOf('parentcustomerid', null)))).toBe(
            undefined,
        );
        expect(
            remainingPatch(
                contact,
                patch({ [toContact]: null }),
                target(lookupOf('parentcustomerid', ACCOUNT, 'account')),
            ),
        ).toEqual({ contactid: CONTACT, [toContact]: null });
    });

    it('sends a binding by alternate key, and the whole patch to a row it does not find', () => {
        const byKey = patch({ [toAccount]: "/accounts(accountnumber='A-1')" });
        expect(remainingPatch(contact, byKey, target(lookupOf('parentcustomerid', ACCOUNT, 'account')))).toEqual(
            byKey.row,
        );
        expect(remainingPatch(contact, patch({ firstname: 'Ada' }), new Map())).toEqual({
            contactid: CONTACT,
            firstname: 'Ada',
        });
    });
});
