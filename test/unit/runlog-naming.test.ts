/** The names the stores build: checked relative paths, append-log part names, and run index markers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partBase, partName, partNumber, partsPrefix } from '../../src/runlog/blob-parts.js';
import { KeyedQueue } from '../../src/runlog/keyed-queue.js';
import { lineUnits, splitLines } from '../../src/runlog/lines.js';
import { checkPath, checkPrefix } from '../../src/runlog/paths.js';
import { markerName } from '../../src/runlog/run-index.js';

describe('store paths', () => {
    it('accepts layout paths and refuses what could escape or hide', () => {
        expect(checkPath('runs/r1/errors/account.csv')).toBe('runs/r1/errors/account.csv');
        expect(checkPrefix('')).toBe('');
        expect(checkPrefix('runs/r1/')).toBe('runs/r1/');
        expect(() => checkPath('runs/../x')).toThrow(
            "run store path 'runs/../x' has a segment starting with '.' ('..')",
        );
        expect(() => checkPath('/etc/passwd')).toThrow(/must be relative/);
        expect(() => checkPath('runs//x')).toThrow(/empty segment/);
        expect(() => checkPath('runs\\x')).toThrow(/separator/);
        expect(() => checkPath('runs/\u0000x')).toThrow(/control character/);
        expect(() => checkPrefix('runs')).toThrow(/must end with \//);
    });
});

describe('append-log parts', () => {
    it('names parts after the first before the extension, and reads the names back', () => {
        expect(partName('runs/r/events.jsonl', 0)).toBe('runs/r/events.jsonl');
        expect(partName('runs/r/events.jsonl', 1)).toBe('runs/r/events.0001.jsonl');
        expect(partName('runs/r/errors/account.csv', 12345)).toBe('runs/r/errors/account.12345.csv');
        expect(partName('runs/r.x/log', 2)).toBe('runs/r.x/log.0002');
        expect(partsPrefix('runs/r/events.jsonl')).toBe('runs/r/events');
        expect(partNumber('runs/r/events.jsonl', 'runs/r/events.0003.jsonl')).toBe(3);
        expect(partNumber('runs/r/events.jsonl', 'runs/r/events.jsonl')).toBe(0);
        expect(partNumber('runs/r/events.jsonl', 'runs/r/events-old.jsonl')).toBeUndefined();
        expect(partNumber('runs/r/events.jsonl', 'runs/r/events.0000.jsonl')).toBeUndefined();
        expect(partNumber('runs/r/events.jsonl', 'runs/r/events.12.jsonl')).toBeUndefined();
        expect(partBase('runs/r/events.0001.jsonl')).toBe('runs/r/events.jsonl');
        expect(partBase('runs/r/log.0002')).toBe('runs/r/log');
        expect(partBase('runs/r/pages/account.copy.json')).toBeUndefined();
    });

    it('round-trips every part number', () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 99_999 }), (part) => {
                const name = partName('runs/r/events.jsonl', part);
                expect(partNumber('runs/r/events.jsonl', name)).toBe(part);
                if (part > 0) expect(partBase(name)).toBe('runs/r/events.jsonl');
            }),
        );
    });
});

describe('run index markers', () => {
    it('sort by name as newest first, then by run id', () => {
        const runId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/);
        const startedAt = fc
            .integer({ min: Date.parse('2000-01-01'), max: Date.parse('2200-01-01') })
            .map((ms) => new Date(ms).toISOString());
        fc.assert(
            fc.property(fc.array(fc.record({ runId, startedAt }), { minLength: 2, maxLength: 20 }), (entries) => {
                const byName = [...entries].sort((a, b) => (markerName(a) < markerName(b) ? -1 : 1));
                const expected = [...entries].sort(
                    (a, b) =>
                        Date.parse(b.startedAt) - Date.parse(a.startedAt) ||
                        (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0),
                );
                expect(byName.map(markerName)).toEqual(expected.map(markerName));
            }),
        );
    });
});

describe('line framing', () => {
    it('ends every line with \\n and reads back only complete lines', () => {
        expect(lineUnits('e', ['a', '', 'b'])).toEqual(['a\n', '\n', 'b\n']);
        expect(splitLines('a\n\nb\n')).toEqual(['a', '', 'b']);
        expect(splitLines('a\nhalf')).toEqual(['a']);
        expect(splitLines('')).toEqual([]);
        expect(() => lineUnits('e', ['ok', 'a\rb'])).toThrow('appendLines e: line 1 contains a line break');
    });
});

describe('KeyedQueue', () => {
    it('runs tasks of one key one at a time, in order, and other keys alongside', async () => {
        const queue = new KeyedQueue();
        const log: string[] = [];
        let running = 0;
        let most = 0;
        const task = (key: string, i: number) =>
            queue.run(key, async () => {
                running++;
                most = Math.max(most, running);
                log.push(`${key}${i} start`);
                await new Promise((resolve) => setTimeout(resolve, 1));
                log.push(`${key}${i} end`);
                running--;
                return i;
            });
        const results = await Promise.all([task('a', 1), task('a', 2), task('b', 1), task('a', 3)]);
        expect(results).toEqual([1, 2, 1, 3]);
        const a = log.filter((line) => line.startsWith('a'));
        expect(a).toEqual(['a1 start', 'a1 end', 'a2 start', 'a2 end', 'a3 start', 'a3 end']);
        expect(most).toBe(2);
    });

    it('keeps going after a failed task', async () => {
        const queue = new KeyedQueue();
        const failed = queue.run('k', () => Promise.reject(new Error('boom')));
        const next = queue.run('k', () => Promise.resolve('next'));
        await expect(failed).rejects.toThrow('boom');
        await expect(next).resolves.toBe('next');
    });
});
