/**
 * Keeping a target in sync: delete sync inside the filter scope and under the safety share, and
 * incremental refreshes that read only the change-tracking delta (creates, updates, deletes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

describe('delete sync', () => {
    let pair: Pair;
    let specPath: string;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 400, seed: 11 },
            { schema: 'crm', rows: 400, seed: 11, empty: true },
        );
        specPath = await writeSpec(pair, {
            name: 'deletes',
            tables: [{ name: 'account' }, { name: 'contact', filter: 'statecode eq 0', deleteMissing: true }],
            options: { pageSize: 50 },
        });
    });
    afterAll(() => pair?.close());

    const active = (sim: Pair['source']) => (sim.dump('contact') as any[]).filter((c) => c.statecode === 0);

    it('deletes target rows the source lost, only inside the filter scope', async () => {
        const first = await runJson(pair, specPath);
        expect(first.summary.reason ?? '').toBe('');
        expect(first.code).toBe(0);
        const gone = active(pair.source).slice(0, 3);
        for (const c of gone) await api(pair.source, 'DELETE', `contacts(${c.contactid})`);
        // In the target only: one active contact (in scope: deleted) and one inactive (out of scope: kept).
        const extra = { lastname: 'Only in target' };
        await api(pair.target, 'POST', 'contacts', extra);
        const kept = await api(
            pair.target,
            'POST',
            'contacts',
            { lastname: 'Inactive, only in target' },
            { Prefer: 'return=representation' },
        );
        await api(pair.target, 'PATCH', `contacts(${kept.contactid})`, { statecode: 1, statuscode: 2 });

        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.tables.contact.delete).toMatchObject({ read: 4, written: 4, failed: 0 });
        const ids = new Set((pair.target.dump('contact') as any[]).map((c) => c.contactid));
        for (const c of gone) expect(ids.has(c.contactid)).toBe(false);
        expect(ids.has(kept.contactid)).toBe(true);
        expect((pair.target.dump('contact') as any[]).some((c) => c.lastname === extra.lastname)).toBe(false);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });

    it('refuses to delete past maxDeleteShare and deletes nothing', async () => {
        const victims = active(pair.source);
        const many = victims.slice(0, Math.ceil(victims.length * 0.3));
        for (const c of many) await api(pair.source, 'DELETE', `contacts(${c.contactid})`);
        const before = pair.target.dump('contact').length;

        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(1);
        expect(summary.status).toBe('failed');
        expect(summary.refusedDeletes).toEqual([
            expect.objectContaining({ table: 'contact', wouldDelete: many.length, maxShare: 0.1 }),
        ]);
        expect(summary.reason).toMatch(/refused to delete: contact would lose \d+ of \d+ rows/);
        expect(pair.target.dump('contact').length).toBe(before);

        // Raising the share lets the same run delete them.
        const raised = await writeSpec(
            pair,
            {
                name: 'deletes',
                tables: [{ name: 'account' }, { name: 'contact', filter: 'statecode eq 0', deleteMissing: true }],
                options: { pageSize: 50, maxDeleteShare: 0.5 },
            },
            'raised.json',
        );
        const allowed = await runJson(pair, raised);
        expect(allowed.code).toBe(0);
        expect(allowed.summary.tables.contact.delete.written).toBe(many.length);
    });
});

describe('incremental refresh', () => {
    let pair: Pair;
    let specPath: string;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 400, seed: 5 },
            { schema: 'crm', rows: 400, seed: 5, empty: true },
        );
        specPath = await writeSpec(pair, {
            name: 'refresh',
            tables: [
                { name: 'account', deleteMissing: true },
                { name: 'contact', deleteMissing: true },
            ],
            options: { pageSize: 50, incremental: true },
        });
    });
    afterAll(() => pair?.close());

    it('runs in full first, then reads only the changes made since', async () => {
        const first = await runJson(pair, specPath);
        expect(first.code).toBe(0);
        expect(first.summary.tables.account.mode).toBe('full');

        // Changes in the source after the first run: a create, an update, a delete.
        const created = await api(
            pair.source,
            'POST',
            'accounts',
            { name: 'Created after the first run' },
            { Prefer: 'return=representation' },
        );
        const contacts = pair.source.dump('contact') as any[];
        const updated = contacts[0];
        await api(pair.source, 'PATCH', `contacts(${updated.contactid})`, { firstname: 'Renamed' });
        const deleted = contacts[1];
        await api(pair.source, 'DELETE', `contacts(${deleted.contactid})`);

        pair.source.resetStats();
        const second = await runJson(pair, specPath);
        expect(second.code).toBe(0);
        const { account, contact } = second.summary.tables;
        expect(account.mode).toBe('delta');
        expect(contact.mode).toBe('delta');
        expect(account.copy).toMatchObject({ read: 1, written: 1 });
        expect(contact.copy).toMatchObject({ read: 1, written: 1 });
        expect(contact.delete).toMatchObject({ read: 1, written: 1 });
        // Far fewer source rows read than a full copy of 400+ rows would take (keys walked for deletes only).
        expect(pair.source.stats().tables.contact?.rowsRead ?? 0).toBeLessThan(contacts.length);

        const target = (table: string, id: string) =>
            (pair.target.dump(table) as any[]).find((r) => r[`${table}id`] === id);
        expect(target('account', created.accountid)?.name).toBe('Created after the first run');
        expect(target('contact', updated.contactid)?.firstname).toBe('Renamed');
        expect(target('contact', deleted.contactid)).toBeUndefined();
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
