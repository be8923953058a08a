/**
 * A real third-party Web API client, DynamicsWebApi, used unchanged against the simulator: the evidence
 * that the simulator speaks the protocol the way real clients expect it.
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { compareSqlGuids } from '../src/index.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let api: DynamicsWebApi;

beforeAll(async () => {
    ({ sim } = await startTestSimulator({ rows: 40 }));
    api = new DynamicsWebApi({
        serverUrl: sim.url,
        dataApi: { version: '9.2' },
        onTokenRefresh: () => Promise.resolve('test-token'),
    });
});
afterAll(async () => {
    await sim.close();
});

/** DynamicsWebApi resolves a plain create with the new id. */
async function createId(collection: string, data: Record<string, unknown>): Promise<string> {
    const id: unknown = await api.create({ collection, data });
    if (typeof id !== 'string') throw new Error(`create ${collection}: no id returned`);
    return id;
}

describe('DynamicsWebApi against the simulator', () => {
    it('calls WhoAmI', async () => {
        const who = await api.callFunction<{ UserId: string }>('WhoAmI');
        expect(sim.dump('systemuser').some((u) => u.systemuserid === who.UserId)).toBe(true);
    });

    it('creates, retrieves, updates, upserts and deletes', async () => {
        const id = await createId('accounts', { name: 'DWA One' });
        const created: unknown = await api.create({
            collection: 'accounts',
            data: { name: 'DWA Rep' },
            returnRepresentation: true,
            select: ['name'],
        });
        expect((created as { name: string }).name).toBe('DWA Rep');
        const row = await api.retrieve<{ name: string; accountid: string }>({
            collection: 'accounts',
            key: id,
            select: ['name'],
        });
        expect(row.name).toBe('DWA One');
        const updated = await api.update({ collection: 'accounts', key: id, data: { name: 'DWA One b' } });
        expect(updated).toBe(true);
        const upsertId = '33333333-4444-5555-6666-777777777777';
        await api.upsert({ collection: 'accounts', key: upsertId, data: { name: 'DWA Upsert' } });
        expect(sim.dump('account').find((a) => a.accountid === upsertId)?.name).toBe('DWA Upsert');
        const byKey = await api
            .retrieve<{ accountid: string }>({
                collection: 'accounts',
                key: "accountnumber='DWA-KEY'",
            })
            .catch((e: { status?: number }) => e);
        expect((byKey as { status?: number }).status).toBe(404);
        const deleted = await api.deleteRecord({ collection: 'accounts', key: id });
        expect(deleted).toBe(true);
        expect(sim.dump('account').some((a) => a.accountid === id)).toBe(false);
    });

    it('pages through retrieveAll with maxPageSize and nextLink', async () => {
        const all = await api.retrieveAll<{ contactid: string }>({
            collection: 'contacts',
            select: ['fullname'],
            maxPageSize: 7,
        });
        const expected = sim.dump('contact').map((c) => c.contactid as string);
        expect(all.value.map((c) => c.contactid)).toEqual(expected);
        expect([...expected].sort(compareSqlGuids)).toEqual(expected);
        const page = await api.retrieveMultiple({ collection: 'contacts', select: ['fullname'], maxPageSize: 7 });
        expect(page.value).toHaveLength(7);
        expect(page.oDataNextLink).toContain('$skiptoken=');
    });

    it('runs a batch with a change set and Content-ID references', async () => {
        api.startBatch();
        void api.create({ collection: 'contacts', data: { lastname: 'DWA Batch' }, contentId: '1' });
        void api.create({
            collection: 'accounts',
            data: { name: 'DWA Batch Account', 'primarycontactid@odata.bind': '$1' },
        });
        const responses = await api.executeBatch();
        expect(responses).toHaveLength(2);
        const [contactId, accountId] = responses as string[];
        const account = sim.dump('account').find((a) => a.accountid === accountId)!;
        expect(account.primarycontactid).toEqual({ id: contactId, table: 'contact' });
    });

    it('rolls a failing change set back and reports the error', async () => {
        api.startBatch();
        void api.create({ collection: 'accounts', data: { name: 'DWA Never' } });
        void api.create({ collection: 'accounts', data: { name: 'z'.repeat(400) } });
        const error = await api.executeBatch().catch((e: unknown) => e);
        expect(error).toBeDefined();
        expect(sim.dump('account').some((a) => a.name === 'DWA Never')).toBe(false);
    });

    it('associates and disassociates many-to-many rows', async () => {
        const accountId = await createId('accounts', { name: 'DWA Assoc' });
        const leadId = sim.dump('lead')[0]!.leadid as string;
        await api.associate({
            collection: 'accounts',
            primaryKey: accountId,
            relationshipName: 'accountleads_association',
            relatedCollection: 'leads',
            relatedKey: leadId,
        });
        const rel = sim.schema.manyToMany.find((m) => m.schemaName === 'accountleads_association')!;
        const linked = () =>
            sim
                .dump(rel.intersectEntityName)
                .some(
                    (r) =>
                        r[rel.entity1IntersectAttribute] === accountId && r[rel.entity2IntersectAttribute] === leadId,
                );
        expect(linked()).toBe(true);
        await api.disassociate({
            collection: 'accounts',
            primaryKey: accountId,
            relationshipName: 'accountleads_association',
            relatedKey: leadId,
        });
        expect(linked()).toBe(false);
    });
});
