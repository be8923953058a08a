/** The bench command line: defaults, parts, and bad arguments named in the error. */
import { describe, expect, it } from 'vitest';
import { BENCH_PARTS, BenchUsageError, parseBenchArgs } from '../options.js';

describe('parseBenchArgs', () => {
    it('runs every part with the documented defaults when nothing is given', () => {
        expect(parseBenchArgs([])).toEqual({
            parts: [...BENCH_PARTS],
            json: false,
            rows: 100_000,
            naiveRows: 2000,
            timeScale: 0.25,
            seed: 42,
            files: 20,
            workDir: '.runs/bench',
        });
    });

    it('runs only the parts named, once each, with the figures given', () => {
        const o = parseBenchArgs(['migration', '--json', '--rows', '20000', '--time-scale', '0.5', 'migration']);
        expect(o).toMatchObject({ parts: ['migration'], json: true, rows: 20_000, timeScale: 0.5 });
    });

    it.each([
        [['mystery'], /unknown part 'mystery'/],
        [['--rows', 'many'], /--rows must be a number/],
        [['--rows', '10'], /--rows must be at least 1000/],
        [['--naive-rows', '2.5'], /--naive-rows must be an integer/],
        [['--time-scale', '0'], /--time-scale must be > 0/],
        [['--frobnicate'], /Unknown option '--frobnicate'/],
    ])('refuses %j', (argv, message) => {
        expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
        expect(() => parseBenchArgs(argv)).toThrow(message);
    });
});
