/**
 * The refresh timer function's handler with a real Timer input and InvocationContext, over the local host and
 * simulators: a due spec starts an incremental run, a tick while it runs is skipped and logged, and a spec whose
 * credential fails shows credentials required, naming the environment and why.
 */
import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleRefreshTick } from '../../src/functions/runtime/timer-adapter.js';
import { scheduledRunId } from '../../src/schedule/index.js';
import { startSimulator } from 'dataverse-sim';
import { apiHarness, type Harness, type Sim } from './api-helpers.js';

let h: Harness;
let strict: Sim;
const logs: Array<{ level: string; message: string }> = [];

function timer(last?: string): Timer {
    return {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: last ?? '0001-01-01T00:00:00', next: '', lastUpdated: '' },
    };
}

/** One tick of the timer function at `now`, as the host invokes it. */
async function tick(now: string, last?: string) {
    h.deps.now = () => new Date(now);
    const context = new InvocationContext({
        functionName: 'refreshSchedules',
        logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(' ') }),
    });
    try {
        return await handleRefreshTick(timer(last), context, h.deps);
    } finally {
        h.deps.now = () => new Date();
    }
}

beforeAll(async () => {
    h = await apiHarness({
        source: { schema: 'crm', rows: 600, seed: 31, latencyMs: 10 },
        target: { schema: 'crm', rows: 600, seed: 31, empty: true, latencyMs: 10 },
    });
    strict = await startSimulator({ schema: 'crm', rows: 0, empty: true, auth: 'strict' });
    const tables = [{ name: 'account' }, { name: 'contact' }];
    // Hourly, and not incremental by itself: the schedule makes its runs incremental.
    await h.specs.put(
        'hourly',
        h.spec({ name: 'hourly', tables, options: { schedule: '0 0 * * * *', pageSize: 100 } }),
        {
            schedule: '0 0 * * * *',
        },
    );
    await h.specs.put('daily', h.spec({ name: 'daily', tables, options: { schedule: '0 30 4 * * *' } }), {
        schedule: '0 30 4 * * *',
    });
    await h.specs.put(
        'rejected',
        h.spec({
            name: 'rejected',
            tables,
            target: { url: strict.url, credential: { type: 'none' } },
            options: { schedule: '0 0 * * * *' },
        }),
        { schedule: '0 0 * * * *' },
    );
    await h.specs.put(
        'unset',
        h.spec({
            name: 'unset',
            tables,
            source: {
                url: h.source.url,
                credential: {
                    type: 'clientCertificate',
                    tenantId: 'contoso.onmicrosoft.com',
                    clientId: '00000000-0000-0000-0000-000000000002',
                    certificatePathSetting: 'UNSET_CERTIFICATE_PATH',
                },
            },
            options: { schedule: '0 0 * * * *' },
        }),
        { schedule: '0 0 * * * *' },
    );
}, 60_000);

afterAll(async () => {
    await h?.close();
    await strict?.close();
});

const outcomes = (report: Awaited<ReturnType<typeof tick>>) =>
    Object.fromEntries(report.due.map((d) => [d.spec, d.outcome.kind]));

describe('the refresh timer', () => {
    let firstRun: string;

    it('starts the specs due since the last tick, and only those', async () => {
        const report = await tick('2026-01-05T10:00:00.250Z');
        expect(report.window).toEqual({ from: '2026-01-05T09:59:00.000Z', to: '2026-01-05T10:00:00.000Z' });
        // `daily` (04:30) was not due; the other three were.
        expect(outcomes(report)).toEqual({
            hourly: 'started',
            rejected: 'credentials-required',
            unset: 'credentials-required',
        });
        firstRun = scheduledRunId('hourly', new Date('2026-01-05T10:00:00Z'));
        expect(report.due.find((d) => d.spec === 'hourly')!.outcome).toEqual({ kind: 'started', runId: firstRun });
        expect(logs).toContainEqual({
            level: 'information',
            message: `spec 'hourly' (due 2026-01-05T10:00:00.000Z): started incremental run ${firstRun}`,
        });
        const spec = (await h.call('getSpec', { params: { name: 'hourly' } })).json;
        expect(spec).toMatchObject({ lastRunId: firstRun, lastRunAt: '2026-01-05T10:00:00.250Z' });
        expect(['pending', 'in-progress']).toContain(spec.status);
    });

    it('skips a spec whose run is still going, and logs it', async () => {
        const report = await tick('2026-01-05T11:00:00.100Z');
        expect(report.due.find((d) => d.spec === 'hourly')!.outcome).toEqual({ kind: 'running', runId: firstRun });
        expect(logs).toContainEqual({
            level: 'warning',
            message: `spec 'hourly' (due 2026-01-05T11:00:00.000Z): skipped, run ${firstRun} is still going (one run per spec at a time)`,
        });
        const view = await h.call('getMigration', { params: { id: firstRun } });
        expect(view.json.summary).toBeUndefined();
    });

    it('shows credentials required for the environment whose credential failed, and why', async () => {
        const rejected = (await h.call('getSpec', { params: { name: 'rejected' } })).json;
        expect(rejected.status).toBe('credentials-required');
        expect(rejected.statusDetail).toMatch(new RegExp(`^target ${strict.url}: Dataverse 401`));
        const unset = (await h.call('getSpec', { params: { name: 'unset' } })).json;
        expect(unset.status).toBe('credentials-required');
        expect(unset.statusDetail).toMatch(/^source\.credential: .*UNSET_CERTIFICATE_PATH/);
        expect(
            logs.some(
                (l) =>
                    l.level === 'error' &&
                    l.message.includes("spec 'rejected'") &&
                    l.message.includes('credentials required'),
            ),
        ).toBe(true);
        expect(h.logged).toEqual([]);
    });

    it('runs the first scheduled refresh in full and the next one from the change-tracking delta', async () => {
        const first = await h.finished(firstRun, 120_000);
        expect(first).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
        expect(first.summary.tables.account.mode).toBe('full');
        expect((await h.call('getSpec', { params: { name: 'hourly' } })).json.status).toBe('succeeded');

        // A missed tick: the host was down from 11:00 to 13:05; the 12:00 and 13:00 occurrences start one run.
        const report = await tick('2026-01-05T13:05:00.300Z', '2026-01-05T11:00:00.000Z');
        expect(report.window.from).toBe('2026-01-05T11:00:00.000Z');
        const second = report.due.find((d) => d.spec === 'hourly')!.outcome;
        expect(second).toEqual({ kind: 'started', runId: scheduledRunId('hourly', new Date('2026-01-05T13:00:00Z')) });
        const view = await h.finished((second as { runId: string }).runId, 120_000);
        expect(view.status).toBe('succeeded');
        expect(view.summary.tables.account.mode).toBe('delta');
        expect(view.summary.tables.contact.mode).toBe('delta');
        expect(view.summary.totals.written).toBe(0);

        // The same occurrence seen again (a retried tick) does not start it twice.
        const again = await tick('2026-01-05T13:05:10.000Z', '2026-01-05T11:00:00.000Z');
        expect(again.due.find((d) => d.spec === 'hourly')!.outcome.kind).toBe('already-started');
    }, 240_000);
});
