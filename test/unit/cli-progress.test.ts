/**
 * Progress that fits: bar and overall lines within the terminal's width (an 80-column one included), colour only
 * where the terminal has it (NO_COLOR and piped output have none), time left, a cancel notice above the
 * bars, and a cancelled table that keeps its count instead of jumping to 100 %. No real terminal: the bars are
 * drawn into a captured stream and measured.
 */
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { createProgress } from '../../src/cli/progress.js';
import {
    colourEnabled,
    formatBytes,
    formatDuration,
    renderBar,
    renderOverall,
    timeLeftMs,
    visibleWidth,
    wrapText,
    type BarView,
} from '../../src/cli/progress-format.js';
import { createRunDisplay, type ActivityNotice } from '../../src/cli/run-progress.js';

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const ESC = '\x1b';

/** A terminal of `columns` columns that keeps what is written to it. */
function terminal(columns: number, env: NodeJS.ProcessEnv = {}) {
    const out = { text: '' };
    const io: CliIo = {
        stdout: () => undefined,
        stderr: (t) => (out.text += t),
        isTty: true,
        env,
        cwd: '/',
        columns,
    };
    return { io, out };
}

const CURSOR_AND_COLOUR = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
const SAVE_RESTORE = new RegExp(`${ESC}[78]`, 'g');
const ANY_COLOUR = new RegExp(`${ESC}\\[3\\dm`);

/** The lines as a terminal shows them: cursor and colour codes removed, split at carriage returns and newlines. */
function screenLines(raw: string): string[] {
    return raw
        .replace(CURSOR_AND_COLOUR, '')
        .replace(SAVE_RESTORE, '')
        .split(/\r|\n/)
        .filter((l) => l.trim() !== '');
}

const LONG: BarView = {
    label: 'accountleads_association_with_a_long_name',
    value: 1234,
    total: 5678,
    unit: 'pages',
    outcome: 'running',
    failed: 12,
    details: ['12,345 rows/s', '999 throttled'],
    leftMs: 3_725_000,
};

describe('progress lines', () => {
    it.each([40, 60, 79, 120])('a bar never takes more than %i columns, with colour or without', (width) => {
        for (const colour of [false, true])
            for (const outcome of ['running', 'done', 'failed', 'cancelled'] as const) {
                const line = renderBar({ ...LONG, outcome }, { width, labelWidth: Math.min(20, width - 36), colour });
                expect(visibleWidth(line), line).toBeLessThanOrEqual(width);
            }
    });

    it('an 80-column line keeps the label, bar, percentage, counts, time left and failures', () => {
        const line = renderBar(LONG, { width: 79, labelWidth: 20, colour: false });
        expect(line).toMatch(/^accountleads_associ… [█░]{11} {2}21% 1,234\/5,678 pages {2}1h 02m left {2}12 failed/);
    });

    it('parts that do not fit are left out whole, least important first, never cut', () => {
        const line = renderBar(LONG, { width: 79, labelWidth: 20, colour: false });
        expect(line).not.toContain('throttled');
        const wide = renderBar(LONG, { width: 139, labelWidth: 20, colour: false });
        expect(wide).toContain('12,345 rows/s  999 throttled');
    });

    it('colours: done green, failed red, cancelled yellow; none at all without colour', () => {
        const view: BarView = { label: 'account', value: 9, total: 9, unit: 'pages', outcome: 'done' };
        const layout = { width: 79, labelWidth: 10, colour: true };
        expect(renderBar(view, layout)).toContain(`${GREEN}done`);
        expect(renderBar({ ...view, outcome: 'failed', failed: 3 }, layout)).toContain(`${RED}3 failed`);
        expect(renderBar({ ...view, value: 4, outcome: 'cancelled' }, layout)).toContain('\x1b[33mcancelled');
        expect(renderBar({ ...view, outcome: 'failed', failed: 3 }, { ...layout, colour: false })).not.toContain(ESC);
    });

    it('a cancelled bar shows where it stopped, not 100 %', () => {
        const line = renderBar(
            { label: 'contact', value: 4, total: 9, unit: 'pages', outcome: 'cancelled' },
            { width: 79, labelWidth: 10, colour: false },
        );
        expect(line).toMatch(/ 44% 4\/9 pages {2}cancelled$/);
    });

    it('work of unknown size is a count, not a bar', () => {
        const line = renderBar(
            { label: 'account', value: 12_000, unit: 'rows', outcome: 'running' },
            { width: 79, labelWidth: 10, colour: false },
        );
        expect(line).toBe('account    12,000 rows');
    });

    it('the unit agrees with the number it counts: 1 page, 1/1 page, 0/2 pages', () => {
        const layout = { width: 79, labelWidth: 10, colour: false };
        expect(renderBar({ label: 'a', value: 1, unit: 'pages', outcome: 'running' }, layout)).toMatch(/ 1 page$/);
        expect(renderBar({ label: 'a', value: 1, total: 1, unit: 'pages', outcome: 'done' }, layout)).toMatch(
            / 1\/1 page /,
        );
        expect(renderBar({ label: 'a', value: 0, total: 2, unit: 'pages', outcome: 'running' }, layout)).toMatch(
            / 0\/2 pages/,
        );
    });

    it('time left from the rate so far, in words', () => {
        expect(timeLeftMs(3, 9, 30_000)).toBe(60_000);
        expect(timeLeftMs(0, 9, 30_000)).toBeUndefined();
        expect(timeLeftMs(9, 9, 30_000)).toBeUndefined();
        expect(timeLeftMs(3, undefined, 30_000)).toBeUndefined();
        expect(formatDuration(0)).toBe('0s');
        expect(formatDuration(42_400)).toBe('42s');
        expect(formatDuration(185_000)).toBe('3m 05s');
        expect(formatDuration(3_725_000)).toBe('1h 02m');
    });

    it('the overall line: rows of planned, time left, failures, rate, throttled; no time left once ended', () => {
        const view = { done: 3000, planned: 9000, elapsedMs: 30_000, throttled: 4, failed: 2 };
        expect(renderOverall(view, { width: 79, colour: false })).toBe(
            'all tables  3,000 of 9,000 rows  1m 00s left  2 failed  100 rows/s  4 throttled',
        );
        expect(renderOverall({ ...view, ended: 'cancelled' }, { width: 79, colour: false })).toBe(
            'all tables  3,000 of 9,000 rows  cancelled  2 failed  100 rows/s  4 throttled',
        );
        expect(visibleWidth(renderOverall(view, { width: 40, colour: true }))).toBeLessThanOrEqual(40);
    });

    it('colour only on a terminal, and without NO_COLOR (any non-empty value)', () => {
        expect(colourEnabled({}, true)).toBe(true);
        expect(colourEnabled({ NO_COLOR: '1' }, true)).toBe(false);
        expect(colourEnabled({ NO_COLOR: '' }, true)).toBe(true);
        expect(colourEnabled({}, false)).toBe(false);
    });

    it('a long notice is broken between words to the width', () => {
        const lines = wrapText('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).', 40);
        expect(lines.every((l) => visibleWidth(l) <= 40)).toBe(true);
        expect(lines.join(' ')).toBe('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
    });
});

describe('progress on a terminal', () => {
    it('every line drawn fits an 80-column terminal, and a notice is not overdrawn', () => {
        const { io, out } = terminal(80);
        const progress = createProgress(io, { now: () => 0 });
        const a = progress.task('accountleads_association_with_a_long_name', { total: 12345, unit: 'pages' });
        const b = progress.task('contact', { total: 9, unit: 'pages' });
        a.update(6000, undefined, { failed: 3, details: ['12,345 rows/s'] });
        b.update(4, 9);
        progress.notice('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
        b.end('cancelled');
        a.done();
        progress.stop();
        const lines = screenLines(out.text);
        for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
        expect(lines).toContain('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
        expect(lines.some((l) => /^contact .* 44% 4\/9 pages {2}cancelled$/.test(l))).toBe(true);
    });

    it('NO_COLOR keeps colour codes out, and piped output gets no bars at all', () => {
        const { io, out } = terminal(80, { NO_COLOR: '1' });
        const progress = createProgress(io);
        progress.task('account', { total: 2, unit: 'pages' }).done();
        progress.stop();
        expect(out.text).toContain('account');
        expect(out.text).not.toMatch(ANY_COLOUR);

        const piped = terminal(80);
        const silent = createProgress({ ...piped.io, isTty: false });
        silent.task('account', { total: 2, unit: 'pages' }).update(1);
        silent.notice('a notice');
        silent.stop();
        expect(piped.out.text).toBe('a notice\n');
    });
});

describe("run's display", () => {
    const listed = (table: string, rows: number, pages: number): ActivityNotice => ({
        type: 'completed',
        name: 'listPages',
        input: {},
        output: { table, mode: 'full', rows, pages, more: false },
    });
    const copied = (table: string, read: number, cancelled = false): ActivityNotice => ({
        type: 'completed',
        name: 'copyPage',
        input: {},
        output: {
            table,
            page: 0,
            counts: { read, written: read, skipped: 0, failed: 0 },
            ...(cancelled ? { cancelled } : {}),
        },
    });

    it('after a cancel a table keeps the pages it did, and the overall line says cancelled', () => {
        let clock = 0;
        const { io, out } = terminal(80);
        const display = createRunDisplay(io, { json: false, throttled: () => 2, now: () => clock });
        display.onActivity(listed('contact', 9000, 9));
        clock = 10_000;
        for (let i = 0; i < 4; i++) display.onActivity(copied('contact', 1000));
        display.cancelling('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
        // Pages that started after the cancel find it and do nothing.
        for (let i = 0; i < 5; i++) display.onActivity(copied('contact', 0, true));
        display.stop();
        const lines = screenLines(out.text);
        const last = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).at(-1) ?? '';
        expect(last('contact')).toMatch(/ 44% 4\/9 pages {2}cancelled/);
        expect(lines.join('\n')).not.toMatch(/100% 9\/9/);
        expect(last('all tables')).toBe('all tables  4,000 of 9,000 rows  cancelled  400 rows/s  2 throttled');
        expect(lines).toContain('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
    });

    it('while it runs, each bar and the overall line tell the time left', async () => {
        let clock = 0;
        const { io, out } = terminal(80);
        const display = createRunDisplay(io, { json: false, throttled: () => 0, now: () => clock });
        display.onActivity(listed('account', 4000, 4));
        display.onActivity(listed('contact', 4000, 4));
        clock = 20_000;
        for (let i = 0; i < 2; i++) display.onActivity(copied('account', 1000));
        // The bars redraw on their own timer (5 a second).
        await new Promise((resolve) => setTimeout(resolve, 450));
        display.stop();
        const lines = screenLines(out.text);
        // 2,000 of 8,000 rows in 20 s: 6,000 left at 100 rows/s; account did 2 of 4 pages in 20 s.
        expect(lines).toContain('all tables  2,000 of 8,000 rows  1m 00s left  100 rows/s');
        expect(lines.some((l) => /^account .* 50% 2\/4 pages {2}20s left {2}100 rows\/s$/.test(l))).toBe(true);
        // Once stopped, no time left is claimed.
        expect(lines.at(-1)).toBe('all tables  2,000 of 8,000 rows  100 rows/s');
    });

    it('without a terminal it writes one plain line per table as it ends, cancelled ones included', () => {
        const { io, out } = terminal(80);
        const display = createRunDisplay({ ...io, isTty: false }, { json: false, throttled: () => 0, now: () => 0 });
        display.onActivity(listed('contact', 9000, 9));
        display.onActivity(copied('contact', 1000));
        display.cancelling('Cancelling at the next page boundary.');
        display.onActivity(copied('contact', 0, true));
        display.stop();
        expect(out.text).toContain('Cancelling at the next page boundary.\n');
        expect(out.text).toContain('contact: cancelled after 1 of 9 pages');
        expect(out.text).not.toContain(ESC);
    });

    it('a content phase line tells the bytes read and written', () => {
        const { io, out } = terminal(80);
        const display = createRunDisplay({ ...io, isTty: false }, { json: false, throttled: () => 0, now: () => 0 });
        const page = (bytesWritten: number): ActivityNotice => ({
            type: 'completed',
            name: 'copyContentPage',
            input: {},
            output: {
                table: 'account',
                page: 0,
                counts: { read: 2, written: 1, skipped: 1, unchanged: 1, failed: 0, bytesRead: 3 << 20, bytesWritten },
            },
        });
        for (const n of [0, 1])
            display.onActivity({
                type: 'scheduled',
                name: 'copyContentPage',
                input: { table: 'account', page: n },
            });
        display.onActivity(page(2 << 20));
        display.onActivity(page(0));
        display.stop();
        expect(out.text).toContain('content account: 4 rows in 2 pages, 6.0 MB read, 2.0 MB written');
    });
});

describe('formatBytes', () => {
    it('writes bytes in 1024-based units', () => {
        expect([0, 1023, 1024, 1536, 5 << 20, 3 * 2 ** 30].map(formatBytes)).toEqual([
            '0 B',
            '1023 B',
            '1.0 KB',
            '1.5 KB',
            '5.0 MB',
            '3.0 GB',
        ]);
    });
});
