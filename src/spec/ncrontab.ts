/**
 * Validation of Azure Functions timer schedules: NCRONTAB with six fields,
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, and the values each field allows
 * (src/schedule/ncrontab.ts computes occurrences from them).
 */

export interface FieldRule {
    name: string;
    min: number;
    max: number;
    names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The six fields in order, with their ranges and names (src/schedule/ncrontab.ts computes with them too). */
export const FIELDS: readonly FieldRule[] = [
    { name: 'second', min: 0, max: 59 },
    { name: 'minute', min: 0, max: 59 },
    { name: 'hour', min: 0, max: 23 },
    { name: 'day', min: 1, max: 31 },
    { name: 'month', min: 1, max: 12, names: MONTHS },
    { name: 'day-of-week', min: 0, max: 6, names: DAYS },
];

export function parseValue(text: string, rule: FieldRule): number | undefined {
    if (/^\d+$/.test(text)) return Number(text);
    const index = rule.names?.indexOf(text.toLowerCase()) ?? -1;
    if (index < 0) return undefined;
    return rule.name === 'month' ? index + 1 : index;
}

function fieldProblem(item: string, rule: FieldRule): string | undefined {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) return `'${item}' has more than one '/'`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step '${step}' in '${item}' must be a positive integer`;
    if (range === '*') return undefined;
    const bounds = range.split('-');
    if (bounds.length > 2) return `'${item}' is not a value or a range`;
    const values = bounds.map((b) => parseValue(b, rule));
    for (const [i, value] of values.entries()) {
        if (value === undefined) return `'${bounds[i]}' is not a valid ${rule.name}`;
        if (value < rule.min || value > rule.max)
            return `${rule.name} ${value} is out of range ${rule.min}-${rule.max}`;
    }
    const [lo, hi] = values;
    if (lo !== undefined && hi !== undefined && lo > hi) return `range '${range}' runs backwards`;
    return undefined;
}

/** Returns the problems of a schedule expression; empty when it is a valid six-field NCRONTAB. */
export function ncrontabProblems(expression: string): string[] {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 6) {
        return [
            `expected 6 fields '{second} {minute} {hour} {day} {month} {day-of-week}', got ${fields.length} in '${expression}'`,
        ];
    }
    const problems: string[] = [];
    fields.forEach((field, i) => {
        const rule = FIELDS[i];
        if (!rule) return;
        for (const item of field.split(',')) {
            const problem = item === '' ? `empty item in ${rule.name} field '${field}'` : fieldProblem(item, rule);
            if (problem) problems.push(`${rule.name} field: ${problem}`);
        }
    });
    return problems;
}

/** The values of one field that ncrontabProblems has accepted, ascending. */
export function fieldValues(text: string, field: FieldRule): number[] {
    const values = new Set<number>();
    for (const item of text.split(',')) {
        const [range = '*', stepText] = item.split('/');
        const step = stepText === undefined ? 1 : Number(stepText);
        let lo = field.min;
        let hi = field.max;
        if (range !== '*') {
            const [first = '', last] = range.split('-');
            lo = parseValue(first, field)!;
            // `a/n` without a range runs from a to the end of the field.
            hi = last !== undefined ? parseValue(last, field)! : stepText !== undefined ? field.max : lo;
        }
        for (let v = lo; v <= hi; v += step) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
}

/** The most days each month has (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const MONTH_NAMES = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
] as const;

const listed = (items: readonly (string | number)[], joiner: string): string =>
    items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`;

/**
 * Why a valid schedule never fires (31 February), or undefined when it fires some day. Only the day and month
 * fields can exclude every date: each date falls on every day of the week in some year (29 February within 28).
 */
export function neverFiresProblem(expression: string): string | undefined {
    if (ncrontabProblems(expression).length > 0) return undefined;
    const parts = expression.trim().split(/\s+/);
    const days = fieldValues(parts[3] ?? '*', FIELDS[3]!);
    const months = fieldValues(parts[4] ?? '*', FIELDS[4]!);
    if (months.some((month) => days.some((day) => day <= MONTH_DAYS[month - 1]!))) return undefined;
    const names = months.map((month) => MONTH_NAMES[month - 1]!);
    return `'${expression}' never fires: ${listed(names, 'and')} ${names.length === 1 ? 'has' : 'have'} no day ${listed(days, 'or')}`;
}
