/**
 * Conformance of activities with their parties (activityparty reference: RetrieveMultiple is its only message; the
 * ActivityParty page's ParticipationTypeMask values): party lists are written only with their activity, as the
 * `<activity>_activity_parties` collection of a create or update (a party bound to a contact, account or user, or an
 * e-mail address alone), read back with `$expand`; activityparty refuses direct writes; `regardingobjectid` is a
 * polymorphic lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let contactId: string;
let accountId: string;
let userId: string;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 40 }));
    contactId = sim.dump('contact')[0]!.contactid as string;
    accountId = sim.dump('account')[0]!.accountid as string;
    userId = sim.dump('systemuser')[0]!.systemuserid as string;
});
afterAll(async () => {
    await sim.close();
});

const parties = () => [
    { participationtypemask: 1, [`partyid_systemuser@odata.bind`]: `/systemusers(${userId})` },
    { participationtypemask: 2, [`partyid_contact@odata.bind`]: `/contacts(${contactId})` },
    { participationtypemask: 2, [`partyid_account@odata.bind`]: `/accounts(${accountId})` },
    { participationtypemask: 3, addressused: 'someone@example.com' },
];

describe('activity parties', () => {
    it('writes an e-mail with from, to and cc parties of several kinds and reads them back with $expand', async () => {
        const id = await client.create('emails', {
            subject: 'Quarterly review',
            'regardingobjectid_account@odata.bind': `/accounts(${accountId})`,
            email_activity_parties: parties(),
        });
        const r = await client.get(
            `emails(${id})?$select=subject,_regardingobjectid_value&$expand=email_activity_parties($select=participationtypemask,_partyid_value,addressused)`,
        );
        expect(r.status).toBe(200);
        expect(r.json._regardingobjectid_value).toBe(accountId);
        const got = (r.json.email_activity_parties as Array<Record<string, unknown>>).map((p) => [
            p.participationtypemask,
            p._partyid_value,
            p.addressused,
        ]);
        expect(got).toEqual([
            [1, userId, null],
            [2, contactId, null],
            [2, accountId, null],
            [3, null, 'someone@example.com'],
        ]);
        // activityparties answers RetrieveMultiple, the documented way to read them too.
        const q = await client.get(`activityparties?$filter=_activityid_value eq ${id}&$select=participationtypemask`);
        expect(q.json.value).toHaveLength(4);
    });

    it('expands at most 5,000 parties a row; activityparties pages through all of them', async () => {
        const many = Array.from({ length: 5003 }, (_, i) => ({
            participationtypemask: 2,
            addressused: `r${i}@example.com`,
        }));
        const id = await client.create('emails', { subject: 'Newsletter', email_activity_parties: many });
        const r = await client.get(
            `emails?$select=subject&$filter=activityid eq ${id}&$expand=email_activity_parties($select=addressused)`,
        );
        expect((r.json.value as Array<{ email_activity_parties: unknown[] }>)[0]!.email_activity_parties).toHaveLength(
            5000,
        );
        const first = await client.get(`activityparties?$filter=_activityid_value eq ${id}&$select=addressused`);
        expect(first.json.value).toHaveLength(5000);
        const next = await client.get(first.json['@odata.nextLink'] as string);
        expect(next.json.value).toHaveLength(3);
    });

    it('replaces the parties on an update that carries the collection, keeps them on one that does not', async () => {
        const id = await client.create('phonecalls', {
            subject: 'Call back',
            phonecall_activity_parties: parties().slice(0, 2),
        });
        expect((await client.patch(`phonecalls(${id})`, { subject: 'Called' })).status).toBe(204);
        const kept = await client.get(`phonecalls(${id})?$select=subject&$expand=phonecall_activity_parties`);
        expect(kept.json.phonecall_activity_parties).toHaveLength(2);
        const update = { phonecall_activity_parties: [{ participationtypemask: 2, addressused: 'desk@example.com' }] };
        expect((await client.patch(`phonecalls(${id})`, update)).status).toBe(204);
        const r = await client.get(
            `phonecalls?$select=subject&$filter=activityid eq ${id}&$expand=phonecall_activity_parties`,
        );
        expect(r.json.value[0].phonecall_activity_parties.map((p: { addressused: string }) => p.addressused)).toEqual([
            'desk@example.com',
        ]);
        expect(sim.dump('activityparty').filter((p) => (p.activityid as { id: string }).id === id)).toHaveLength(1);
    });

    it('takes appointment attendees and deletes the parties with their activity', async () => {
        const id = await client.create('appointments', {
            subject: 'Kick-off',
            appointment_activity_parties: [
                { participationtypemask: 7, [`partyid_systemuser@odata.bind`]: `/systemusers(${userId})` },
                { participationtypemask: 5, [`partyid_contact@odata.bind`]: `/contacts(${contactId})` },
                { participationtypemask: 6, addressused: 'guest@example.com' },
            ],
        });
        expect(sim.dump('activityparty').filter((p) => (p.activityid as { id: string }).id === id)).toHaveLength(3);
        expect((await client.delete(`appointments(${id})`)).status).toBe(204);
        expect(sim.dump('activityparty').filter((p) => (p.activityid as { id: string }).id === id)).toHaveLength(0);
    });

    it('refuses a party that names no party list of the activity, no party, or an unknown column', async () => {
        const wrongMask = await client.post('emails', {
            subject: 'x',
            email_activity_parties: [{ participationtypemask: 5, addressused: 'a@example.com' }],
        });
        expect(wrongMask.status).toBe(400);
        expect(wrongMask.json.error.message).toMatch(/email_activity_parties\[0\]\.participationtypemask/);
        const nobody = await client.post('emails', {
            subject: 'x',
            email_activity_parties: [{ participationtypemask: 2 }],
        });
        expect(nobody.status).toBe(400);
        expect(nobody.json.error.message).toMatch(/needs a 'partyid_<table>@odata.bind' or an 'addressused'/);
        const unknown = await client.post('emails', {
            subject: 'x',
            email_activity_parties: [{ participationtypemask: 2, addressused: 'a@example.com', name: 'A' }],
        });
        expect(unknown.status).toBe(400);
        expect(unknown.json.error.message).toContain(
            "Invalid property 'name' was found in entity 'Microsoft.Dynamics.CRM.activityparty'",
        );
        const missing = await client.post('emails', {
            subject: 'x',
            email_activity_parties: [
                {
                    participationtypemask: 2,
                    'partyid_contact@odata.bind': '/contacts(00000000-0000-0000-0000-000000000001)',
                },
            ],
        });
        expect(missing.status).toBe(404);
        // Nothing of a refused write is stored.
        expect(sim.dump('email').filter((e) => e.subject === 'x')).toHaveLength(0);
    });

    it('refuses direct writes of activityparty (RetrieveMultiple is its only message)', async () => {
        const r = await client.post('activityparties', { participationtypemask: 2, addressused: 'a@example.com' });
        expect(r.status).toBe(400);
        expect(r.json.error.message).toBe(
            "The 'Create' method does not support entities of type 'activityparty'. MessageProcessorCache returned MessageProcessor.Empty.",
        );
        const party = sim.dump('activityparty')[0]!;
        const d = await client.delete(`activityparties(${party.activitypartyid as string})`);
        expect(d.status).toBe(400);
        expect(d.json.error.message).toMatch(/^The 'Delete' method does not support entities of type 'activityparty'/);
    });

    it('names the table of each expanded party when the lookup logical name annotation is asked for', async () => {
        const id = await client.create('emails', { subject: 'Annotated', email_activity_parties: parties() });
        const r = await client.send(
            'GET',
            `emails(${id})?$select=subject&$expand=email_activity_parties($select=participationtypemask,_partyid_value,addressused)`,
            undefined,
            { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' },
        );
        const names = r.json.email_activity_parties.map(
            (p: Record<string, unknown>) => p['_partyid_value@Microsoft.Dynamics.CRM.lookuplogicalname'] ?? null,
        );
        expect(names).toEqual(['systemuser', 'contact', 'account', null]);
    });

    it('refuses the parties collection in CreateMultiple / UpdateMultiple / UpsertMultiple targets [inferred]', async () => {
        for (const action of ['CreateMultiple', 'UpsertMultiple']) {
            const r = await client.post(`emails/Microsoft.Dynamics.CRM.${action}`, {
                Targets: [
                    {
                        '@odata.type': 'Microsoft.Dynamics.CRM.email',
                        subject: 'bulk',
                        email_activity_parties: parties(),
                    },
                ],
            });
            expect(r.status).toBe(400);
            expect(r.json.error.message).toBe(
                `Targets[0].email_activity_parties: related rows (deep insert) are not supported by '${action}'; create or update the row with its related rows by a single request.`,
            );
        }
        expect(sim.dump('email').filter((e) => e.subject === 'bulk')).toHaveLength(0);
    });

    it('keeps a completed activity read-only until it is reopened [inferred]', async () => {
        const id = await client.create('phonecalls', {
            subject: 'Done',
            phonecall_activity_parties: parties().slice(0, 1),
        });
        expect((await client.patch(`phonecalls(${id})`, { statecode: 1, statuscode: 2 })).status).toBe(204);
        const refused = await client.patch(`phonecalls(${id})`, {
            phonecall_activity_parties: [{ participationtypemask: 2, addressused: 'late@example.com' }],
        });
        expect(refused.status).toBe(400);
        expect(refused.json.error.message).toBe('The entity cannot be updated because it is read-only.');
        expect((await client.patch(`phonecalls(${id})`, { subject: 'Edited' })).status).toBe(400);
        expect((await client.patch(`phonecalls(${id})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
        expect((await client.patch(`phonecalls(${id})`, { subject: 'Edited' })).status).toBe(204);
    });

    it('refuses party lists as plain properties (they have no property value)', async () => {
        const r = await client.post('emails', { subject: 'x', to: 'a@example.com' });
        expect(r.status).toBe(400);
        expect(r.json.error.message).toContain("Invalid property 'to'");
    });
});
