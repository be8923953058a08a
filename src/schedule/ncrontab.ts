/**
 * Occurrences of an NCRONTAB schedule (six fields, `{second} {minute} {hour} {day} {month} {day-of-week}`, UTC, as
 * Azure Functions timers read them): when a stored spec is due, and when it runs next. The rules are NCrontab's:
 * a day must match both the day-of-month and the day-of-week field, `a/n` steps from `a` to the field's end, and
 * names (`jan`, `mon`) stand for their numbers. src/spec/ncrontab.ts validates; this module computes.
 */
import { fieldValues, FIELDS, ncrontabProblems } from '../spec/ncrontab.js';

/** A parsed schedule: the allowed values of each field, ascending. */
export interface Schedule {
    readonly expression: string;
    readonly seconds: readonly number[];
    readonly minutes: readonly number[];
    readonly hours: readonly number[];
    readonly days: ReadonlySet<number>;
    readonly months: ReadonlySet<number>;
    readonly weekdays: ReadonlySet<number>;
}

/** How far ahead (or back) a search goes: a schedule with no day in eight years (31 February) never fires. */
const SEARCH_DAYS = 366 * 8 + 2;
const DAY_MS = 86_400_000;

export class ScheduleError extends Error {
    constructor(
        readonly expression: string,
        readonly problems: readonly string[],
    ) {
        super(`invalid NCRONTAB schedule '${expression}': ${problems.join('; ')}`);
        this.name = 'ScheduleError';
    }
}

/** Parses a schedule; a ScheduleError lists every problem. */
export function parseSchedule(expression: string): Schedule {
    const problems = ncrontabProblems(expression);
    if (problems.length > 0) throw new ScheduleError(expression, problems);
    const parts = expression.trim().split(/\s+/);
    const [seconds, minutes, hours, days, months, weekdays] = FIELDS.map((field, i) =>
        fieldValues(parts[i] ?? '*', field),
    ) as [number[], number[], number[], number[], number[], number[]];
    return {
        expression,
        seconds,
        minutes,
        hours,
        days: new Set(days),
        months: new Set(months),
        weekdays: new Set(weekdays),
    };
}

function toSchedule(schedule: Schedule | string): Schedule {
    return typeof schedule === 'string' ? parseSchedule(schedule) : schedule;
}

function dayMatches(s: Schedule, dayStart: number): boolean {
    const d = new Date(dayStart);
    return s.months.has(d.getUTCMonth() + 1) && s.days.has(d.getUTCDate()) && s.weekdays.has(d.getUTCDay());
}

/** Seconds since midnight of every time of day the schedule allows, ascending. */
function timesOfDay(s: Schedule): number[] {
    const times: number[] = [];
    for (const h of s.hours)
        for (const m of s.minutes) for (const sec of s.seconds) times.push(h * 3600 + m * 60 + sec);
    return times;
}

const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** The first occurrence strictly after `after`, or undefined when the schedule never fires again. */
export function nextOccurrence(schedule: Schedule | string, after: Date): Date | undefined {
    const s = toSchedule(schedule);
    const times = timesOfDay(s);
    // Occurrences fall on whole seconds: the first candidate is the next whole second.
    const from = Math.floor(after.getTime() / 1000) * 1000 + 1000;
    const firstDay = startOfDay(from);
    for (let i = 0; i <= SEARCH_DAYS; i++) {
        const day = firstDay + i * DAY_MS;
        if (!dayMatches(s, day)) continue;
        const earliest = i === 0 ? (from - day) / 1000 : 0;
        const time = times.find((t) => t >= earliest);
        if (time !== undefined) return new Date(day + time * 1000);
    }
    return undefined;
}

/** The last occurrence at or before `atOrBefore`, or undefined when there is none in the search range. */
export function previousOccurrence(schedule: Schedule | string, atOrBefore: Date): Date | undefined {
    const s = toSchedule(schedule);
    const times = timesOfDay(s);
    const to = Math.floor(atOrBefore.getTime() / 1000) * 1000;
    const lastDay = startOfDay(to);
    for (let i = 0; i <= SEARCH_DAYS; i++) {
        const day = lastDay - i * DAY_MS;
        if (!dayMatches(s, day)) continue;
        const latest = i === 0 ? (to - day) / 1000 : Infinity;
        const time = times.findLast((t) => t <= latest);
        if (time !== undefined) return new Date(day + time * 1000);
    }
    return undefined;
}

/** The latest occurrence in the window (from, to], or undefined when the schedule was not due in it. */
export function dueOccurrence(schedule: Schedule | string, from: Date, to: Date): Date | undefined {
    const last = previousOccurrence(schedule, to);
    return last !== undefined && last.getTime() > from.getTime() ? last : undefined;
}

/** The next `count` occurrences after `after` (fewer when the schedule stops firing). */
export function nextOccurrences(schedule: Schedule | string, after: Date, count: number): Date[] {
    const s = toSchedule(schedule);
    const out: Date[] = [];
    for (let at = nextOccurrence(s, after); at !== undefined && out.length < count; at = nextOccurrence(s, at))
        out.push(at);
    return out;
}
