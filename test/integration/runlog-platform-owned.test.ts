/**
 * Platform-owned records in a run store (src/run/platform-owned.ts): created once whoever races, read back per target
 * table and for the whole target, and a run's summary lists the ones it noticed first.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileRunStore } from '../../src/runlog/index.js';
import {
    knownPlatformOwned,
    platformOwnedMessage,
    readPlatformOwned,
    recordPlatformOwned,
    type PlatformOwnedRecord,
} from '../../src/run/platform-owned.js';
import { renderSummary } from '../../src/cli/render.js';
import type { RunSummary } from '../../src/run/summary.js';

const TARGET = 'https://contoso.crm4.dynamics.com';
const record = (column: string, runId: string, table = 'account'): PlatformOwnedRecord => ({
    table,
    column,
    runId,
    noticedAt: '2026-12-07T21:00:00.000Z',
    sourceId: 'a1000000-0000-4000-8000-000000000001',
    wrote: '"ab-1"',
    found: '"AB-1"',
});

describe('platform-owned records', () => {
    it('are created once: of pages racing on one column, exactly one reports it', async () => {
        const store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-owned-')));
        const created = await Promise.all(
            Array.from({ length: 8 }, (_, i) => recordPlatformOwned(store, TARGET, record('fax', `run-${i}`))),
        );
        expect(created.filter(Boolean)).toHaveLength(1);
        expect(await recordPlatformOwned(store, TARGET, record('fax', 'later'))).toBe(false);
        await recordPlatformOwned(store, TARGET, record('websiteurl', 'run-x'));
        await recordPlatformOwned(store, TARGET, record('description', 'run-x', 'contact'));
        expect(await knownPlatformOwned(store, TARGET, 'account')).toEqual(new Set(['fax', 'websiteurl']));
        expect(await knownPlatformOwned(store, 'https://other.crm.dynamics.com', 'account')).toEqual(new Set());
        const all = await readPlatformOwned(store, TARGET);
        expect(all.map((r) => `${r.table}.${r.column}`).sort()).toEqual([
            'account.fax',
            'account.websiteurl',
            'contact.description',
        ]);
    });

    it('read as a message naming the table, column, example row and the values', () => {
        expect(platformOwnedMessage(record('accountnumber', 'r'))).toBe(
            `account.accountnumber: the target's own logic rewrites this column; it is no longer written or compared (row a1000000-0000-4000-8000-000000000001: wrote "ab-1", the target holds "AB-1")`,
        );
    });

    it('are one line each in the printed summary', () => {
        const message = platformOwnedMessage(record('fax', 'r'));
        const summary = {
            runId: 'r',
            spec: 's',
            status: 'succeeded',
            tables: {},
            manyToMany: {},
            phases: {},
            totals: { read: 0, written: 0, skipped: 0, failed: 0 },
            failedRows: 0,
            durationMs: 0,
            log: { location: '/tmp', events: 'runs/r/events.jsonl', errors: [] },
            platformOwned: [{ table: 'account', column: 'fax', sourceId: 'x', message }],
        } as unknown as RunSummary;
        expect(renderSummary(summary).split('\n')).toContain(`  platform-owned: ${message}`);
    });
});
