/**
 * The chaos suite's command line (defaults, bad arguments named) and its verdict on a run: exit 0, every source row
 * read, verify identical, at most 1.3x the clean run's write requests; and the table row that shows it.
 */
import { describe, expect, it } from 'vitest';
import { chaosFaults } from '../chaos-faults.js';
import { ChaosUsageError, parseChaosArgs } from '../chaos-options.js';
import { judge, tableRow } from '../chaos-report.js';
import type { ChaosRunFigures, SideCounts } from '../chaos-run.js';

const NO_FAULTS = {
    serverErrorBeforeWork: 0,
    serverErrorAfterWork: 0,
    unavailable: 0,
    reset: 0,
    slow: 0,
    sqlTimeout: 0,
    deadlock: 0,
};
const counters = {
    attempts: 0,
    succeeded: 0,
    throttled: 0,
    transientRetries: 0,
    deadlockRetries: 0,
    outageRetries: 0,
    failed: 0,
};

function side(requests: number, writes: number, faults: Partial<typeof NO_FAULTS> = {}): SideCounts {
    return { requests, writes, faults: { ...NO_FAULTS, ...faults }, throttled: 0, rows: {} };
}

function run(overrides: Partial<ChaosRunFigures> = {}): ChaosRunFigures {
    return {
        label: 'clean',
        faultSeed: null,
        seconds: 10,
        exitCode: 0,
        status: 'succeeded',
        read: 1000,
        failedRows: 0,
        source: side(100, 0),
        target: side(200, 100),
        clients: { source: counters, target: counters },
        verify: { verdict: 'identical' },
        ...overrides,
    };
}

describe('parseChaosArgs', () => {
    it('runs five seeds of 3000 rows at time scale 0.1 when nothing is given', () => {
        expect(parseChaosArgs([])).toEqual({
            seeds: 5,
            firstSeed: 1,
            rows: 3000,
            timeScale: 0.1,
            dataSeed: 42,
            workDir: '.runs/chaos',
            json: false,
        });
    });

    it.each([
        [['--seeds', 'many'], /--seeds must be a number/],
        [['--seeds', '0'], /--seeds must be at least 1/],
        [['--rows', '10'], /--rows must be at least 100/],
        [['--write-batch-size', '1001'], /--write-batch-size must be at most 1000/],
        [['--time-scale', '0'], /--time-scale must be > 0/],
        [['--faults'], /Unknown option '--faults'/],
    ])('refuses %j', (argv, message) => {
        expect(() => parseChaosArgs(argv)).toThrow(ChaosUsageError);
        expect(() => parseChaosArgs(argv)).toThrow(message);
    });
});

describe('chaosFaults', () => {
    it('gives each side a seed of its own and every fault class', () => {
        const [source, target] = [chaosFaults(3, 'source'), chaosFaults(3, 'target')];
        expect(source.seed).not.toBe(target.seed);
        expect(chaosFaults(4, 'source').seed).not.toBe(target.seed);
        expect(Object.keys(source).sort()).toEqual(
            ['deadlock', 'reset', 'seed', 'serverError', 'slow', 'sqlTimeout', 'unavailable'].sort(),
        );
    });
});

describe('judge', () => {
    const clean = run();

    it('passes a run that exits 0, reads every row, verifies identical and writes at most 1.3x', () => {
        const verdict = judge(run({ faultSeed: 1, target: side(260, 130) }), clean, 1000);
        expect(verdict).toMatchObject({ passed: true, problems: [], writeRatio: 1.3, requestRatio: 1.2 });
    });

    it('names every check a run fails', () => {
        const failed = run({
            faultSeed: 2,
            exitCode: 1,
            status: 'failed',
            reason: 'failure threshold',
            read: 990,
            target: side(300, 131),
            verify: { verdict: 'different' },
        });
        expect(judge(failed, clean, 1000).problems).toEqual([
            'exit 1 (failed: failure threshold)',
            'read 990 of 1000 source rows',
            'verify different',
            "write requests 1.31x the clean run's",
        ]);
    });

    it('counts the write requests of both sides', () => {
        expect(judge(run({ source: side(100, 40), target: side(200, 100) }), clean, 1000).writeRatio).toBe(1.4);
    });
});

describe('tableRow', () => {
    it('shows the faults of both sides by class, the retries and the ratios to the clean run', () => {
        const chaos = run({
            faultSeed: 7,
            source: side(110, 0, { serverErrorBeforeWork: 2, unavailable: 1 }),
            target: side(220, 110, { serverErrorAfterWork: 3, reset: 2, deadlock: 4 }),
            clients: {
                source: { ...counters, transientRetries: 2, outageRetries: 1 },
                target: { ...counters, transientRetries: 9, deadlockRetries: 4 },
            },
        });
        expect(tableRow(chaos, run(), 1000)).toBe(
            '| seed 7 | 0 | identical | 10.0 | 5xx 5 (3 after commit) · 503 1 · reset 2 · deadlock 4 | 11 (4 deadlock) · 503 waits 1 · 429 0 | 110 (1.10x) | 330 (1.10x) |',
        );
    });
});
