/** The replay part: named on the command line, and its figures in the `--json` object and the lines. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../options.js';
import type { ReplayFigures } from '../replay.js';
import { replayLines, toJson } from '../report.js';

const machine = { node: 'v20', cpus: 2, loadAverage: { start: 0, end: 0 } };
const at = (pages: number, microsecondsPerPage: number, eventsPerPage: number) => ({
    pages,
    pagesPerOrchestration: 1000,
    orchestrations: Math.ceil(pages / 1000),
    episodes: pages / 30,
    replayedEvents: pages * eventsPerPage,
    largestReplay: 2066,
    replayMs: (pages * microsecondsPerPage) / 1000,
    eventsPerPage,
    microsecondsPerPage,
});
const figures: ReplayFigures = {
    bounded: [at(1000, 600.04, 40), at(10_000, 610, 47), at(100_000, 660.06, 49.5)],
    unbounded: [{ ...at(10_000, 4163, 364), pagesPerOrchestration: undefined }],
    replayCostPerPage: { '1000': 40.04, '10000': 47, '100000': 49.56 },
    replayCostRatio: 1.2375,
    replayTimeRatio: 1.1,
};

describe('the replay part', () => {
    it('runs alone when named', () => {
        expect(parseBenchArgs(['replay']).parts).toEqual(['replay']);
    });

    it('reports the replay cost per page for each size and the 100k/1k ratio in --json', () => {
        const json = toJson({ machine, replay: figures });
        expect(json.replayCostPerPage).toEqual({ '1000': 40, '10000': 47, '100000': 49.6 });
        expect(json.replayCostRatio).toBe(1.238);
        expect(json.replay).toMatchObject({ timeRatio: 1.1, bounded: [{ pages: 1000 }, {}, { pages: 100_000 }] });
        expect(toJson({ machine })).not.toHaveProperty('replayCostPerPage');
    });

    it('prints a line per size and the ratio', () => {
        const lines = replayLines(figures);
        expect(lines).toHaveLength(5);
        expect(lines[2]).toMatch(/bounded\s+100,000 pages .* 49\.5 events\/page .* 660 µs\/page/);
        expect(lines[4]).toMatch(/100k pages over 1k: 1\.24x events \(1\.10x time\)/);
    });
});
