/**
 * Progress for long CLI work: bars on a terminal (cli-progress draws them, through the injected IO's stderr;
 * progress-format.ts decides their text, fitted to the terminal's width), silence otherwise so piped and --json
 * output stays clean. Work of unknown size (a key walk) shows a running count, never a bar that would claim a
 * share it cannot know. Notices go above the bars, so a redraw never overwrites them.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';
import {
    colourEnabled,
    MAX_LABEL,
    renderBar,
    timeLeftMs,
    type BarView,
    type Layout,
    type Outcome,
    wrapText,
} from './progress-format.js';

export interface TaskDetail {
    /** Failed items so far (shown in red). */
    failed?: number;
    /** Other facts, most important first (rows/s). */
    details?: readonly string[];
}

export interface ProgressTask {
    /** Sets the current value (and the total, once it is known) and what else there is to say. */
    update(value: number, total?: number, detail?: TaskDetail): void;
    /** Ends the task where it stands: a cancelled task keeps its value, it never jumps to 100 %. */
    end(outcome: Exclude<Outcome, 'running'>, detail?: TaskDetail): void;
    /** `end('done')`. */
    done(detail?: TaskDetail): void;
}

export interface Progress {
    /** `unit` names what is counted (rows, pages, keys). */
    task(label: string, options?: { total?: number; unit?: string }): ProgressTask;
    /** A line kept under the bars, rendered afresh on every redraw (the run's overall line). */
    footer(render: (layout: Pick<Layout, 'width' | 'colour'>) => string): void;
    /** A message for the user: above the bars on a terminal (never overdrawn), a plain line on stderr otherwise. */
    notice(text: string): void;
    stop(): void;
}

export interface ProgressOptions {
    json?: boolean;
    /** The clock for time left (tests pass their own). */
    now?: () => number;
}

const silentTask: ProgressTask = { update: () => undefined, end: () => undefined, done: () => undefined };

/** Labels shorter than this are never cut; counts, percentage and the smallest bar take about 36 columns. */
const MIN_LABEL = 6;
const FIXED_COLUMNS = 36;

/** The minimal stream cli-progress writes to (readline's cursor helpers only call write). */
function ioStream(io: CliIo): NodeJS.WritableStream {
    return {
        write: (chunk: string | Uint8Array) => {
            io.stderr(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
            return true;
        },
        isTTY: true,
        // Lines are fitted to the terminal before cli-progress sees them; it would cut them by length, colour codes
        // included, when it draws the last time.
        columns: Number.MAX_SAFE_INTEGER,
    } as unknown as NodeJS.WritableStream;
}

/** Columns for a line: one less than the terminal's, so a full line never wraps. */
/** The callback of verify and the dry run: one bar per table, counting the key ranges compared, done at the last. */
export function rangeProgress(progress: Progress): (table: string, done: number, total: number) => void {
    const tasks = new Map<string, ProgressTask>();
    return (table, done, total) => {
        let task = tasks.get(table);
        if (!task) tasks.set(table, (task = progress.task(table, { total, unit: 'ranges' })));
        task.update(done, total);
        if (done === total) task.done();
    };
}

export function lineWidth(io: CliIo): number {
    return Math.max(20, (io.columns ?? 80) - 1);
}

export function createProgress(io: CliIo, options: ProgressOptions = {}): Progress {
    if (!io.isTty || options.json) {
        return {
            task: () => silentTask,
            footer: () => undefined,
            // Piped or JSON output: a notice still reaches the person at the keyboard, on stderr.
            notice: (text) => io.stderr(`${text}\n`),
            stop: () => undefined,
        };
    }
    const now = options.now ?? Date.now;
    const colour = colourEnabled(io.env, io.isTty);
    const labels: string[] = [];
    const layout = (): Layout => {
        const width = lineWidth(io);
        const longest = Math.max(0, ...labels.map((l) => [...l].length));
        return { width, colour, labelWidth: Math.max(MIN_LABEL, Math.min(longest, MAX_LABEL, width - FIXED_COLUMNS)) };
    };
    const bars = new cliProgress.MultiBar({
        hideCursor: true,
        clearOnComplete: false,
        stream: ioStream(io),
        fps: 5,
        format: () => '',
    });
    let stopped = false;
    let footer: { bar: cliProgress.SingleBar; render: (layout: Layout) => string } | undefined;
    // The footer stays last: a new bar goes in above it.
    const addBar = (format: () => string): cliProgress.SingleBar => {
        if (footer) bars.remove(footer.bar);
        const bar = bars.create(1, 0, {}, { format });
        if (footer) {
            const render = footer.render;
            footer = { bar: bars.create(1, 0, {}, { format: () => render(layout()) }), render };
        }
        return bar;
    };
    return {
        task(label, { total, unit = '' } = {}) {
            labels.push(label);
            const view: BarView = {
                label,
                value: 0,
                unit,
                outcome: 'running',
                ...(total !== undefined ? { total } : {}),
            };
            const started = now();
            const bar = addBar(() => {
                const leftMs =
                    view.outcome === 'running' ? timeLeftMs(view.value, view.total, now() - started) : undefined;
                return renderBar(leftMs === undefined ? view : { ...view, leftMs }, layout());
            });
            const apply = (detail: TaskDetail | undefined) => {
                if (detail?.failed !== undefined) view.failed = detail.failed;
                if (detail?.details !== undefined) view.details = detail.details;
            };
            // cli-progress redraws on its own timer; the value it holds only triggers a redraw on change.
            const redraw = () => bar.update(view.value, {});
            return {
                update(value, newTotal, detail) {
                    view.value = value;
                    if (newTotal !== undefined) view.total = newTotal;
                    apply(detail);
                    redraw();
                },
                end(outcome, detail) {
                    view.outcome = outcome;
                    apply(detail);
                    redraw();
                },
                done(detail) {
                    this.end('done', detail);
                },
            };
        },
        footer(render) {
            if (footer) bars.remove(footer.bar);
            footer = { bar: bars.create(1, 0, {}, { format: () => render(layout()) }), render };
        },
        // Line wrapping is off while bars are drawn: a long notice is broken into lines of the terminal's width.
        notice: (text) => bars.log(`${wrapText(text, lineWidth(io)).join('\n')}\n`),
        stop() {
            // A second stop would draw the bars again, over what was printed since.
            if (stopped) return;
            stopped = true;
            // A redraw first: notices wait for one, and the last drawing of the bars happens without.
            bars.update();
            bars.stop();
        },
    };
}
