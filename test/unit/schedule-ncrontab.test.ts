/**
 * NCRONTAB occurrences: the schedules of the Azure Functions timer documentation, NCrontab's day rule (day of
 * month AND day of week), names, steps, impossible dates, and a brute-force oracle over random schedules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
    dueOccurrence,
    nextOccurrence,
    nextOccurrences,
    parseSchedule,
    previousOccurrence,
    ScheduleError,
} from '../../src/schedule/index.js';

const at = (iso: string) => new Date(iso);
const next = (expression: string, after: string) => nextOccurrence(expression, at(after))?.toISOString();
const upcoming = (expression: string, after: string, count: number) => {
    const out: string[] = [];
    let t = at(after);
    for (let i = 0; i < count; i++) {
        const n = nextOccurrence(expression, t);
        if (!n) break;
        out.push(n.toISOString());
        t = n;
    }
    return out;
};

describe('nextOccurrence on the documented timer schedules', () => {
    // 2026-01-05 is a Monday.
    it('0 */5 * * * *: once every five minutes', () => {
        expect(upcoming('0 */5 * * * *', '2026-01-05T18:55:00Z', 3)).toEqual([
            '2026-01-05T19:00:00.000Z',
            '2026-01-05T19:05:00.000Z',
            '2026-01-05T19:10:00.000Z',
        ]);
    });

    it('0 0 * * * *: at the top of every hour', () => {
        expect(next('0 0 * * * *', '2026-01-05T23:30:10Z')).toBe('2026-01-06T00:00:00.000Z');
    });

    it('0 0 */2 * * *: every two hours', () => {
        expect(upcoming('0 0 */2 * * *', '2026-01-05T01:00:00Z', 2)).toEqual([
            '2026-01-05T02:00:00.000Z',
            '2026-01-05T04:00:00.000Z',
        ]);
    });

    it('0 0 9-17 * * *: every hour from 9 AM to 5 PM', () => {
        expect(upcoming('0 0 9-17 * * *', '2026-01-05T16:30:00Z', 3)).toEqual([
            '2026-01-05T17:00:00.000Z',
            '2026-01-06T09:00:00.000Z',
            '2026-01-06T10:00:00.000Z',
        ]);
    });

    it('0 30 9 * * 1-5: at 9:30 AM every weekday', () => {
        // Friday 9 January 2026 after 9:30: the next is Monday.
        expect(next('0 30 9 * * 1-5', '2026-01-09T10:00:00Z')).toBe('2026-01-12T09:30:00.000Z');
    });

    it('0 30 9 * Jan Mon: at 9:30 AM every Monday in January', () => {
        expect(upcoming('0 30 9 * Jan Mon', '2026-01-20T00:00:00Z', 3)).toEqual([
            '2026-01-26T09:30:00.000Z',
            '2027-01-04T09:30:00.000Z',
            '2027-01-11T09:30:00.000Z',
        ]);
    });

    it('*/15 * * * * *: every fifteen seconds, strictly after the given time', () => {
        expect(upcoming('*/15 * * * * *', '2026-01-05T10:00:00Z', 2)).toEqual([
            '2026-01-05T10:00:15.000Z',
            '2026-01-05T10:00:30.000Z',
        ]);
        expect(next('*/15 * * * * *', '2026-01-05T10:00:14.999Z')).toBe('2026-01-05T10:00:15.000Z');
    });
});

describe('NCrontab rules', () => {
    it('needs both the day of month and the day of week (a Friday the 13th)', () => {
        // 2026: February 13 and March 13 are Fridays; November 13 too.
        expect(upcoming('0 0 12 13 * 5', '2026-01-01T00:00:00Z', 3)).toEqual([
            '2026-02-13T12:00:00.000Z',
            '2026-03-13T12:00:00.000Z',
            '2026-11-13T12:00:00.000Z',
        ]);
    });

    it('steps a single value to the end of its field, and mixes lists and ranges', () => {
        expect(parseSchedule('0 5/20 * * * *').minutes).toEqual([5, 25, 45]);
        expect(parseSchedule('0 0 1,3-5,20-23/2 * * *').hours).toEqual([1, 3, 4, 5, 20, 22]);
        expect([...parseSchedule('0 0 0 * mar-may sun,SAT').months]).toEqual([3, 4, 5]);
        expect([...parseSchedule('0 0 0 * mar-may sun,SAT').weekdays].sort()).toEqual([0, 6]);
    });

    it('finds 29 February years ahead, and never for 31 February', () => {
        expect(next('0 0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
        expect(nextOccurrence('0 0 0 31 2 *', at('2026-01-01T00:00:00Z'))).toBeUndefined();
        expect(previousOccurrence('0 0 0 31 2 *', at('2026-01-01T00:00:00Z'))).toBeUndefined();
    });

    it('nextOccurrences lists the coming fire times in order, none for a schedule that never fires', () => {
        const times = nextOccurrences('0 15 * * * *', at('2026-01-05T10:15:00Z'), 3).map((d) => d.toISOString());
        expect(times).toEqual(['2026-01-05T11:15:00.000Z', '2026-01-05T12:15:00.000Z', '2026-01-05T13:15:00.000Z']);
        expect(times).toEqual(upcoming('0 15 * * * *', '2026-01-05T10:15:00Z', 3));
        expect(nextOccurrences('0 0 0 31 2 *', at('2026-01-01T00:00:00Z'), 5)).toEqual([]);
    });

    it('refuses a bad expression with every problem', () => {
        const error = (() => {
            try {
                parseSchedule('61 * * 0 13 *');
            } catch (e) {
                return e;
            }
            return undefined;
        })();
        expect(error).toBeInstanceOf(ScheduleError);
        expect((error as ScheduleError).problems).toHaveLength(3);
        expect(() => parseSchedule('* * * * *')).toThrow(/expected 6 fields/);
    });
});

describe('previousOccurrence and dueOccurrence', () => {
    it('includes the instant itself and finds the latest occurrence of a window', () => {
        expect(previousOccurrence('0 */5 * * * *', at('2026-01-05T19:05:00Z'))?.toISOString()).toBe(
            '2026-01-05T19:05:00.000Z',
        );
        expect(previousOccurrence('0 */5 * * * *', at('2026-01-05T19:04:59.900Z'))?.toISOString()).toBe(
            '2026-01-05T19:00:00.000Z',
        );
        // A window that missed three occurrences is due once, with the latest.
        expect(
            dueOccurrence('0 */5 * * * *', at('2026-01-05T19:00:00Z'), at('2026-01-05T19:17:00Z'))?.toISOString(),
        ).toBe('2026-01-05T19:15:00.000Z');
        // The window excludes its start and includes its end.
        expect(dueOccurrence('0 */5 * * * *', at('2026-01-05T19:00:00Z'), at('2026-01-05T19:04:59Z'))).toBeUndefined();
        expect(dueOccurrence('0 */5 * * * *', at('2026-01-05T18:59:59Z'), at('2026-01-05T19:00:00Z'))).toEqual(
            at('2026-01-05T19:00:00Z'),
        );
    });
});

/** Second by second, the definition itself. */
function matches(s: ReturnType<typeof parseSchedule>, t: Date): boolean {
    return (
        s.seconds.includes(t.getUTCSeconds()) &&
        s.minutes.includes(t.getUTCMinutes()) &&
        s.hours.includes(t.getUTCHours()) &&
        s.days.has(t.getUTCDate()) &&
        s.months.has(t.getUTCMonth() + 1) &&
        s.weekdays.has(t.getUTCDay())
    );
}

describe('against a brute-force oracle', () => {
    const item = (max: number, min = 0) =>
        fc.oneof(
            fc.constant('*'),
            fc.integer({ min, max }).map(String),
            fc
                .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
                .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
            fc.integer({ min: 1, max: Math.max(1, Math.floor(max / 2)) }).map((step) => `*/${step}`),
        );
    const list = (max: number, min = 0) =>
        fc.array(item(max, min), { minLength: 1, maxLength: 3 }).map((items) => items.join(','));
    // Fires at least once a week, so the oracle walks at most a week.
    const expression = fc
        .tuple(list(59), list(59), list(23), list(6))
        .map(([sec, min, hour, dow]) => `${sec} ${min} ${hour} * * ${dow}`);
    const instant = fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z'), noInvalidDate: true });

    it('nextOccurrence is the first matching second after the instant; previousOccurrence the last at or before', () => {
        fc.assert(
            fc.property(expression, instant, (expr, t) => {
                const found = nextOccurrence(expr, t)!;
                const start = Math.floor(t.getTime() / 1000) * 1000 + 1000;
                const parsed = parseSchedule(expr);
                let oracle = start;
                while (!matches(parsed, new Date(oracle))) oracle += 1000;
                expect(found.getTime()).toBe(oracle);
                const before = previousOccurrence(expr, found)!;
                expect(before.getTime()).toBe(found.getTime());
                const earlier = previousOccurrence(expr, new Date(found.getTime() - 1))!;
                expect(earlier.getTime()).toBeLessThan(found.getTime());
                expect(nextOccurrence(expr, earlier)!.getTime()).toBe(found.getTime());
            }),
            { numRuns: 40 },
        );
    });
});
