/**
 * /api/specs and starting a stored spec, through the Functions adapter over the local host and two simulators,
 * on both store backends the app runs on: the filesystem stores (`serve`) and Blob Storage on Azurite (Azure, from
 * the MIGRATION_LOG_STORAGE setting). Each spec carries its schedule, next occurrence, last run and status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunStoreFromSettings } from '../../src/runlog/index.js';
import { nextOccurrence } from '../../src/schedule/index.js';
import { createSpecStoreFromSettings } from '../../src/specstore/index.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { apiHarness, type Harness } from './api-helpers.js';

const backends = ['files', 'blob'] as const;

describe.each(backends)('stored specs over %s', (backend) => {
    let h: Harness;
    let azurite: Azurite | undefined;

    beforeAll(async () => {
        let stores;
        if (backend === 'blob') {
            azurite = await startAzurite();
            const settings = { MIGRATION_LOG_STORAGE: azurite.connectionString };
            stores = { store: createRunStoreFromSettings(settings), specs: createSpecStoreFromSettings(settings) };
        }
        h = await apiHarness({
            source: { schema: 'crm', rows: 200, seed: 21, latencyMs: 5 },
            target: { schema: 'crm', rows: 200, seed: 21, empty: true, latencyMs: 5 },
            ...(stores ? { stores } : {}),
        });
    }, 60_000);

    afterAll(async () => {
        await h?.close();
        await azurite?.stop();
    });

    const tables = [{ name: 'account' }, { name: 'contact' }];
    const schedule = '0 0 3 * * *';

    it('puts a spec (201 with its ETag), then lists it as never run with its next occurrence', async () => {
        const put = await h.call('putSpec', {
            params: { name: 'nightly' },
            body: h.spec({ name: 'nightly', tables, options: { schedule, pageSize: 50 } }),
        });
        expect(put.status).toBe(201);
        expect(put.headers.get('etag')).toBe(put.json.etag);
        expect(put.headers.get('location')).toBe('http://localhost:7071/api/automation/specs/nightly');
        expect(put.json).toMatchObject({ name: 'nightly', schedule, status: 'never-run' });
        const next = new Date(put.json.nextRunAt);
        expect(next.getTime()).toBe(nextOccurrence(schedule, new Date(next.getTime() - 86_400_000))!.getTime());
        expect(next.getTime()).toBeGreaterThan(Date.now());
        expect(next.getUTCHours()).toBe(3);

        const list = await h.call('listSpecs');
        expect(list.status).toBe(200);
        expect(list.json.specs).toEqual([expect.objectContaining({ name: 'nightly', schedule, status: 'never-run' })]);
        const one = await h.call('getSpec', { params: { name: 'nightly' } });
        expect(one.json.spec).toMatchObject({ name: 'nightly', options: { schedule } });
    });

    it('replaces a spec only with a current If-Match, and keeps its status', async () => {
        const current = await h.call('getSpec', { params: { name: 'nightly' } });
        const body = h.spec({ name: 'nightly', tables, options: { schedule, pageSize: 40 } });
        const replaced = await h.call('putSpec', {
            params: { name: 'nightly' },
            body,
            headers: { 'if-match': current.headers.get('etag')! },
        });
        expect(replaced.status).toBe(200);
        expect(replaced.json.etag).not.toBe(current.json.etag);
        const stale = await h.call('putSpec', {
            params: { name: 'nightly' },
            body,
            headers: { 'if-match': current.headers.get('etag')! },
        });
        expect(stale.status).toBe(412);
        expect(stale.json.error).toBe('precondition-failed');
    });

    it('refuses a spec with problems, a secret, a name that differs from the path, or a URL off the allow-list', async () => {
        const mismatched = await h.call('putSpec', {
            params: { name: 'nightly' },
            body: h.spec({ name: 'other', tables, options: { pageSize: 0 } }),
        });
        expect(mismatched.status).toBe(400);
        expect(mismatched.json.problems.map((p: any) => p.path).sort()).toEqual(['name', 'options.pageSize']);
        const secret = await h.call('putSpec', {
            params: { name: 'leaky' },
            body: h.spec({
                name: 'leaky',
                tables,
                source: { url: h.source.url, credential: { type: 'default', password: 'p@ss' } },
            }),
        });
        expect(secret.status).toBe(400);
        expect(secret.text).not.toContain('p@ss');
        const away = await h.call('putSpec', {
            params: { name: 'away' },
            body: h.spec({ name: 'away', tables, target: { url: 'https://fabrikam.crm.dynamics.com' } }),
        });
        expect(away.status).toBe(403);
        const never = await h.call('putSpec', {
            params: { name: 'never' },
            body: h.spec({ name: 'never', tables, options: { schedule: '0 0 2 31 2 *' } }),
        });
        expect(never.status).toBe(400);
        expect(never.json.problems).toEqual([
            { path: 'options.schedule', message: "'0 0 2 31 2 *' never fires: February has no day 31" },
        ]);
        const same = await h.call('putSpec', {
            params: { name: 'same' },
            body: h.spec({ name: 'same', tables, target: { url: h.source.url } }),
        });
        expect(same.status).toBe(400);
        expect(same.json.problems).toEqual([
            { path: 'target.url', message: expect.stringContaining('is the source environment too') },
        ]);
        expect(away.json.url).toBe('https://fabrikam.crm.dynamics.com');
        expect((await h.call('getSpec', { params: { name: 'away' } })).status).toBe(404);
    });

    it('starts a stored spec, one run at a time, and its status follows the run to succeeded', async () => {
        const started = await h.call('startMigration', { body: { spec: 'nightly' } });
        expect(started.status).toBe(202);
        const runId = started.json.id;
        expect(started.json.spec).toBe('nightly');
        const again = await h.call('startMigration', { body: { spec: 'nightly' } });
        expect(again.status).toBe(409);
        expect(again.json).toMatchObject({ error: 'already-running', runId });
        // Deleting it now would orphan the run and lose the spec's status history: 409 naming the run.
        const removing = await h.call('deleteSpec', { params: { name: 'nightly' } });
        expect(removing.status).toBe(409);
        expect(removing.json).toMatchObject({
            error: 'run-in-progress',
            runId,
            statusUrl: `http://localhost:7071/api/automation/migrations/${runId}`,
        });
        expect(removing.json.message).toContain(runId);
        const during = await h.call('getSpec', { params: { name: 'nightly' } });
        expect(['pending', 'in-progress']).toContain(during.json.status);
        expect(during.json.lastRunId).toBe(runId);

        const view = await h.finished(runId);
        expect(view.status).toBe('succeeded');
        expect(view.trigger).toBe('http');
        const after = await h.call('getSpec', { params: { name: 'nightly' } });
        expect(after.json).toMatchObject({
            status: 'succeeded',
            lastRunId: runId,
            failedRows: 0,
            lastRun: `http://localhost:7071/api/automation/migrations/${runId}`,
        });
        expect(Date.parse(after.json.lastRunAt)).toBeLessThanOrEqual(Date.now());
        expect(h.target.dump('account').length).toBe(h.source.dump('account').length);
        // The finished status was written back to the store, not only computed.
        expect((await h.specs.get('nightly'))!.meta.status).toBe('succeeded');
    });

    it('shows credentials required, naming the environment, when a credential setting is missing', async () => {
        const put = await h.call('putSpec', {
            params: { name: 'locked' },
            body: h.spec({
                name: 'locked',
                tables,
                source: {
                    url: h.source.url,
                    credential: {
                        type: 'clientSecret',
                        tenantId: 'contoso.onmicrosoft.com',
                        clientId: '00000000-0000-0000-0000-000000000001',
                        secretSetting: 'LOCKED_SOURCE_SECRET',
                    },
                },
            }),
        });
        expect(put.status).toBe(201);
        const start = await h.call('startMigration', { body: { spec: 'locked' } });
        expect(start.status).toBe(422);
        expect(start.json).toMatchObject({ error: 'credentials-required', environments: ['source'] });
        expect(start.json.message).toContain('LOCKED_SOURCE_SECRET');
        const spec = await h.call('getSpec', { params: { name: 'locked' } });
        expect(spec.json.status).toBe('credentials-required');
        expect(spec.json.statusDetail).toMatch(/^source\.credential: .*LOCKED_SOURCE_SECRET/);
        expect(spec.json.lastRunId).toBeUndefined();
    });

    it('deletes a spec (204), then answers 404 for it', async () => {
        expect((await h.call('deleteSpec', { params: { name: 'locked' } })).status).toBe(204);
        expect((await h.call('getSpec', { params: { name: 'locked' } })).status).toBe(404);
        expect((await h.call('deleteSpec', { params: { name: 'locked' } })).status).toBe(404);
        const missing = await h.call('startMigration', { body: { spec: 'locked' } });
        expect(missing.status).toBe(404);
        const bad = await h.call('getSpec', { params: { name: '../etc' } });
        expect(bad.status).toBe(400);
    });
});
