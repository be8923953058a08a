/** The run timeline: union of page intervals, per phase, and the idle rest, from event-log lines. */
import { describe, expect, it } from 'vitest';
import { timelineOf, unionLength } from '../run-timeline.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
const line = (event: Record<string, unknown>) => JSON.stringify(event);

describe('unionLength', () => {
    it('merges overlapping and touching intervals and keeps gaps out', () => {
        expect(unionLength([])).toBe(0);
        expect(
            unionLength([
                [5, 8],
                [0, 2],
                [1, 3],
                [3, 4],
                [10, 10],
            ]),
        ).toBe(4 + 3);
    });
});

describe('timelineOf', () => {
    it('splits the run into time with pages running, per phase, and time with none', () => {
        const lines = [
            line({ at: at(0), type: 'run-started' }),
            line({ at: at(1), type: 'planned' }),
            line({ at: at(2), type: 'table-listed', ms: 800 }),
            line({ at: at(6), type: 'table-listed', ms: 500 }), // 5.5..6, beside copy pages
            line({ at: at(6), type: 'page', phase: 'copy', ms: 4000 }), // 2..6
            line({ at: at(7), type: 'page', phase: 'copy', ms: 3000 }), // 4..7
            line({ at: at(12), type: 'page', phase: 'deferred', ms: 2000 }), // 10..12
            line({ at: at(12.5), type: 'page', phase: 'associate', ms: 1500 }), // 11..12.5
            line({ at: at(14), type: 'run-finished' }),
            '',
        ];
        const t = timelineOf(lines);
        expect(t.seconds).toBe(14);
        expect(t.pageSeconds).toBeCloseTo(5 + 2.5, 9);
        expect(t.idleSeconds).toBeCloseTo(14 - 7.5, 9);
        expect(t.phases).toEqual({ copy: 5, deferred: 2, associate: 1.5 });
        expect(t.listingSeconds).toBeCloseTo(0.8, 9); // the second walk ran beside copy pages
    });

    it('names the line that is not an event, and refuses a log without its end', () => {
        expect(() => timelineOf([line({ at: at(0), type: 'run-started' }), line({ type: 'page' })])).toThrow(
            /events line 2/,
        );
        expect(() => timelineOf([line({ at: at(0), type: 'run-started' })])).toThrow(/run-finished/);
    });
});
