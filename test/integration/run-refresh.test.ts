/**
 * Refresh semantics on what the service does (research realworld-gaps W1, W5), end to end through the CLI:
 * - a watermark refresh reads back `options.watermarkLagMinutes` before the stored watermark, so a row a long
 *   transaction committed with an older `modifiedon` is still copied (and with no lag it is missed), while the
 *   re-read overlap writes nothing;
 * - a change-tracking token older than the source's retention (organizations.expirechangetrackingindays) is never
 *   sent, and one the source refuses (any 4xx) is dropped: the table is compared in full, deletes included where
 *   the spec asks for them, and the summary says why.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crmSchema } from 'dataverse-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statePath } from '../../src/runlog/layout.js';
import { api, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

const row = (pair: Pair, side: 'source' | 'target', table: string, id: string) =>
    (pair[side].dump(table) as any[]).find((r) => r[`${table}id`] === id);

describe('watermark refresh of a table without change tracking', () => {
    let pair: Pair;
    let noLag: string;
    let lagged: string;

    beforeAll(async () => {
        const schema = crmSchema();
        schema.tables.find((t) => t.logicalName === 'account')!.changeTracking = false;
        pair = await simulatorPair({ schema, rows: 60, seed: 21 }, { schema, rows: 60, seed: 21, empty: true });
        const spec = { name: 'watermark', tables: [{ name: 'account', columns: ['name', 'telephone1'] }] };
        noLag = await writeSpec(pair, {
            ...spec,
            options: { pageSize: 50, incremental: true, watermarkLagMinutes: 0 },
        });
        lagged = await writeSpec(pair, { ...spec, options: { pageSize: 50, incremental: true } }, 'lagged.json');
    });
    afterAll(() => pair?.close());

    it('copies a late-committed update with the lag, misses it without, and writes nothing for the overlap', async () => {
        expect((await runJson(pair, noLag)).summary.tables.account.mode).toBe('full');
        const [late, onTime] = (pair.source.dump('account') as any[]).slice(0, 2).map((r) => r.accountid as string);

        // A long transaction updates `late` (stamped now); five minutes on, `onTime` commits before it does.
        const transaction = pair.source.holdNextWrite();
        const pending = api(pair.source, 'PATCH', `accounts(${late!})`, { name: 'Committed late' });
        await transaction.arrived;
        pair.source.advanceClock(5 * MINUTE);
        await api(pair.source, 'PATCH', `accounts(${onTime!})`, { name: 'Committed on time' });
        const during = await runJson(pair, noLag);
        expect(during.summary.tables.account.mode).toBe('watermark');
        expect(row(pair, 'target', 'account', onTime!)?.name).toBe('Committed on time');
        transaction.commit();
        await pending;

        // Without a lag the next refresh reads from the newest modifiedon it saw: the late row is older, never read.
        const missed = await runJson(pair, noLag);
        expect(missed.code).toBe(0);
        expect(missed.summary.tables.account.mode).toBe('watermark');
        expect(missed.summary.tables.account.copy.written).toBe(0);
        expect(row(pair, 'target', 'account', late!)?.name).not.toBe('Committed late');

        // With the default lag (15 minutes) it is read again and copied.
        const caught = await runJson(pair, lagged);
        expect(caught.code).toBe(0);
        expect(caught.summary.tables.account.mode).toBe('watermark');
        expect(caught.summary.tables.account.copy).toMatchObject({ written: 1, failed: 0 });
        expect(row(pair, 'target', 'account', late!)?.name).toBe('Committed late');

        // Nothing changed since: the overlap re-reads both rows and writes none of them.
        pair.target.resetStats();
        const quiet = await runJson(pair, lagged);
        expect(quiet.code).toBe(0);
        expect(quiet.summary.tables.account.mode).toBe('watermark');
        // Only the two rows inside the lag window are read (pages keep to the watermark), not the 60 of the table.
        expect(quiet.summary.tables.account.copy.read).toBe(2);
        expect(quiet.summary.tables.account.copy.written).toBe(0);
        expect(pair.target.stats().rowsWritten).toBe(0);
        expect((await verifyJson(pair, lagged)).report.identical).toBe(true);
    });
});

describe('change tracking past retention, or refused', () => {
    let pair: Pair;
    let specPath: string;

    /** Moves a table's stored state back in time, as if the run that took it had run `days` ago. */
    async function ageState(table: string, days: number): Promise<void> {
        const path = join(pair.dir, 'log', statePath(pair.source.url, pair.target.url, table));
        const state = JSON.parse(await readFile(path, 'utf8')) as { takenAt: string };
        state.takenAt = new Date(Date.now() - days * DAY).toISOString();
        await writeFile(path, JSON.stringify(state));
    }

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 60, seed: 23 },
            { schema: 'crm', rows: 60, seed: 23, empty: true },
        );
        specPath = await writeSpec(pair, {
            name: 'retention',
            tables: [
                { name: 'account', columns: ['name'] },
                { name: 'contact', columns: ['lastname'], deleteMissing: true },
            ],
            options: { pageSize: 50, incremental: true },
        });
    });
    afterAll(() => pair?.close());

    it('compares in full, deletes included, when the token is older than the source keeps changes', async () => {
        expect((await runJson(pair, specPath)).code).toBe(0);
        const account = (pair.source.dump('account') as any[])[0].accountid as string;
        const contact = (pair.source.dump('contact') as any[])[0].contactid as string;
        await api(pair.source, 'DELETE', `accounts(${account})`);
        await api(pair.source, 'DELETE', `contacts(${contact})`);
        // The source keeps changes 2 days; the last run was 3 days ago (fewer than the default 7).
        const org = (pair.source.dump('organization') as any[])[0].organizationid as string;
        await api(pair.source, 'PATCH', `organizations(${org})`, { expirechangetrackingindays: 2 });
        pair.source.advanceClock(3 * DAY);
        await ageState('account', 3);
        await ageState('contact', 3);

        pair.source.resetStats();
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        expect(summary.tables.contact.mode).toBe('full');
        expect(summary.tables.contact.fallback).toMatch(
            /^the change-tracking token of \S+ is 3 days old, and the source keeps changes for 2 days \(its organization's expirechangetrackingindays\): comparing the table in full, deletes included$/,
        );
        expect(summary.tables.account.mode).toBe('full');
        expect(summary.tables.account.fallback).toMatch(/keeps changes for 2 days .*: comparing the table in full$/);
        // The old tokens were never sent, so the source never had to refuse one.
        expect(pair.source.stats().statuses['400']).toBeUndefined();
        // Deleted while the token was too old: gone from the target with deleteMissing, kept without it.
        expect(summary.tables.contact.delete.written).toBe(1);
        expect(row(pair, 'target', 'contact', contact)).toBeUndefined();
        expect(row(pair, 'target', 'account', account)).toBeDefined();
    });

    it('compares in full when the source refuses a token, whatever 4xx it answers, and uses deltas again after', async () => {
        const contact = (pair.source.dump('contact') as any[])[0].contactid as string;
        await api(pair.source, 'DELETE', `contacts(${contact})`);
        // The documented refusal for account; for contact an answer no page documents.
        pair.source.invalidateDeltaTokens({ table: 'account' });
        const answer = { status: 400, code: '0x80040203', message: 'An answer no page documents.' };
        pair.source.invalidateDeltaTokens({ table: 'contact', answer });

        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        expect(summary.tables.account.mode).toBe('full');
        expect(summary.tables.account.fallback).toBe(
            'the source refused the change-tracking token as expired (400 0x80044352 "Version stamp associated with the client has expired. Please perform a full sync."): comparing the table in full',
        );
        expect(summary.tables.contact.mode).toBe('full');
        expect(summary.tables.contact.fallback).toBe(
            'the source refused the change-tracking token (400 0x80040203 "An answer no page documents."): comparing the table in full, deletes included',
        );
        expect(summary.tables.contact.delete.written).toBe(1);
        expect(row(pair, 'target', 'contact', contact)).toBeUndefined();

        const after = await runJson(pair, specPath);
        expect(after.code).toBe(0);
        expect(after.summary.tables.account.mode).toBe('delta');
        expect(after.summary.tables.contact.mode).toBe('delta');
        expect(after.summary.tables.contact.fallback).toBeUndefined();
    });
});
