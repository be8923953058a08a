/**
 * Progress for long CLI work: bars on a terminal (cli-progress, on stderr), silence otherwise so
 * piped and --json output stays clean.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface ProgressTask {
    /** Sets the current value; a total may become known later (e.g. rows of a table being walked). */
    update(value: number, total?: number): void;
    done(): void;
}

export interface Progress {
    task(label: string, total?: number): ProgressTask;
    stop(): void;
}

const silentTask: ProgressTask = { update: () => undefined, done: () => undefined };

export function createProgress(io: CliIo, options: { json?: boolean } = {}): Progress {
    if (!io.isTty || options.json) return { task: () => silentTask, stop: () => undefined };
    const bars = new cliProgress.MultiBar(
        {
            format: ' {label} [{bar}] {value}/{total} {unit}',
            hideCursor: true,
            clearOnComplete: false,
            stream: process.stderr,
            fps: 5,
        },
        cliProgress.Presets.shades_classic,
    );
    return {
        task(label, total) {
            const bar = bars.create(total ?? 0, 0, { label: label.padEnd(24), unit: total === undefined ? '' : '' });
            return {
                update(value, newTotal) {
                    if (newTotal !== undefined) bar.setTotal(newTotal);
                    else if (value > bar.getTotal()) bar.setTotal(value);
                    bar.update(value);
                },
                done() {
                    bar.setTotal(Math.max(bar.getTotal(), 1));
                    bar.update(bar.getTotal());
                    bar.stop();
                },
            };
        },
        stop: () => bars.stop(),
    };
}
