/**
 * An activity's parties at copy time (src/copy/parties.ts): each party resolved like a lookup (a copied row by id, a
 * matched user), else its address alone, else unresolved; compared with the target's as a multiset of (participation
 * type, party or address), order aside; the collection a write carries. Pure: the resolver's clients refuse any I/O.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/dataverse/client-types.js';
import { decideParties, expectedParties, partiesExpand, partiesPayload, sameParties } from '../../src/copy/parties.js';
import type { Plan, TablePlan } from '../../src/plan/types.js';
import { lookupOf, newResolver } from '../helpers/row-logic.js';

const CONTACT = 'c1000000-0000-4000-8000-000000000001';
const SOURCE_USER = '51000000-0000-4000-8000-000000000001';
const TARGET_USER = '71000000-0000-4000-8000-000000000001';
const LEAD = 'e1000000-0000-4000-8000-000000000001';

const email = {
    name: 'email',
    parties: {
        sourceNavigation: 'email_activity_parties',
        targetNavigation: 'email_activity_parties',
        lists: ['from', 'to', 'cc', 'bcc'],
        party: {
            source: 'partyid',
            target: 'partyid',
            kind: 'lookup',
            type: 'Lookup',
            writable: 'both',
            lookup: {
                required: false,
                targets: [
                    {
                        table: 'contact',
                        navigationProperty: 'partyid_contact',
                        binding: {
                            kind: 'run-id',
                            table: 'contact',
                            targetTable: 'contact',
                            targetEntitySet: 'contacts',
                        },
                    },
                    {
                        table: 'systemuser',
                        navigationProperty: 'partyid_systemuser',
                        binding: { kind: 'reference', table: 'systemuser', targetEntitySet: 'systemusers' },
                    },
                    {
                        table: 'lead',
                        navigationProperty: 'partyid_lead',
                        binding: { kind: 'unresolved', table: 'lead' },
                    },
                ],
            },
        },
    },
} as unknown as TablePlan;

const resolver = newResolver({
    plan: { tables: { email } } as unknown as Plan,
    references: { tables: { systemuser: { map: { [SOURCE_USER]: TARGET_USER } } } },
});

const party = (mask: number, id: string | null, table?: string, address: string | null = null): Row => ({
    participationtypemask: mask,
    addressused: address,
    ...lookupOf('partyid', id, table),
});
const source: Row = {
    email_activity_parties: [
        party(1, SOURCE_USER, 'systemuser'),
        party(2, CONTACT, 'contact'),
        party(3, null, undefined, 'someone@example.com'),
        party(4, LEAD, 'lead', 'lead@example.com'),
        party(4, LEAD, 'lead'),
    ],
};

describe('activity parties', () => {
    const expected = expectedParties(email, source, resolver)!;

    it('resolves each party like a lookup, else keeps its address, else reports it unresolved', () => {
        expect(partiesPayload(expected)).toEqual([
            { participationtypemask: 1, 'partyid_systemuser@odata.bind': `/systemusers(${TARGET_USER})` },
            { participationtypemask: 2, 'partyid_contact@odata.bind': `/contacts(${CONTACT})` },
            { participationtypemask: 3, addressused: 'someone@example.com' },
            { participationtypemask: 4, addressused: 'lead@example.com' },
        ]);
        expect(expected.unresolved).toEqual([
            expect.stringMatching(/^a party \(participation type 4\) points to 'lead', which is neither copied/),
        ]);
        expect(partiesExpand(email, 'source')).toBe(
            'email_activity_parties($select=participationtypemask,_partyid_value,addressused)',
        );
    });

    it('compares with the target as a multiset: order aside, every party counted, addresses case-insensitive', () => {
        const target = (...parties: Row[]): Row => ({ email_activity_parties: parties });
        const same = [
            party(4, null, undefined, 'LEAD@example.com'),
            party(2, CONTACT, 'contact'),
            party(3, null, undefined, 'someone@example.com'),
            party(1, TARGET_USER, 'systemuser', 'user@example.com'),
        ];
        expect(sameParties(email, expected, target(...same), resolver)).toBe(true);
        expect(sameParties(email, expected, target(...same.slice(1)), resolver)).toBe(false);
        expect(sameParties(email, expected, target(...same, party(2, CONTACT, 'contact')), resolver)).toBe(false);
        // The same party under another participation type (cc instead of to) differs.
        const moved = [...same.slice(0, 1), party(3, CONTACT, 'contact'), ...same.slice(2)];
        expect(sameParties(email, expected, target(...moved), resolver)).toBe(false);
        expect(sameParties(email, expected, {}, resolver)).toBe(false);
    });

    it('writes every party on a create, only differing parties on an update; an unresolved party clears or fails', () => {
        const clear = { onUnresolvedLookup: 'clear' as const };
        expect(decideParties(email, expected, undefined, resolver, clear)).toEqual({
            write: { navigation: 'email_activity_parties', collection: partiesPayload(expected) },
            cleared: true,
        });
        const same: Row = {
            email_activity_parties: partiesPayload(expected).map((p, i) =>
                i === 0
                    ? party(1, TARGET_USER, 'systemuser')
                    : i === 1
                      ? party(2, CONTACT, 'contact')
                      : party(p.participationtypemask as number, null, undefined, p.addressused as string),
            ),
        };
        expect(decideParties(email, expected, same, resolver, clear)).toEqual({ cleared: false });
        expect(decideParties(email, expected, undefined, resolver, { onUnresolvedLookup: 'fail' })).toEqual({
            fail: { column: 'email_activity_parties', message: expected.unresolved[0] },
        });
    });
});
