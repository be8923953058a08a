/**
 * The opt-in generated content (`activities: true`): activities with parties of every kind, regarding accounts,
 * contacts and opportunities, and notes with small files; served as written ones are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLookupValue, type SimDataset, type SimRow } from '../src/model.js';
import { crmSchema, generateDataset } from '../src/data/index.js';
import type { Simulator } from '../src/index.js';
import { startTestSimulator, type Client } from './server-helpers.js';

const ROWS = 1000;
const data = generateDataset(crmSchema(), { rows: ROWS, seed: 5, activities: true });
const rowsOf = (d: SimDataset, t: string): SimRow[] => d.rows[t] ?? [];

describe('generateDataset with activities', () => {
    it('gives every content table its share of the rows and leaves the default dataset as it was', () => {
        for (const t of ['email', 'appointment', 'phonecall', 'task', 'annotation'])
            expect(rowsOf(data, t).length, t).toBeGreaterThan(10);
        const plain = generateDataset(crmSchema(), { rows: ROWS, seed: 5 });
        for (const t of ['email', 'appointment', 'phonecall', 'task', 'annotation', 'activityparty'])
            expect(rowsOf(plain, t), t).toEqual([]);
        const again = generateDataset(crmSchema(), { rows: ROWS, seed: 5, activities: true });
        expect(JSON.stringify(again.rows.activityparty)).toBe(JSON.stringify(data.rows.activityparty));
    });

    it('makes parties of every kind that point to existing rows, and activities regarding accounts, contacts, opportunities', () => {
        const ids = new Map<string, Set<string>>();
        for (const t of data.schema.tables)
            ids.set(t.logicalName, new Set(rowsOf(data, t.logicalName).map((r) => r[t.primaryIdAttribute] as string)));
        const parties = rowsOf(data, 'activityparty');
        const kinds = new Set(parties.map((p) => (isLookupValue(p.partyid) ? p.partyid.table : 'address')));
        expect([...kinds].sort()).toEqual(['account', 'address', 'contact', 'lead', 'systemuser']);
        for (const p of parties) {
            const activity = p.activityid;
            expect(isLookupValue(activity) && ids.get(activity.table)?.has(activity.id)).toBe(true);
            if (isLookupValue(p.partyid)) {
                expect(ids.get(p.partyid.table)?.has(p.partyid.id)).toBe(true);
                expect(p.addressused).toBeNull();
            } else expect(p.addressused).toMatch(/@example\.net$/);
        }
        const masks = new Set(parties.map((p) => p.participationtypemask));
        for (const m of [1, 2, 3, 4, 5, 6, 7]) expect(masks.has(m), `mask ${m}`).toBe(true);
        // Every e-mail has its sender.
        const senders = new Set(
            parties.filter((p) => p.participationtypemask === 1).map((p) => (p.activityid as any).id),
        );
        for (const e of rowsOf(data, 'email')) expect(senders.has(e.activityid as string)).toBe(true);
        const regarding = new Set(
            ['email', 'appointment', 'phonecall', 'task'].flatMap((t) =>
                rowsOf(data, t).flatMap((r) => (isLookupValue(r.regardingobjectid) ? [r.regardingobjectid.table] : [])),
            ),
        );
        expect([...regarding].sort()).toEqual(['account', 'contact', 'opportunity']);
    });

    it('gives some notes on accounts and contacts a small file', () => {
        const notes = rowsOf(data, 'annotation');
        const files = notes.filter((n) => n.isdocument === true);
        expect(files.length).toBeGreaterThan(0);
        expect(files.length).toBeLessThan(notes.length);
        for (const n of notes)
            expect(isLookupValue(n.objectid) && ['account', 'contact'].includes(n.objectid.table)).toBe(true);
        for (const n of files) expect(Buffer.from(n.documentbody as string, 'base64').length).toBe(n.filesize);
    });
});

describe('a simulator with generated activities', () => {
    let sim: Simulator;
    let client: Client;
    beforeAll(async () => {
        ({ sim, client } = await startTestSimulator({ rows: 300, activities: true }));
    });
    afterAll(() => sim.close());

    it('serves the parties with their e-mails and the notes with their bodies', async () => {
        const emails = await client.send(
            'GET',
            'emails?$select=subject&$expand=email_activity_parties($select=participationtypemask,_partyid_value,addressused)',
        );
        expect(emails.status).toBe(200);
        const parties = emails.json.value.flatMap((e: any) => e.email_activity_parties);
        expect(parties.length).toBeGreaterThan(emails.json.value.length);
        expect(parties.some((p: any) => p._partyid_value === null && typeof p.addressused === 'string')).toBe(true);
        const notes = await client.send(
            'GET',
            'annotations?$select=filename,documentbody,filesize&$filter=isdocument eq true',
        );
        const note = notes.json.value[0];
        expect(Buffer.from(note.documentbody, 'base64').length).toBe(note.filesize);
        const value = await client.send('GET', `annotations(${note.annotationid})/documentbody/$value`);
        expect(value.text).toBe(note.documentbody);
    });
});
