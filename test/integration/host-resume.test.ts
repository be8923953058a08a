/**
 * The journal makes runs resumable: a host stopped midway and a REAL child process killed with SIGKILL in the
 * middle of a fan-out are continued by a new host on the same folder, which replays the history and runs only
 * what never completed (activities, timers, sub-orchestrations from their own journals).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalDurableHost, readJournal, type LocalDurableHostOptions } from '../../src/host/local/index.js';
import { journalPath } from '../../src/host/local/journal.js';
import {
    makeActivities,
    makeChanging,
    newActivityLog,
    orchestrators,
    type ActivityLog,
} from '../fixtures/host/orchestrators.js';
import { compileWorker, waitUntil } from './host-helpers.js';

let dir: string;
const hosts: LocalDurableHost[] = [];

beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-resume-'));
});
afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    await rm(dir, { recursive: true, force: true });
});

function newHost(log: ActivityLog, delayMs = 0, options: Partial<LocalDurableHostOptions> = {}): LocalDurableHost {
    const host = new LocalDurableHost({
        orchestrators,
        activities: makeActivities(log, delayMs),
        journalDir: dir,
        maxConcurrentActivities: 4,
        ...options,
    });
    hosts.push(host);
    return host;
}

const sumOfSquares = (n: number): number => Array.from({ length: n }, (_, i) => i * i).reduce((a, b) => a + b, 0);

describe('resuming from the journal in process', () => {
    it('continues a stopped fan-out and runs only the activities that never ran', async () => {
        const before = newActivityLog();
        const first = newHost(before, 5);
        await first.startNew('fanOut', { instanceId: 'fan', input: { count: 60 } });
        await waitUntil(() => before.calls.length >= 20);
        await first.stop();
        expect((await first.getStatus('fan'))?.runtimeStatus).toBe('Running');
        const ranBefore = new Set(before.calls);
        expect(ranBefore.size).toBeLessThan(60);

        const after = newActivityLog();
        const second = newHost(after, 5);
        // Two resumes at once revive the instance once.
        await Promise.all([second.resume('fan'), second.resume('fan')]);
        const status = await second.waitForCompletion('fan');
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: sumOfSquares(60) });
        // A stop lets running activities finish and journals them: nothing runs twice.
        expect(after.calls.filter((c) => ranBefore.has(c))).toEqual([]);
        expect(new Set([...before.calls, ...after.calls]).size).toBe(60);
        expect(after.calls).toHaveLength(60 - before.calls.length);
    });

    it('resumes sub-orchestrations from their own journals', async () => {
        const before = newActivityLog();
        const first = newHost(before, 5);
        await first.startNew('withSubs', { instanceId: 'tree', input: { groups: 3, count: 10 } });
        await waitUntil(() => before.calls.length >= 12);
        await first.stop();
        const after = newActivityLog();
        const second = newHost(after, 5);
        await second.resume('tree');
        const status = await second.waitForCompletion('tree');
        expect(status.output).toEqual({
            sums: [285, 285, 285],
            unnamed: { value: 'plain string', parent: 'tree', self: 'tree:3' },
        });
        expect(before.calls.length + after.calls.length).toBe(31);
        expect((await second.getStatus('tree:group-2'))?.runtimeStatus).toBe('Completed');
    });

    it('re-arms a pending timer for its remaining time', async () => {
        const log = newActivityLog();
        const first = newHost(log);
        const started = Date.now();
        await first.startNew('timers', { instanceId: 'tm', input: { delayMs: 400 } });
        await waitUntil(async () => (await first.getStatus('tm'))?.runtimeStatus === 'Running');
        await first.stop();
        const second = newHost(log);
        await second.resume('tm');
        const status = await second.waitForCompletion('tm');
        expect(Date.now() - started).toBeGreaterThanOrEqual(390);
        const { t0, t1 } = status.output as { t0: string; t1: string; t2: string };
        expect(Date.parse(t1) - Date.parse(t0)).toBeGreaterThanOrEqual(400);
    });

    it('ignores a torn last line left by a crash', async () => {
        const before = newActivityLog();
        const first = newHost(before, 5);
        await first.startNew('fanOut', { instanceId: 'torn', input: { count: 20 } });
        await waitUntil(() => before.calls.length >= 5);
        await first.stop();
        await appendFile(journalPath(dir, 'torn'), '{"k":"msg","execution":0,"n":99,"at":"2024');
        const second = newHost(newActivityLog());
        await second.resume('torn');
        expect((await second.waitForCompletion('torn')).output).toBe(sumOfSquares(20));
        const journal = await readJournal(journalPath(dir, 'torn'));
        expect(journal?.torn).toBe(false);
    });

    it('fails a resumed instance whose orchestrator code changed, naming the task', async () => {
        const names = { first: 'square' };
        const changing = { ...orchestrators, changing: makeChanging(names) };
        const first = newHost(newActivityLog(), 0, { orchestrators: changing });
        await first.startNew('changing', { instanceId: 'chg' });
        await waitUntil(async () => (await first.getStatus('chg'))?.runtimeStatus === 'Running');
        await first.stop();
        names.first = 'identity';
        const second = newHost(newActivityLog(), 0, { orchestrators: changing });
        await second.resume('chg');
        const status = await second.waitForCompletion('chg');
        expect(status.runtimeStatus).toBe('Failed');
        expect(status.output).toContain(
            "task 0 is activity 'square' in the history, but the replay scheduled activity 'identity'",
        );
    });

    it('refuses to start over an unfinished journal, and terminates or reports instances from disk', async () => {
        const first = newHost(newActivityLog());
        await first.startNew('waitsForever', { instanceId: 'old' });
        await first.startNew('fanOut', { instanceId: 'done', input: { count: 3 } });
        await first.waitForCompletion('done');
        await waitUntil(async () => (await first.getStatus('old'))?.runtimeStatus === 'Running');
        await first.stop();
        const second = newHost(newActivityLog());
        await expect(second.startNew('waitsForever', { instanceId: 'old' })).rejects.toThrow(/unfinished journal/);
        expect(await second.getStatus('done')).toMatchObject({ runtimeStatus: 'Completed', output: 5 });
        await second.terminate('old', 'abandoned');
        expect((await second.getStatus('old'))?.runtimeStatus).toBe('Terminated');
        const all = await second.list();
        expect(all.map((s) => [s.instanceId, s.runtimeStatus]).sort()).toEqual([
            ['done', 'Completed'],
            ['old', 'Terminated'],
        ]);
        await expect(second.resume('missing')).rejects.toThrow(/no journal for orchestration instance 'missing'/);
        // A finished instance may be replaced by a new one with the same id.
        await second.startNew('fanOut', { instanceId: 'old', input: { count: 2 } });
        expect((await second.waitForCompletion('old')).output).toBe(1);
    });

    it('lets one host at a time use a journal folder, taking over the lock of a process that has exited', async () => {
        const first = newHost(newActivityLog());
        // The lock is held while an instance of the folder is live.
        await first.startNew('waitsForever', { instanceId: 'a' });
        const second = newHost(newActivityLog());
        await expect(second.startNew('fanOut', { instanceId: 'b', input: { count: 1 } })).rejects.toThrow(
            /is in use by another host in this process/,
        );
        await first.stop();
        await second.startNew('waitsForever', { instanceId: 'b' });
        await waitUntil(async () => (await second.getStatus('b'))?.runtimeStatus === 'Running');
        await second.stop();

        const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
        await writeFile(join(dir, '.lock'), JSON.stringify({ pid: holder.pid }));
        try {
            await expect(newHost(newActivityLog()).resume('b')).rejects.toThrow(`is in use by process ${holder.pid}`);
        } finally {
            holder.kill('SIGKILL');
            await new Promise((r) => holder.once('exit', r));
        }
        const third = newHost(newActivityLog());
        await third.resume('b');
        expect((await third.getStatus('b'))?.runtimeStatus).toBe('Running');
    });

    it('frees the folder once its instances have finished, so that another host may use it', async () => {
        const first = newHost(newActivityLog());
        await first.startNew('fanOut', { instanceId: 'x', input: { count: 2 } });
        await first.waitForCompletion('x');
        await waitUntil(() => !existsSync(join(dir, '.lock')));
        const second = newHost(newActivityLog());
        await second.startNew('fanOut', { instanceId: 'y', input: { count: 3 } });
        expect((await second.waitForCompletion('y')).output).toBe(5);
        expect((await second.getStatus('x'))?.runtimeStatus).toBe('Completed');
    });

    it('refuses a journal that is corrupt before its last line, naming the file and line', async () => {
        await mkdir(dir, { recursive: true });
        const start = {
            k: 'start',
            v: 1,
            execution: 0,
            name: 'fanOut',
            instanceId: 'bad',
            at: '2024-01-01T00:00:00.000Z',
        };
        await writeFile(journalPath(dir, 'bad'), `${JSON.stringify(start)}\n{broken\n{}\n`);
        const host = newHost(newActivityLog());
        await expect(host.resume('bad')).rejects.toThrow(/bad\.jsonl:2: not a JSON record/);
    });
});

describe('stopping a host in the middle of long activities', () => {
    it('aborts the running activities, drops the queued ones and answers every wait at once; a resume completes', async () => {
        const before = newActivityLog();
        before.blocked = true;
        const first = newHost(before, 0, { maxConcurrentActivities: 2 });
        await first.startNew('fanOut', { instanceId: 'long', input: { count: 6, activity: 'patient' } });
        await waitUntil(() => before.calls.length === 2);
        const waiting = first.waitForCompletion('long');
        const started = Date.now();
        const stopping = first.stop();
        const status = await waiting;
        expect(Date.now() - started).toBeLessThan(200);
        expect(status.runtimeStatus).toBe('Running');
        await stopping;
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(before.aborted.sort()).toEqual([
            'patient:0: the local durable host stopped',
            'patient:1: the local durable host stopped',
        ]);
        // The four queued activities never started; a wait after the stop answers at once too.
        expect(before.calls.sort()).toEqual(['patient:0', 'patient:1']);
        expect((await first.waitForCompletion('long')).runtimeStatus).toBe('Running');

        const after = newActivityLog();
        const second = newHost(after);
        await second.resume('long');
        expect(await second.waitForCompletion('long')).toMatchObject({ runtimeStatus: 'Completed', output: 15 });
        expect(after.calls.sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `patient:${i}`));
    });

    it('does not wait past the grace period for an activity that ignores its signal, nor journal it later', async () => {
        const log = newActivityLog();
        const first = newHost(log, 0, { stopGraceMs: 200 });
        await first.startNew('fanOut', { instanceId: 'deaf', input: { count: 1, activity: 'stubborn' } });
        await waitUntil(() => log.calls.length === 1);
        const started = Date.now();
        await first.stop();
        expect(Date.now() - started).toBeLessThan(2_000);
        const records = (await readJournal(journalPath(dir, 'deaf')))!.records.length;
        log.release();
        await new Promise((r) => setTimeout(r, 50));
        expect((await readJournal(journalPath(dir, 'deaf')))!.records).toHaveLength(records);
        expect((await first.getStatus('deaf'))?.runtimeStatus).toBe('Running');

        const second = newHost(log);
        await second.resume('deaf');
        expect(await second.waitForCompletion('deaf')).toMatchObject({ runtimeStatus: 'Completed', output: 0 });
        expect(log.calls).toEqual(['stubborn:0', 'stubborn:0']);
    });
});

describe('resuming a process killed with SIGKILL', () => {
    let worker: string;

    beforeAll(async () => {
        worker = await compileWorker('host-kill-test', 'test/fixtures/host/kill-worker.ts');
    }, 120_000);

    function runWorker(args: string[]) {
        const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
            child.on('exit', (code, signal) => r({ code, signal })),
        );
        return { child, exited, out: () => stdout, err: () => stderr };
    }

    it('completes after a kill mid fan-out, and no activity whose completion was journaled runs again', async () => {
        const journalDir = join(dir, 'journal');
        const executions = join(dir, 'executions.txt');
        const journalFile = journalPath(journalDir, 'killed-run');
        const count = 200;
        const first = runWorker(['start', journalDir, executions, String(count)]);
        const completedLines = async (): Promise<number> =>
            (await readFile(journalFile, 'utf8').catch(() => '')).split('"kind":"taskCompleted"').length - 1;
        await waitUntil(async () => (await completedLines()) >= 40, 30_000);
        first.child.kill('SIGKILL');
        expect((await first.exited).signal).toBe('SIGKILL');
        expect(first.out()).toBe('');
        const readRuns = async (): Promise<number[]> =>
            (await readFile(executions, 'utf8')).trim().split('\n').map(Number);
        const startedBeforeKill = new Set(await readRuns());

        // What the journal holds now is what the resumed run must not redo.
        const journal = (await readJournal(journalFile))!;
        const inputOf = new Map<number, number>();
        const completed = new Set<number>();
        for (const record of journal.records) {
            if (record.k === 'episode')
                for (const t of record.scheduled) if (t.kind === 'activity') inputOf.set(t.id, Number(t.input));
            if (record.k === 'msg' && record.m.kind === 'taskCompleted') completed.add(inputOf.get(record.m.taskId)!);
        }
        expect(inputOf.size).toBe(count);
        expect(completed.size).toBeGreaterThanOrEqual(40);
        expect(completed.size).toBeLessThan(count);

        const second = runWorker(['resume', journalDir, executions, String(count)]);
        const exit = await second.exited;
        expect(exit.code, second.err()).toBe(0);
        const result = JSON.parse(second.out()) as { runtimeStatus: string; output: number };
        expect(result).toMatchObject({ runtimeStatus: 'Completed', output: sumOfSquares(count) });

        const runs = new Map<number, number>();
        for (const input of await readRuns()) runs.set(input, (runs.get(input) ?? 0) + 1);
        expect([...runs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
        expect([...runs.values()].every((n) => n <= 2)).toBe(true);
        // Only activities that had started but whose completion was not yet on disk may run twice.
        const ranTwice = [...runs].filter(([, n]) => n > 1).map(([input]) => input);
        const unfinishedAtKill = [...startedBeforeKill].filter((input) => !completed.has(input));
        expect(ranTwice.every((input) => unfinishedAtKill.includes(input))).toBe(true);
        expect(ranTwice.filter((input) => completed.has(input))).toEqual([]);
    }, 120_000);
});
