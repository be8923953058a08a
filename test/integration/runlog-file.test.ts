/**
 * What only the filesystem store has to get right: leftovers of a crash (a temporary file, a line cut
 * short) never show as documents or glue onto the next line, and the default root is the CLI's.
 */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileRunStore, DEFAULT_RUN_STORE_ROOT } from '../../src/runlog/file-store.js';
import { runPaths } from '../../src/runlog/layout.js';

let root: string;

beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'runlog-file-'));
});

afterEach(async () => {
    await rm(root, { recursive: true, force: true });
});

describe('filesystem run store', () => {
    it('keeps the documents under its root, in the layout paths', async () => {
        const store = createFileRunStore(root);
        expect(store.location).toBe(root);
        await store.writeJson(runPaths('r1').summary, { ok: true });
        expect(JSON.parse(await readFile(join(root, 'runs', 'r1', 'summary.json'), 'utf8'))).toEqual({ ok: true });
        expect(createFileRunStore().location).toBe(join(process.cwd(), DEFAULT_RUN_STORE_ROOT));
    });

    it('ignores the temporary file a crashed write leaves, and leaves none of its own', async () => {
        const store = createFileRunStore(root);
        const { summary, root: folder } = runPaths('r1');
        await store.writeJson(summary, { version: 1 });
        // What a process killed between writing its temporary file and the rename leaves behind.
        await writeFile(join(root, 'runs', 'r1', '.summary.json.999.1700000000000.tmp'), '{"version": 2, "cut');
        expect(await store.readJson(summary)).toEqual({ version: 1 });
        expect(await store.list(folder)).toEqual([summary]);
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.writeJson(summary, { version: i })));
        const names = await readdir(join(root, 'runs', 'r1'));
        expect(names.filter((name) => name.endsWith('.tmp'))).toEqual(['.summary.json.999.1700000000000.tmp']);
    });

    it('reads complete lines only, and starts a new line after a line cut short by a crash', async () => {
        const { events } = runPaths('r1');
        const file = join(root, 'runs', 'r1', 'events.jsonl');
        await mkdir(join(root, 'runs', 'r1'), { recursive: true });
        await writeFile(file, '{"page":1}\n{"page":2,"cu');
        const store = createFileRunStore(root);
        expect(await store.readLines(events)).toEqual(['{"page":1}']);
        await store.appendLines(events, ['{"page":3}']);
        await store.appendLines(events, ['{"page":4}']);
        expect(await store.readLines(events)).toEqual(['{"page":1}', '{"page":2,"cu', '{"page":3}', '{"page":4}']);
        // An append by another process after this one's check is not repaired twice.
        await appendFile(file, '{"page":5}\n');
        await store.appendLines(events, ['{"page":6}']);
        expect((await store.readLines(events)).slice(-2)).toEqual(['{"page":5}', '{"page":6}']);
    });

    it('keeps whole appends apart when several instances (processes) append to one file', async () => {
        const stores = Array.from({ length: 4 }, () => createFileRunStore(root));
        const { events } = runPaths('shared');
        await Promise.all(
            Array.from({ length: 40 }, async (_, w) => {
                for (let i = 0; i < 50; i++)
                    await stores[w % 4]!.appendLines(events, [`w${w} ${i} a ${'x'.repeat(200)}`, `w${w} ${i} b`]);
            }),
        );
        const lines = await stores[0]!.readLines(events);
        expect(lines).toHaveLength(40 * 50 * 2);
        for (let at = 0; at < lines.length; at += 2) {
            const [, w, i] = /^w(\d+) (\d+) a x+$/.exec(lines[at]!)!;
            expect(lines[at + 1]).toBe(`w${w} ${i} b`);
        }
    });

    it('names a folder where a document was expected', async () => {
        const store = createFileRunStore(root);
        await store.writeJson('runs/r1/pages/account.copy.json', []);
        await expect(store.readJson('runs/r1/pages')).rejects.toThrow(/cannot read .*runs\/r1\/pages: EISDIR/);
    });
});
