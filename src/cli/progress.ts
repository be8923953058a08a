/**
 * Progress for long CLI work: bars on a terminal (cli-progress, written through the injected IO's
 * stderr), silence otherwise so piped and --json output stays clean. Work of unknown size (a key walk)
 * shows a running count, never a bar that would claim a share it cannot know.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface ProgressTask {
    /** Sets the current value (and the total, once it is known) and an optional detail (rows/s, ...). */
    update(value: number, total?: number, detail?: string): void;
    done(detail?: string): void;
}

export interface Progress {
    /** `unit` names what is counted (rows, pages, keys). */
    task(label: string, options?: { total?: number; unit?: string }): ProgressTask;
    stop(): void;
}

const silentTask: ProgressTask = { update: () => undefined, done: () => undefined };

const KNOWN = ' {label} [{bar}] {percentage}% {value}/{total} {unit}{detail}';
const UNKNOWN = ' {label} {value} {unit}{state}{detail}';

/** The minimal stream cli-progress writes to (readline's cursor helpers only call write). */
function ioStream(io: CliIo): NodeJS.WritableStream {
    return {
        write: (chunk: string | Uint8Array) => {
            io.stderr(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
            return true;
        },
        isTTY: true,
        columns: process.stderr.columns ?? 100,
    } as unknown as NodeJS.WritableStream;
}

export function createProgress(io: CliIo, options: { json?: boolean } = {}): Progress {
    if (!io.isTty || options.json) return { task: () => silentTask, stop: () => undefined };
    const bars = new cliProgress.MultiBar(
        { hideCursor: true, clearOnComplete: false, stream: ioStream(io), fps: 5, format: KNOWN },
        cliProgress.Presets.shades_classic,
    );
    return {
        task(label, { total, unit = '' } = {}) {
            const known = total !== undefined;
            const payload = { label: label.padEnd(28), unit, state: '...', detail: '' };
            const bar = bars.create(total ?? 1, 0, payload, { format: known ? KNOWN : UNKNOWN });
            return {
                update(value, newTotal, detail) {
                    if (newTotal !== undefined) bar.setTotal(newTotal);
                    if (detail !== undefined) payload.detail = `  ${detail}`;
                    bar.update(value, payload);
                },
                done(detail) {
                    payload.state = ' done';
                    if (detail !== undefined) payload.detail = `  ${detail}`;
                    if (known) bar.update(bar.getTotal(), payload);
                    else bar.update(payload);
                    bar.stop();
                },
            };
        },
        stop: () => bars.stop(),
    };
}
