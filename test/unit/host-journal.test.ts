/**
 * The instance journal on a real filesystem: group-committed appends, a torn last line ignored and cut off,
 * corrupt or invalid records refused with the file and line, and file names for any instance id.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Execution } from '../../src/host/local/execution.js';
import { parentMessageOf, statusOf } from '../../src/host/local/status.js';
import { playedHistory } from '../../src/host/local/sdk-v3/execution-history.js';
import {
    FileJournal,
    instanceIdOfFileName,
    journalFileName,
    JournalError,
    readJournal,
    type JournalRecord,
    type JournalStats,
} from '../../src/host/local/journal.js';

let dir: string;
const stats = (): JournalStats => ({ journalRecords: 0, journalBytes: 0, journalSyncs: 0, journalMs: 0 });
const start: JournalRecord = {
    k: 'start',
    v: 1,
    execution: 0,
    name: 'o',
    instanceId: 'i',
    at: '2024-01-01T00:00:00.000Z',
};
const message = (n: number): JournalRecord => ({
    k: 'msg',
    execution: 0,
    n,
    at: '2024-01-01T00:00:01.000Z',
    // A completion of a task the episodes below do not schedule: it waits in the inbox and changes nothing else.
    m: { kind: 'taskCompleted', taskId: 1000 + n, result: String(n) },
});

beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-journal-'));
});
afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
});

describe('FileJournal and readJournal', () => {
    it('writes concurrent appends in few group commits and reads them back in order', async () => {
        const path = join(dir, 'a.jsonl');
        const counters = stats();
        const journal = await FileJournal.open(path, counters, { fresh: true });
        await journal.append(start);
        await Promise.all(Array.from({ length: 100 }, (_, i) => journal.append(message(i + 1))));
        await journal.close();
        expect(counters.journalRecords).toBe(101);
        expect(counters.journalSyncs).toBeLessThan(10);
        const contents = await readJournal(path);
        expect(contents?.records).toEqual([start, ...Array.from({ length: 100 }, (_, i) => message(i + 1))]);
        expect(contents?.torn).toBe(false);
        expect(await readJournal(join(dir, 'missing.jsonl'))).toBeUndefined();
    });

    it('ignores a torn last line, and a writer continuing the journal cuts it off', async () => {
        const path = join(dir, 'torn.jsonl');
        await writeFile(path, `${JSON.stringify(start)}\n${JSON.stringify(message(1)).slice(0, 20)}`);
        const contents = (await readJournal(path))!;
        expect(contents).toMatchObject({ records: [start], torn: true });
        const journal = await FileJournal.open(path, stats(), { fresh: false, validBytes: contents.validBytes });
        await journal.append(message(1));
        await journal.close();
        expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(start)}\n${JSON.stringify(message(1))}\n`);
    });

    it('refuses a corrupt line before the last, naming the file and line', async () => {
        const path = join(dir, 'bad.jsonl');
        await writeFile(path, `${JSON.stringify(start)}\n{not json\n${JSON.stringify(message(1))}\n`);
        await expect(readJournal(path)).rejects.toThrow(
            new RegExp(`${path.replace(/[/\\.]/g, '\\$&')}:2: not a JSON record`),
        );
        await expect(readJournal(path)).rejects.toBeInstanceOf(JournalError);
    });

    it('refuses a record of the wrong shape with the field at fault', async () => {
        const path = join(dir, 'shape.jsonl');
        await writeFile(path, `${JSON.stringify({ ...start, execution: -1 })}\n`);
        await expect(readJournal(path)).rejects.toThrow(/shape\.jsonl:1: not a journal record at execution/);
        await writeFile(path, `${JSON.stringify({ k: 'other' })}\n`);
        await expect(readJournal(path)).rejects.toThrow(/shape\.jsonl:1: not a journal record at k/);
    });

    it('refuses appends once closed instead of losing records silently', async () => {
        const journal = await FileJournal.open(join(dir, 'closed.jsonl'), stats(), { fresh: true });
        await journal.close();
        await expect(journal.append(start)).rejects.toThrow(/is closed/);
    });

    it('gives every instance id one reversible, safe file name', () => {
        for (const id of ['run-1', 'run:account', 'a/b\\c', '..', '*?<>|"', 'ünï cødé', "it's (x)!~"]) {
            const name = journalFileName(id);
            expect(name).toMatch(/^[A-Za-z0-9%_-]+\.jsonl$/);
            expect(instanceIdOfFileName(name)).toBe(id);
        }
        expect(instanceIdOfFileName('notes.txt')).toBeUndefined();
    });
});

describe('Execution.fromRecords', () => {
    it('rebuilds the inbox and outstanding tasks, and names the line of an inconsistent record', () => {
        const episode: JournalRecord = {
            k: 'episode',
            execution: 0,
            at: '2024-01-01T00:00:00.000Z',
            consumed: [0],
            scheduled: [
                { id: 0, kind: 'activity', name: 'a' },
                { id: 1, kind: 'timer', fireAt: '2024-01-01T01:00:00.000Z' },
            ],
        };
        const exec = Execution.fromRecords([start, episode, message(1)], 'j');
        expect([...exec.outstanding]).toEqual([0, 1]);
        expect(exec.inbox.map((e) => e.n)).toEqual([1]);
        expect(playedHistory(exec).map((e) => e.EventType)).toEqual([12, 0, 4, 10, 13]);
        expect(() => Execution.fromRecords([message(1)], 'j')).toThrow("j:1: a 'msg' record before any 'start' record");
        const skipped = { ...episode, scheduled: [{ id: 3, kind: 'activity' as const, name: 'a' }] };
        expect(() => Execution.fromRecords([start, skipped], 'j')).toThrow('j:2: task id 3 of i is out of sequence');
        expect(() => Execution.fromRecords([start, { ...message(1), execution: 2 }], 'j')).toThrow(
            'j:2: a record of execution 2 inside execution 0',
        );
    });

    it("lets go of a finished execution's episodes, tasks and messages, and still tells its status", () => {
        const scheduled: JournalRecord = {
            k: 'episode',
            execution: 0,
            at: '2024-01-01T00:00:00.000Z',
            consumed: [0],
            scheduled: [{ id: 0, kind: 'activity', name: 'a' }],
        };
        const done: JournalRecord = {
            k: 'episode',
            execution: 0,
            at: '2024-01-01T00:00:01.000Z',
            consumed: [1],
            scheduled: [],
            outcome: { status: 'Completed', output: '"ok"' },
        };
        const completed: JournalRecord = {
            k: 'msg',
            execution: 0,
            n: 1,
            at: '2024-01-01T00:00:01.000Z',
            m: { kind: 'taskCompleted', taskId: 0, result: '"r"' },
        };
        const exec = Execution.fromRecords([start, scheduled, completed, done], 'j');
        const before = { status: statusOf(exec), parent: parentMessageOf(exec) };
        expect(exec.tasks.size).toBe(1);
        exec.releaseHistory();
        expect([exec.played.length, exec.tasks.size, exec.outstanding.size, exec.inbox.length]).toEqual([0, 0, 0, 0]);
        expect({ status: statusOf(exec), parent: parentMessageOf(exec) }).toEqual(before);
        expect(before.status.output).toBe('ok');
    });
});
