/**
 * Progress for long CLI work: bars on a terminal (cli-progress, on stderr), silence otherwise so
 * piped and --json output stays clean. Work of unknown size (a key walk) shows a running count,
 * never a bar that would claim a share it cannot know.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface ProgressTask {
    /** Sets the current value (and the total, once it is known). */
    update(value: number, total?: number): void;
    done(): void;
}

export interface Progress {
    /** `unit` names what is counted (rows, pages, keys). */
    task(label: string, options?: { total?: number; unit?: string }): ProgressTask;
    stop(): void;
}

const silentTask: ProgressTask = { update: () => undefined, done: () => undefined };

const KNOWN = ' {label} [{bar}] {percentage}% {value}/{total} {unit}';
const UNKNOWN = ' {label} {value} {unit}{state}';

export function createProgress(io: CliIo, options: { json?: boolean } = {}): Progress {
    if (!io.isTty || options.json) return { task: () => silentTask, stop: () => undefined };
    const bars = new cliProgress.MultiBar(
        { hideCursor: true, clearOnComplete: false, stream: process.stderr, fps: 5, format: KNOWN },
        cliProgress.Presets.shades_classic,
    );
    return {
        task(label, { total, unit = '' } = {}) {
            const known = total !== undefined;
            const payload = { label: label.padEnd(24), unit, state: '...' };
            const bar = bars.create(total ?? 1, 0, payload, { format: known ? KNOWN : UNKNOWN });
            return {
                update(value, newTotal) {
                    if (newTotal !== undefined) bar.setTotal(newTotal);
                    bar.update(value, payload);
                },
                done() {
                    payload.state = ' done';
                    if (known) bar.update(bar.getTotal(), payload);
                    else bar.update(payload);
                    bar.stop();
                },
            };
        },
        stop: () => bars.stop(),
    };
}
