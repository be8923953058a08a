/**
 * The local durable host running toy orchestrators through the real durable-functions SDK, in memory: every
 * Durable API the product relies on, the concurrency bound, failures, and non-determinism detection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
    LocalDurableHost,
    RuntimeStatus,
    type ActivityEvent,
    type LocalDurableHostOptions,
} from '../../src/host/local/index.js';
import {
    makeActivities,
    makeChanging,
    makeObserver,
    newActivityLog,
    orchestrators,
    type ActivityLog,
} from '../fixtures/host/orchestrators.js';
import { waitUntil } from './host-helpers.js';

const hosts: LocalDurableHost[] = [];

afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

function newHost(log: ActivityLog, options: Partial<LocalDurableHostOptions> = {}, delayMs = 0): LocalDurableHost {
    const host = new LocalDurableHost({ orchestrators, activities: makeActivities(log, delayMs), ...options });
    hosts.push(host);
    return host;
}

async function run(host: LocalDurableHost, name: string, input?: unknown, instanceId?: string) {
    const id = await host.startNew(name, { input, instanceId });
    return host.waitForCompletion(id);
}

describe('LocalDurableHost', () => {
    it('fans out 200 activities and fans in, never running more than maxConcurrentActivities at once', async () => {
        const log = newActivityLog();
        const events: ActivityEvent[] = [];
        const host = newHost(log, { maxConcurrentActivities: 8, onActivity: (e) => events.push(e) }, 2);
        const status = await run(host, 'fanOut', { count: 200 }, 'fan');
        expect(status.runtimeStatus).toBe(RuntimeStatus.Completed);
        expect(status.output).toBe(Array.from({ length: 200 }, (_, i) => i * i).reduce((a, b) => a + b, 0));
        expect(log.calls).toHaveLength(200);
        expect(log.peak).toBe(8);
        const stats = host.stats();
        expect(stats.peakConcurrentActivities).toBe(8);
        expect(stats.activitiesRun).toBe(200);
        // Completions are batched: far fewer replays than completions.
        expect(stats.episodes).toBeLessThan(200);
        expect(events.filter((e) => e.type === 'scheduled')).toHaveLength(200);
        expect(events.filter((e) => e.type === 'completed').map((e) => e.output)).toContain(199 * 199);
    });

    it('runs activities FIFO across instances under one bound', async () => {
        const log = newActivityLog();
        const host = newHost(log, { maxConcurrentActivities: 3 }, 5);
        const ids = await Promise.all(
            [0, 1, 2].map((g) => host.startNew('fanOut', { input: { count: 20 }, instanceId: `g${g}` })),
        );
        const statuses = await Promise.all(ids.map((id) => host.waitForCompletion(id)));
        expect(statuses.map((s) => s.runtimeStatus)).toEqual(['Completed', 'Completed', 'Completed']);
        expect(log.calls).toHaveLength(60);
        expect(log.peak).toBe(3);
    });

    it('runs sub-orchestrations with explicit and derived instance ids, each with its own status', async () => {
        const log = newActivityLog();
        const host = newHost(log);
        const status = await run(host, 'withSubs', { groups: 3, count: 4 }, 'parent');
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toEqual({
            sums: [14, 14, 14],
            unnamed: { value: 'plain string', parent: 'parent', self: 'parent:3' },
        });
        const children = await host.list({ runtimeStatus: ['Completed'] });
        expect(children.map((s) => s.instanceId).sort()).toEqual([
            'parent',
            'parent:3',
            'parent:group-0',
            'parent:group-1',
            'parent:group-2',
        ]);
        const child = await host.getStatus('parent:group-1');
        expect(child).toMatchObject({ name: 'fanOut', parentInstanceId: 'parent', input: { count: 4 }, output: 14 });
        expect(await host.list({ topLevelOnly: true })).toHaveLength(1);
    });

    it('retries a failing activity with the retry policy, beside a plain activity in the same Task.all', async () => {
        const log = newActivityLog();
        log.flakyFailures.set('k', 2);
        const host = newHost(log);
        const status = await run(host, 'retrying', { key: 'k', attempts: 3, firstRetryMs: 20 });
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toEqual({ first: 'ok k', second: 9 });
        expect(log.calls.filter((c) => c.startsWith('flaky'))).toHaveLength(3);
    });

    it('numbers retry timers before the tasks a completion in the same episode lets the orchestrator schedule', async () => {
        const log = newActivityLog();
        log.flakyFailures.set('race', 1);
        const host = newHost(log);
        const id = await host.startNew('retryRace', { instanceId: 'race' });
        await waitUntil(() => log.running === 2);
        log.release();
        const status = await host.waitForCompletion(id, { timeoutMs: 5_000 });
        expect(status.output).toEqual({ a: 'ok race', first: 16, c: 256 });
        expect(log.calls.slice(0, 2)).toEqual(['gatedFlaky:"race"', 'gatedSquare:4']);
        expect(log.calls.slice(2).sort()).toEqual(['gatedFlaky:"race"', 'square:16']);
    });

    it('fails the task once the attempts are used up, with the last failure', async () => {
        const log = newActivityLog();
        log.flakyFailures.set('k', 5);
        const host = newHost(log);
        const status = await run(host, 'retrying', { key: 'k', attempts: 2, firstRetryMs: 10 });
        expect(status.runtimeStatus).toBe('Failed');
        expect(status.output).toContain("Activity function 'flaky' failed: flaky k failed (4 failures left)");
        expect(log.calls.filter((c) => c.startsWith('flaky'))).toHaveLength(2);
    });

    it('retries sub-orchestrations, restarting the child under the same instance id', async () => {
        const log = newActivityLog();
        log.flakyFailures.set('s', 1);
        const host = newHost(log);
        const status = await run(host, 'retryingSub', { key: 's', attempts: 3 }, 'rs');
        expect(status.output).toBe('ok s');
        log.flakyFailures.set('t', 9);
        const failed = await run(host, 'retryingSub', { key: 't', attempts: 2 }, 'rt');
        expect(failed.runtimeStatus).toBe('Completed');
        expect((failed.output as { failed: string }).failed).toContain("Orchestrator function 'flakyChild' failed");
    });

    it('waits for timers until fireAt, fires past ones at once, and advances currentUtcDateTime', async () => {
        const log = newActivityLog();
        const host = newHost(log);
        const started = Date.now();
        const status = await run(host, 'timers', { delayMs: 300 });
        expect(Date.now() - started).toBeGreaterThanOrEqual(290);
        const { t0, t1, t2 } = status.output as { t0: string; t1: string; t2: string };
        expect(Date.parse(t1) - Date.parse(t0)).toBeGreaterThanOrEqual(300);
        expect(Date.parse(t2)).toBeGreaterThanOrEqual(Date.parse(t1));
    });

    it('reports custom status changes and keeps the last one', async () => {
        const log = newActivityLog();
        const seen: unknown[] = [];
        const host = newHost(log, { onStatus: (_id, s) => seen.push(s) });
        const status = await run(host, 'progress');
        expect(seen).toEqual([
            { step: 1, of: 3 },
            { step: 2, of: 3 },
            { step: 3, of: 3 },
        ]);
        expect(status.customStatus).toEqual({ step: 3, of: 3 });
    });

    it('cancels the timeout timer that lost a Task.any, and completes without waiting for it', async () => {
        const host = newHost(newActivityLog());
        const started = Date.now();
        const status = await run(host, 'timeoutRace', 7, 'race');
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { result: 49 } });
        expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('terminates an instance and its running sub-orchestrations', async () => {
        const log = newActivityLog();
        const host = newHost(log);
        const id = await host.startNew('parentOfWaiters', { instanceId: 'pw' });
        await waitUntil(async () => (await host.list({ runtimeStatus: ['Running'] })).length === 3);
        await host.terminate(id, 'cancelled by the user');
        const status = await host.waitForCompletion(id);
        expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'cancelled by the user' });
        expect((await host.getStatus('pw:w0'))?.runtimeStatus).toBe('Terminated');
        expect((await host.getStatus('pw:w1'))?.output).toBe("parent 'pw' was terminated: cancelled by the user");
        await host.terminate(id, 'again');
        expect((await host.getStatus(id))?.output).toBe('cancelled by the user');
    });

    it('fails Task.all over an empty list as the SDK does', async () => {
        const status = await run(newHost(newActivityLog()), 'emptyAll');
        expect(status.runtimeStatus).toBe('Failed');
        expect(status.output).toContain('you must specify at least one Task');
    });

    it('fails the instance with the error an orchestrator throws', async () => {
        const status = await run(newHost(newActivityLog()), 'throwsAfterActivity');
        expect(status).toMatchObject({ runtimeStatus: 'Failed' });
        expect(status.output).toBe("Orchestrator function 'throwsAfterActivity' failed: the orchestrator gave up");
    });

    it('turns an activity error into TaskFailed: its first line as the reason, name, message and code as details', async () => {
        const log = newActivityLog();
        log.flakyFailures.set('x', 5);
        const host = newHost(log);
        const caught = await run(host, 'caughtFailure');
        expect(caught.runtimeStatus).toBe('Completed');
        expect(caught.output).toBe(
            `Activity function 'fail' failed: failed on purpose: why \n ${JSON.stringify({ name: 'Error', message: 'failed on purpose: why' })}`,
        );
        const uncaught = await run(host, 'uncaughtFailure');
        expect(uncaught.runtimeStatus).toBe('Failed');
        expect(uncaught.output).toContain("Activity function 'fail' failed: failed on purpose: why");

        // A Dataverse error with a two-line message: the reason keeps its first line, the details its fields.
        const dataverse = (await run(host, 'caughtFailure', 'failDataverse')).output as string;
        const [reason, details] = dataverse.split(' \n ');
        expect(reason).toBe(
            "Activity function 'failDataverse' failed: Dataverse 400 0x80040237 on POST /api/data/v9.2/accounts: bad row",
        );
        expect(JSON.parse(details!)).toMatchObject({
            name: 'DataverseError',
            kind: 'http',
            status: 400,
            code: '0x80040237',
            serviceMessage: 'bad row\nsecond line',
        });
        // No stack trace reaches the orchestrator, caught or not, nor an orchestration that fails of it.
        for (const text of [caught.output, uncaught.output, dataverse]) expect(text).not.toMatch(/\n\s+at /);
        const parent = await run(host, 'retryingSub', { key: 'x', attempts: 1 });
        expect(parent.output).toMatchObject({ failed: expect.not.stringMatching(/\n\s+at /) });
    });

    it('fails an activity whose result is not JSON-serialisable, and one that is not registered', async () => {
        const host = newHost(newActivityLog());
        const bigint = await run(host, 'fanOut', { count: 1, activity: 'bigint' });
        expect(bigint.output).toContain("the result of activity 'bigint' is not JSON-serialisable");
        const missing = await run(host, 'fanOut', { count: 1, activity: 'nope' });
        expect(missing.output).toContain("Activity function 'nope' is not registered");
    });

    it('replays with isReplaying set, the same currentUtcDateTime per episode and deterministic guids', async () => {
        const effects: string[] = [];
        const log = newActivityLog();
        const host = newHost(log, { orchestrators: { ...orchestrators, observer: makeObserver(effects) } });
        const status = await run(host, 'observer', undefined, 'obs');
        expect(effects).toEqual(['step 0', 'step 1', 'step 2']);
        const seen = status.output as { time: string; guid: string }[];
        expect(new Set(seen.map((s) => s.guid)).size).toBe(3);
        expect(seen.map((s) => Date.parse(s.time))).toEqual([...seen.map((s) => Date.parse(s.time))].sort());
        // The activity input carried the episode's time, which the SDK replays identically.
        expect(log.calls[1]).toBe(`identity:${JSON.stringify({ when: seen[1]!.time, i: 1 })}`);
    });

    it('detects non-determinism and fails the instance naming the task', async () => {
        const names = { first: 'square' };
        const host = newHost(newActivityLog(), { orchestrators: { ...orchestrators, changing: makeChanging(names) } });
        const id = await host.startNew('changing', { instanceId: 'nd' });
        await waitUntil(async () => (await host.getStatus(id))?.runtimeStatus === 'Running');
        names.first = 'identity';
        const status = await host.waitForCompletion(id);
        expect(status.runtimeStatus).toBe('Failed');
        expect(status.output).toContain(
            "task 0 is activity 'square' in the history, but the replay scheduled activity 'identity' with a different function",
        );
    });

    it('fails an instance whose custom status is over 16 KB, or that uses an API the host does not run', async () => {
        const host = newHost(newActivityLog());
        const big = await run(host, 'bigStatus');
        expect(big.runtimeStatus).toBe('Failed');
        expect(big.output).toContain('the custom status is 20 KB of UTF-16 text; Durable Functions allows 16 KB');
        const http = await run(host, 'usesHttp');
        expect(http.output).toContain('uses callHttp, which the local durable host does not support');
        const events = await run(host, 'usesEvents');
        expect(events.output).toContain('uses waitForExternalEvent, which the local durable host does not support');
        const again = await run(host, 'continuesAsNew');
        expect(again.output).toContain('uses continueAsNew, which the local durable host does not support');
    });

    it('takes episode times from the injected clock and survives observers that throw', async () => {
        const offset = 86_400_000;
        const host = newHost(newActivityLog(), {
            clock: () => new Date(Date.now() + offset),
            onActivity: () => {
                throw new Error('a broken progress bar');
            },
        });
        const status = await run(host, 'clockReader');
        expect(status.runtimeStatus).toBe('Completed');
        expect(Date.parse(status.output as string) - Date.now()).toBeGreaterThan(offset - 60_000);
        expect(status.createdTime.getTime() - Date.now()).toBeGreaterThan(offset - 60_000);
        await expect(host.resume('any')).rejects.toThrow('resume needs a host with a journalDir');
    });

    it('refuses a second live instance with the same id, bad inputs and unknown orchestrators', async () => {
        const host = newHost(newActivityLog());
        await host.startNew('waitsForever', { instanceId: 'once' });
        await expect(host.startNew('waitsForever', { instanceId: 'once' })).rejects.toThrow(/already running/);
        await expect(host.startNew('nope')).rejects.toThrow(/'nope' is not registered.*registered: fanOut/);
        await expect(host.startNew('fanOut', { input: { n: 1n } })).rejects.toThrow(
            /input of orchestration 'fanOut' is not JSON-serialisable/,
        );
        await host.terminate('once', 'done');
        await expect(host.startNew('fanOut', { instanceId: 'once', input: { count: 1 } })).resolves.toBe('once');
        expect((await host.waitForCompletion('once')).output).toBe(0);
    });
});
