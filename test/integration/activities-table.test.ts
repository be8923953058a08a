/**
 * The activity table as both hosts dispatch it: an activity stops when the host's signal is aborted (a
 * second Ctrl-C), with nothing written; and a failure no retry mends comes back as data at once.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import { isActivityFailure } from '../../src/run/activity-failure.js';
import { createFileRunStore, type RunStore } from '../../src/runlog/index.js';
import type { MigrationSpec } from '../../src/spec/index.js';
import { startSimulator } from 'dataverse-sim';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let source: Sim;
let target: Sim;
let slowSource: Sim;
let store: RunStore;
const runId = 'signals-20261201-120000-abcd';
const connect = (spec: MigrationSpec) => createEnvironmentClients(spec, { env: process.env, userAgent: 'test' });
const signal = () => new AbortController().signal;

beforeAll(async () => {
    [source, target, slowSource] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 60, seed: 3 }),
        startSimulator({ schema: 'crm', rows: 60, seed: 3, empty: true }),
        // The same data, but every answer comes 20 s late.
        startSimulator({ schema: 'crm', rows: 60, seed: 3, faults: { seed: 1, slow: { rate: 1, extraMs: 20_000 } } }),
    ]);
    store = createFileRunStore(await mkdtemp(join(tmpdir(), 'dvm-activities-')));
    const activities = createActivities({ store, connect });
    const spec = {
        name: 'signals',
        source: { url: source.url },
        target: { url: target.url },
        tables: [{ name: 'account' }],
    };
    const planned: any = await activities.planRun(
        { runId, spec, trigger: 'test', startedAt: '2026-12-01T12:00:00Z' },
        { signal: signal() },
    );
    expect(planned.problems).toEqual([]);
    const listed: any = await activities.listPages({ runId, table: 'account', mode: 'full' }, { signal: signal() });
    expect(listed.pages).toBeGreaterThan(0);
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close(), slowSource?.close()]);
});

describe('the activity table', () => {
    it('stops a page when the host aborts its signal: the request gives up, nothing is written', async () => {
        // The same run, but its source answers late: the page is still reading when the host stops.
        const slow = createActivities({
            store,
            connect: (spec) => connect({ ...spec, source: { ...spec.source, url: slowSource.url } }),
        });
        const controller = new AbortController();
        const page = slow.copyPage({ runId, table: 'account', page: 0, kind: 'copy' }, { signal: controller.signal });
        setTimeout(() => controller.abort(new Error('host stopped')), 100);
        await expect(page).rejects.toMatchObject({ name: 'DataverseError', kind: 'aborted' });
        expect(target.stats().rowsWritten).toBe(0);
    });

    it('returns a missing run document as a failure, not a throw that the orchestrator would retry', async () => {
        const activities = createActivities({ store, connect });
        const outcome = await activities.copyPage(
            { runId: 'nothing-20261201-120000-abcd', table: 'account', page: 0, kind: 'copy' },
            { signal: signal() },
        );
        expect(isActivityFailure(outcome)).toBe(true);
        expect(outcome).toMatchObject({
            $activityFailure: {
                activity: 'copyPage',
                name: 'RunDocumentError',
                message: expect.stringContaining('no spec or plan'),
            },
        });
    });

    it('returns an input that does not parse as a failure that names the field', async () => {
        const activities = createActivities({ store, connect });
        const outcome = await activities.copyPage({ runId, table: 'account', page: -1, kind: 'sideways' }, {});
        expect(outcome).toMatchObject({ $activityFailure: { activity: 'copyPage', name: 'InvalidActivityInput' } });
        const message = (outcome as any).$activityFailure.message as string;
        expect(message).toContain('page');
        expect(message).toContain('kind');
    });
});
