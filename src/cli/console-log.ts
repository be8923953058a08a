/**
 * `serve`'s console: the one logger shape as lines on stderr, each with its time and level, so a terminal and a
 * redirected log file read alike. Warnings and errors are coloured where the terminal has colour.
 */
import type { Log, LogLevel } from '../util/log.js';
import type { CliIo } from './io.js';
import { colourEnabled, paint, type Tone } from './progress-format.js';

const TONE: Record<LogLevel, Tone | undefined> = { info: undefined, warn: 'yellow', error: 'red' };

export function consoleLog(io: CliIo, now: () => Date = () => new Date()): Log {
    const colour = colourEnabled(io.env, io.isTty);
    return (level, message) =>
        io.stderr(`${now().toISOString()} ${paint(level.padEnd(5), TONE[level], colour)} ${message}\n`);
}
