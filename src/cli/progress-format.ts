/**
 * The text of progress lines, apart from any terminal: a bar or a status line fitted to a width (what does not
 * fit is left out, least important first, instead of being cut off by the terminal), colour codes only when
 * asked for, and time left. Pure, so tests check widths, colours and ETA text without a terminal.
 */

export type Outcome = 'running' | 'done' | 'failed' | 'cancelled';

export interface BarView {
    label: string;
    value: number;
    /** Undefined for work of unknown size: a running count, never a bar that would claim a share. */
    total?: number;
    /** What is counted: pages, rows, ranges. */
    unit: string;
    outcome: Outcome;
    /** Failed items so far: shown first (in red) when there are any. */
    failed?: number;
    /** Other facts, most important first (rows/s); those that do not fit are left out. */
    details?: readonly string[];
    /** Time left, when it can be told. */
    leftMs?: number;
}

export interface Layout {
    /** Columns available; a line never takes more. */
    width: number;
    /** Labels are padded (or shortened with …) to this many columns, so bars line up. */
    labelWidth: number;
    colour: boolean;
}

/** The bar takes what the line leaves, between these. */
export const MIN_BAR = 10;
export const MAX_BAR = 30;
/** Columns kept beside the label and the bar: percentage, counts, time left and a detail or two. */
const BAR_RESERVE = 48;
/** Longest label column: table and relationship names are long, the bar and counts matter more. */
export const MAX_LABEL = 20;

// eslint-disable-next-line no-control-regex -- the colour codes (ESC [ ... m) are what it matches
const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns a text takes on a terminal (colour codes take none). */
export function visibleWidth(text: string): number {
    return [...text.replace(ANSI, '')].length;
}

/** `NO_COLOR` (any non-empty value, no-color.org) or output that is not a terminal: no colour. */
export function colourEnabled(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
    return isTty && (env.NO_COLOR ?? '') === '';
}

export type Tone = 'red' | 'green' | 'yellow' | 'dim';
const TONES: Record<Tone, [string, string]> = {
    red: ['\x1b[31m', '\x1b[39m'],
    green: ['\x1b[32m', '\x1b[39m'],
    yellow: ['\x1b[33m', '\x1b[39m'],
    dim: ['\x1b[2m', '\x1b[22m'],
};

export function paint(text: string, tone: Tone | undefined, colour: boolean): string {
    if (!colour || tone === undefined || text === '') return text;
    const [on, off] = TONES[tone];
    return `${on}${text}${off}`;
}

const TONE_OF: Record<Outcome, Tone | undefined> = {
    running: undefined,
    done: 'green',
    failed: 'red',
    cancelled: 'yellow',
};

/** `42s`, `3m 05s`, `1h 02m`: precise enough to plan a coffee, short enough for a bar. */
export function formatDuration(ms: number): string {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
    return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Time left at the rate so far; undefined before anything is done or once everything is. */
export function timeLeftMs(done: number, total: number | undefined, elapsedMs: number): number | undefined {
    if (total === undefined || done <= 0 || done >= total || elapsedMs <= 0) return undefined;
    return (elapsedMs * (total - done)) / done;
}

/** Bytes as B, KB, MB or GB (1024-based, one decimal from KB on). */
export function formatBytes(bytes: number): string {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `1,234 rows/s`, or undefined before a rate can be told. */
export function formatRate(count: number, elapsedMs: number, unit = 'rows'): string | undefined {
    if (elapsedMs <= 0 || count <= 0) return undefined;
    return `${Math.round((count * 1000) / elapsedMs).toLocaleString('en-US')} ${unit}/s`;
}

const n = (value: number): string => value.toLocaleString('en-US');

/** The label padded or shortened to `width` columns. */
export function fitLabel(label: string, width: number): string {
    const chars = [...label];
    if (chars.length <= width) return label.padEnd(width);
    return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** `text` in lines of at most `width` columns, broken between words (a word longer than a line is cut). */
export function wrapText(text: string, width: number): string[] {
    const lines: string[] = [];
    let current = '';
    for (const word of text.split(/\s+/).filter(Boolean)) {
        const next = current === '' ? word : `${current} ${word}`;
        if (visibleWidth(next) <= width) current = next;
        else {
            if (current !== '') lines.push(current);
            current = visibleWidth(word) > width ? fitLabel(word, width) : word;
        }
    }
    if (current !== '' || lines.length === 0) lines.push(current);
    return lines;
}

/** Parts joined by two spaces, as many as fit in `width`, in order; the first always stays (shortened if need be). */
export function fitParts(parts: ReadonlyArray<{ text: string; tone?: Tone }>, width: number, colour: boolean): string {
    let line = '';
    let used = 0;
    for (const [index, part] of parts.entries()) {
        if (index === 0) {
            const text = visibleWidth(part.text) > width ? fitLabel(part.text, width) : part.text;
            line = paint(text, part.tone, colour);
            used = visibleWidth(text);
            continue;
        }
        const size = 2 + visibleWidth(part.text);
        if (used + size > width) break;
        line += `  ${paint(part.text, part.tone, colour)}`;
        used += size;
    }
    return line;
}

/** One bar line: label, bar, percentage, counts, then status or time left, failures and details while they fit. */
export function renderBar(view: BarView, layout: Layout): string {
    const { colour, width } = layout;
    const label = fitLabel(view.label, layout.labelWidth);
    const tone = TONE_OF[view.outcome];
    const known = view.total !== undefined;
    const counted = known ? (view.total ?? 0) : view.value;
    // "1/1 page", "1 row": the unit follows the number it counts.
    const unit = counted === 1 && view.unit.endsWith('s') ? view.unit.slice(0, -1) : view.unit;
    const counts = known ? `${n(view.value)}/${n(view.total ?? 0)} ${unit}` : `${n(view.value)} ${unit}`;
    const share = known && (view.total ?? 0) > 0 ? Math.min(1, view.value / (view.total ?? 1)) : 0;
    const percentage = `${Math.floor(share * 100)}%`.padStart(4);

    const optional: Array<{ text: string; tone?: Tone }> = [];
    if (view.outcome !== 'running') optional.push({ text: view.outcome, ...(tone ? { tone } : {}) });
    else if (view.leftMs !== undefined) optional.push({ text: `${formatDuration(view.leftMs)} left` });
    if ((view.failed ?? 0) > 0) optional.push({ text: `${n(view.failed ?? 0)} failed`, tone: 'red' });
    for (const detail of view.details ?? []) optional.push({ text: detail });

    // The bar's width depends on the layout only, so bars line up; the optional parts follow while they fit.
    const barWidth = known ? Math.max(MIN_BAR, Math.min(MAX_BAR, width - layout.labelWidth - BAR_RESERVE)) : 0;
    let used = visibleWidth(label) + 1 + (known ? barWidth + 1 + percentage.length + 1 : 0) + counts.length;
    let tail = '';
    for (const part of optional) {
        const size = 2 + visibleWidth(part.text);
        if (used + size > width) break;
        tail += `  ${paint(part.text, part.tone, colour)}`;
        used += size;
    }
    if (!known) return `${label} ${counts}${tail}`;
    const filled = Math.round(share * barWidth);
    const bar = paint('█'.repeat(filled), tone, colour) + paint('░'.repeat(barWidth - filled), 'dim', colour);
    return `${label} ${bar} ${percentage} ${counts}${tail}`;
}

export interface OverallView {
    /** Rows read so far, of the rows the listings planned (grows while tables are listed). */
    done: number;
    planned: number;
    elapsedMs: number;
    throttled: number;
    failed: number;
    /** Once the work has ended there is no time left to tell; a cancel is said. */
    ended?: 'done' | 'cancelled';
}

/** The line under the bars: rows done of planned, rate, time left, throttled requests and failed rows. */
export function renderOverall(view: OverallView, layout: Pick<Layout, 'width' | 'colour'>): string {
    const rate = formatRate(view.done, view.elapsedMs);
    const left = view.ended === undefined ? timeLeftMs(view.done, view.planned, view.elapsedMs) : undefined;
    const parts: Array<{ text: string; tone?: Tone }> = [
        { text: `all tables  ${n(view.done)} of ${n(view.planned)} rows` },
    ];
    if (view.ended === 'cancelled') parts.push({ text: 'cancelled', tone: 'yellow' });
    if (left !== undefined) parts.push({ text: `${formatDuration(left)} left` });
    if (view.failed > 0) parts.push({ text: `${n(view.failed)} failed`, tone: 'red' });
    if (rate !== undefined) parts.push({ text: rate });
    if (view.throttled > 0) parts.push({ text: `${n(view.throttled)} throttled` });
    return fitParts(parts, layout.width, layout.colour);
}
