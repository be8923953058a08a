/**
 * The RunStore contract, run against both implementations: the filesystem store in a temporary folder
 * and the Blob store against Azurite (started by this file). Whatever one store promises, so does the other.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createBlobRunStore } from '../../src/runlog/blob-store.js';
import { FAILED_ROW_HEADER } from '../../src/runlog/failed-rows.js';
import { createFileRunStore } from '../../src/runlog/file-store.js';
import { runPaths } from '../../src/runlog/layout.js';
import type { RunIndexEntry, RunStore } from '../../src/runlog/types.js';
import { useAzurite } from '../helpers/azurite.js';

const azurite = useAzurite();
const folders: string[] = [];
let containers = 0;

afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

interface StoreOptions {
    /** Blob only: appends per part before rollover. The filesystem store has no such limit. */
    maxAppendsPerBlob?: number;
    maxAppendBytes?: number;
}

/** A store, and `another()`: a second instance over the same documents, as a second process would open it. */
interface Opened {
    store: RunStore;
    another: () => RunStore;
}

const implementations = [
    {
        name: 'filesystem',
        open: async (_options: StoreOptions = {}): Promise<Opened> => {
            const folder = await mkdtemp(join(tmpdir(), 'runlog-'));
            folders.push(folder);
            return { store: createFileRunStore(folder), another: () => createFileRunStore(folder) };
        },
    },
    {
        name: 'blob',
        open: (options: StoreOptions = {}): Promise<Opened> => {
            const name = `runs-${++containers}`;
            const another = () =>
                createBlobRunStore({ container: azurite().serviceClient().getContainerClient(name), ...options });
            return Promise.resolve({ store: another(), another });
        },
    },
];

/** A small RFC 4180 reader, independent of the writer: quoted fields, doubled quotes, CRLF or LF ends. */
function parseCsv(text: string): string[][] {
    const records: string[][] = [];
    let record: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"' && field === '') quoted = true;
        else if (c === ',') {
            record.push(field);
            field = '';
        } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
            if (c === '\r') i++;
            record.push(field);
            records.push(record);
            record = [];
            field = '';
        } else if (c === '"') throw new Error(`stray quote at ${i}`);
        else field += c;
    }
    if (quoted) throw new Error('unterminated quoted field');
    if (field !== '' || record.length > 0) throw new Error('last record has no line end');
    return records;
}

/** What a spreadsheet shows for a field: formula starters come back with the leading `'` we add. */
const shown = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

function entry(runId: string, spec: string, startedAt: string, extra: Partial<RunIndexEntry> = {}): RunIndexEntry {
    return { runId, spec, startedAt, status: 'running', ...extra };
}

describe.each(implementations)('$name run store', (implementation) => {
    it('round-trips JSON documents and reports missing ones as undefined', async () => {
        const { store } = await implementation.open();
        const paths = runPaths('run-1');
        const summary = { tables: { account: { copied: 4000, failed: 2 } }, note: 'ünïcödé ✓', list: [1, null, true] };
        await store.writeJson(paths.summary, summary);
        expect(await store.readJson(paths.summary)).toEqual(summary);
        await store.writeJson(paths.summary, { replaced: true });
        expect(await store.readJson(paths.summary)).toEqual({ replaced: true });
        expect(JSON.parse((await store.readText(paths.summary))!)).toEqual({ replaced: true });

        expect(await store.readJson(paths.plan)).toBeUndefined();
        expect(await store.readText(paths.plan)).toBeUndefined();
        expect(await store.readLines(paths.events)).toEqual([]);
        expect(await store.list('runs/run-2/')).toEqual([]);
        expect(store.location).not.toMatch(/[?]|sig=|AccountKey/);
    });

    it('never lets a reader see part of a document while it is being replaced', async () => {
        const opened = await implementation.open();
        const { store } = opened;
        const reader = opened.another();
        const path = runPaths('big').summary;
        const big = (n: number) => ({
            n,
            rows: Array.from({ length: 20_000 }, (_, i) => ({ i, text: `row ${i} of ${n}` })),
        });
        await store.writeJson(path, big(0));
        let writing = true;
        const seen = new Set<number>();
        const reading = (async () => {
            while (writing) seen.add((await reader.readJson<{ n: number }>(path))!.n);
        })();
        for (let n = 1; n <= 10; n++) await store.writeJson(path, big(n));
        writing = false;
        await reading;
        expect(seen.size).toBeGreaterThan(1);
        expect((await store.readJson<{ n: number; rows: unknown[] }>(path))!.rows).toHaveLength(20_000);
        expect(await store.list(runPaths('big').root)).toEqual([path]);
    });

    it('refuses paths that could escape or collide with its own files, naming the path', async () => {
        const { store } = await implementation.open();
        for (const bad of ['../x.json', '/abs.json', 'a//b.json', 'runs/.hidden.json', 'a\\b.json', ''])
            await expect(store.writeJson(bad, {}), bad).rejects.toThrow(TypeError);
        await expect(store.writeJson('runs/../../etc.json', {})).rejects.toThrow(/runs\/\.\.\/\.\.\/etc\.json/);
        await expect(store.list('runs')).rejects.toThrow(/must end with \//);
        await expect(store.writeJson('runs/x.json', undefined)).rejects.toThrow(/not JSON/);
    });

    it('names a document that is not valid JSON', async () => {
        const { store } = await implementation.open();
        await store.appendLines('runs/r/broken.json', ['{"cut": ']);
        await expect(store.readJson('runs/r/broken.json')).rejects.toThrow(/runs\/r\/broken\.json is not valid JSON/);
    });

    it('appends lines in order and refuses a line holding a line break', async () => {
        const { store } = await implementation.open();
        const { events } = runPaths('run-1');
        await store.appendLines(events, ['{"page":1}', '{"page":2}']);
        await store.appendLines(events, []);
        await store.appendLines(events, ['{"page":3}']);
        expect(await store.readLines(events)).toEqual(['{"page":1}', '{"page":2}', '{"page":3}']);
        await expect(store.appendLines(events, ['ok', 'two\nlines'])).rejects.toThrow(/line 1 contains a line break/);
        expect(await store.readLines(events)).toHaveLength(3);
        await store.appendLines('runs/run-9/events.jsonl', []);
        expect(await store.list('runs/run-9/')).toEqual([]);
    });

    it('loses no line and never interleaves calls: 50 concurrent writers', async () => {
        // A small part limit on Blob: the log also crosses rollovers while the writers race. Blob appends are
        // network round trips to Azurite, so fewer per writer there keep the suite fast; the race is the same.
        const appends = implementation.name === 'blob' ? 20 : 100;
        const { store } = await implementation.open({ maxAppendsPerBlob: implementation.name === 'blob' ? 100 : 500 });
        const { events } = runPaths('busy');
        const writers = 50;
        await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
                for (let i = 0; i < appends; i++)
                    await store.appendLines(events, [`w${w} a${i} 0`, `w${w} a${i} 1`, `w${w} a${i} 2`]);
            }),
        );
        const lines = await store.readLines(events);
        expect(lines).toHaveLength(writers * appends * 3);
        expect(new Set(lines).size).toBe(lines.length);
        const nextAppend = new Map<number, number>();
        for (let at = 0; at < lines.length; at += 3) {
            const [w, a] = /^w(\d+) a(\d+) 0$/.exec(lines[at]!)!.slice(1).map(Number) as [number, number];
            // The three lines of a call sit together, and each writer's calls keep their order.
            expect(lines.slice(at, at + 3)).toEqual([`w${w} a${a} 0`, `w${w} a${a} 1`, `w${w} a${a} 2`]);
            expect(a).toBe(nextAppend.get(w) ?? 0);
            nextAppend.set(w, a + 1);
        }
    }, 120_000);

    it('rolls over at a small limit and reads every part back in order', async () => {
        const opened = await implementation.open({ maxAppendsPerBlob: 5 });
        const { store } = opened;
        const { events, root } = runPaths('rolling');
        const expected: string[] = [];
        for (let i = 0; i < 23; i++) {
            const lines = [`{"i":${i},"k":0}`, `{"i":${i},"k":1}`];
            expected.push(...lines);
            // Two instances take turns, so each finds the other's appends (and parts) on its next one.
            await (i % 3 === 0 ? opened.another() : store).appendLines(events, lines);
        }
        expect(await store.readLines(events)).toEqual(expected);
        // Parts are one document to callers.
        expect(await store.list(root)).toEqual([events]);
        await store.delete(events);
        expect(await store.readLines(events)).toEqual([]);
        expect(await store.list(root)).toEqual([]);
    });

    it('splits an append over the size limit at line ends only', async () => {
        const { store } = await implementation.open({ maxAppendBytes: 64 });
        const lines = Array.from({ length: 30 }, (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(10)}`);
        await store.appendLines('runs/r/events.jsonl', lines);
        expect(await store.readLines('runs/r/events.jsonl')).toEqual(lines);
    });

    it('writes CSV that opens in a spreadsheet: BOM, header once, RFC 4180 quoting, no formulas', async () => {
        const { store } = await implementation.open({ maxAppendsPerBlob: 3 });
        const path = runPaths('csv').errors('contact');
        const header = ['table', 'sourceId', 'message'];
        const tricky = [
            ['contact', 'a,b', 'say "hi"'],
            ['contact', 'line\nbreak', 'crlf\r\nend'],
            ['contact', '=HYPERLINK("http://x")', '+1'],
            ['contact', '-2', '@SUM(A1)'],
            ['contact', '', ' padded '],
            ['kontakt', 'ünï ✓', '\ttab'],
        ];
        await store.appendCsv(path, header, tricky.slice(0, 2));
        for (const record of tricky.slice(2)) await store.appendCsv(path, header, [record]);
        const text = (await store.readText(path))!;
        expect(text.startsWith('\uFEFFtable,sourceId,message\r\n')).toBe(true);
        expect(text.split('table,sourceId,message')).toHaveLength(2);
        const [head, ...records] = parseCsv(text.slice(1));
        expect(head).toEqual(header);
        expect(records).toEqual(tricky.map((record) => record.map(shown)));
    });

    it('round-trips any text through appendCsv and a real CSV reader', async () => {
        const { store } = await implementation.open();
        let run = 0;
        await fc.assert(
            fc.asyncProperty(
                fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string()), { minLength: 1, maxLength: 5 }),
                async (records) => {
                    const path = `runs/prop/errors/t${run++}.csv`;
                    await store.appendCsv(path, ['a', 'b'], records);
                    const [head, ...back] = parseCsv((await store.readText(path))!.slice(1));
                    expect(head).toEqual(['a', 'b']);
                    expect(back).toEqual(records.map((record) => record.map(shown)));
                },
            ),
            { numRuns: 40 },
        );
    });

    it('keeps the header once under concurrent CSV appends, and refuses another header or width', async () => {
        const opened = await implementation.open({ maxAppendsPerBlob: 4 });
        const instances = [opened.store, opened.another()];
        const path = runPaths('csv').errors('account');
        const header = ['id', 'n'];
        // Both instances race to create the file.
        await Promise.all(
            Array.from({ length: 20 }, async (_, w) => {
                for (let i = 0; i < 5; i++) await instances[w % 2]!.appendCsv(path, header, [[`w${w}`, String(i)]]);
            }),
        );
        const [head, ...records] = parseCsv((await opened.store.readText(path))!.slice(1));
        expect(head).toEqual(header);
        expect(records).toHaveLength(100);
        expect(new Set(records.map((r) => r.join(' '))).size).toBe(100);
        await expect(opened.store.appendCsv(path, ['id', 'other'], [['x', 'y']])).rejects.toThrow(/another header/);
        // A third instance, which has not written this file yet, checks the header it finds.
        await expect(opened.another().appendCsv(path, ['id', 'other'], [['x', 'y']])).rejects.toThrow(
            /created with another header \("id,n"\)/,
        );
        await expect(opened.store.appendCsv(path, header, [['only one']])).rejects.toThrow(/record 0 has 1 fields/);
        expect(parseCsv((await opened.store.readText(path))!.slice(1))).toHaveLength(101);

        const empty = runPaths('csv').errors('lead');
        await opened.store.appendCsv(empty, header, []);
        expect(await opened.store.readText(empty)).toBe('\uFEFFid,n\r\n');
        await opened.another().appendCsv(empty, header, [['1', '2']]);
        expect(await opened.store.readText(empty)).toBe('\uFEFFid,n\r\n1,2\r\n');
    });

    it('writes the failed-rows CSV under its fixed columns', async () => {
        const { store } = await implementation.open();
        const row = [
            'account',
            '8d1c3f5e-0000-0000-0000-000000000001',
            'copy',
            '400',
            '0x80040237',
            '',
            'Cannot insert duplicate key, "name"',
            '2025-01-01T10:00:00.000Z',
        ];
        await store.appendCsv(runPaths('run-5').errors('account'), FAILED_ROW_HEADER, [row]);
        const [head, back] = parseCsv((await store.readText(runPaths('run-5').errors('account')))!.slice(1));
        expect(head).toEqual([...FAILED_ROW_HEADER]);
        expect(back).toEqual(row);
    });

    it('lists documents under a prefix, sorted, and deletes them', async () => {
        const { store } = await implementation.open();
        const paths = runPaths('run-1');
        await store.writeJson(paths.work('deferred', 'account', 2), [1]);
        await store.writeJson(paths.summary, {});
        await store.writeJson(paths.pages('account'), []);
        await store.appendLines(paths.events, ['x']);
        await store.writeJson(runPaths('run-10').summary, {});
        expect(await store.list(paths.root)).toEqual([
            paths.events,
            paths.pages('account'),
            paths.summary,
            paths.work('deferred', 'account', 2),
        ]);
        expect(await store.list('runs/run-1/work/')).toEqual([paths.work('deferred', 'account', 2)]);
        await store.delete(paths.summary);
        await store.delete(paths.summary);
        await store.delete(paths.events);
        expect(await store.readJson(paths.summary)).toBeUndefined();
        expect(await store.list(paths.root)).toEqual([paths.pages('account'), paths.work('deferred', 'account', 2)]);
        expect(await store.list('runs/run-10/')).toEqual([runPaths('run-10').summary]);

        // Documents whose names look like the parts of a rolled-over log are documents all the same.
        await store.writeJson('runs/run-3/x.json', 1);
        await store.writeJson('runs/run-3/x.2024.json', 2);
        expect(await store.list('runs/run-3/')).toEqual(['runs/run-3/x.2024.json', 'runs/run-3/x.json']);
        await store.delete('runs/run-3/x.json');
        expect(await store.readJson('runs/run-3/x.2024.json')).toBe(2);
    });

    it('lists runs newest first, by page, by spec, and keeps one entry per run', async () => {
        const { store } = await implementation.open();
        const runs = [
            entry('r1', 'crm-seed', '2025-01-01T10:00:00.000Z'),
            entry('r2', 'crm-seed', '2025-01-02T10:00:00.000Z', { status: 'succeeded', failedRows: 0 }),
            entry('r3', 'nightly', '2025-01-03T10:00:00.000Z', { trigger: 'schedule' }),
            entry('r4b', 'nightly', '2025-01-04T10:00:00.000Z'),
            entry('r4a', 'crm-seed', '2025-01-04T10:00:00.000Z'),
            entry('r5', 'nightly', '2025-02-01T00:00:00.123Z'),
            entry('r6', 'crm-seed', '2024-12-31T23:59:59.999Z'),
        ];
        await Promise.all(runs.map((run) => store.indexRun(run)));
        const newestFirst = ['r5', 'r4a', 'r4b', 'r3', 'r2', 'r1', 'r6'];
        expect((await store.listRuns()).runs.map((run) => run.runId)).toEqual(newestFirst);
        expect((await store.listRuns()).cursor).toBeUndefined();

        const paged: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
            const page = await store.listRuns({ limit: 3, cursor });
            expect(page.runs.length).toBeLessThanOrEqual(3);
            paged.push(...page.runs.map((run) => run.runId));
            cursor = page.cursor;
            pages++;
        } while (cursor !== undefined && pages < 10);
        expect(paged).toEqual(newestFirst);

        const seed = await store.listRuns({ spec: 'crm-seed', limit: 2 });
        expect(seed.runs.map((run) => run.runId)).toEqual(['r4a', 'r2']);
        const rest = await store.listRuns({ spec: 'crm-seed', limit: 2, cursor: seed.cursor });
        expect(rest.runs.map((run) => run.runId)).toEqual(['r1', 'r6']);
        expect(rest.runs[0]).toEqual(runs[0]);
        await expect(store.listRuns({ cursor: seed.cursor })).rejects.toThrow(/another spec filter/);
        await expect(store.listRuns({ cursor: 'garbage' })).rejects.toThrow(/cursor/);
        expect((await store.listRuns({ spec: 'unknown' })).runs).toEqual([]);

        // An update replaces the entry where it is; one that changes start time or spec moves it.
        await store.indexRun({ ...runs[0]!, status: 'failed', failedRows: 12, finishedAt: '2025-01-01T11:00:00Z' });
        await store.indexRun({ ...runs[6]!, spec: 'nightly', startedAt: '2025-03-01T00:00:00.000Z' });
        const after = (await store.listRuns()).runs;
        expect(after.map((run) => run.runId)).toEqual(['r6', 'r5', 'r4a', 'r4b', 'r3', 'r2', 'r1']);
        expect(after.find((run) => run.runId === 'r1')).toMatchObject({ status: 'failed', failedRows: 12 });
        expect((await store.listRuns({ spec: 'crm-seed' })).runs.map((run) => run.runId)).toEqual(['r4a', 'r2', 'r1']);
        expect((await store.listRuns({ spec: 'nightly' })).runs.map((run) => run.runId)).toEqual([
            'r6',
            'r5',
            'r4b',
            'r3',
        ]);
    });

    it('refuses a bad index entry or listing option, naming the field', async () => {
        const { store } = await implementation.open();
        await expect(store.indexRun(entry('r1', 'crm-seed', 'yesterday'))).rejects.toThrow(/startedAt/);
        await expect(store.indexRun(entry('../r1', 'crm-seed', '2025-01-01T00:00:00Z'))).rejects.toThrow(/runId/);
        await expect(
            store.indexRun({ ...entry('r1', 'crm-seed', '2025-01-01T00:00:00Z'), status: 'done' as never }),
        ).rejects.toThrow(/status/);
        await expect(store.listRuns({ limit: 0 })).rejects.toThrow(/limit/);
        expect((await store.listRuns()).runs).toEqual([]);
    });
});
