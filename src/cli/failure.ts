/**
 * How the CLI tells what a command threw, in one place for every command: bad input is its lines and exit 2;
 * anything else is one line naming the error and exit 1. The stack trace appears only with `--debug` or
 * `DEBUG=dataverse-migrate` (`*` and `dataverse-migrate*` too, as the `debug` package reads that variable).
 */
import { fsReason } from '../util/fs-errors.js';
import { BadInputError, ExitCode, type CliIo } from './io.js';

export const DEBUG_OPTION = '--debug';

export function debugEnabled(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
    if (argv.includes(DEBUG_OPTION)) return true;
    return (env.DEBUG ?? '')
        .split(/[\s,]+/)
        .some((name) => name === '*' || name === 'dataverse-migrate' || name === 'dataverse-migrate*');
}

export interface Failure {
    lines: string[];
    code: ExitCode;
    /** For `--json`: the problems of bad input. */
    problems?: ReadonlyArray<{ path: string; message: string }>;
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';

export function describeFailure(error: unknown): Failure {
    if (error instanceof BadInputError)
        return { lines: error.lines, code: ExitCode.BadInput, problems: error.problems };
    const reason = fsReason(error);
    const { syscall, path } = error as NodeJS.ErrnoException;
    if (reason !== undefined && syscall !== undefined)
        return { lines: [`cannot ${syscall}${path ? ` ${path}` : ''}: ${reason}`], code: ExitCode.Failures };
    const message = error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : firstLine(String(error));
    return { lines: [`unexpected error: ${message}`], code: ExitCode.Failures };
}

/** The stack of `error` and of each error it was caused by. */
function stacks(error: unknown): string {
    const parts: string[] = [];
    for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
        parts.push(e instanceof Error ? (e.stack ?? e.message) : typeof e === 'string' ? e : JSON.stringify(e));
        e = e instanceof Error ? e.cause : undefined;
        if (e !== undefined) parts.push('caused by:');
    }
    return parts.join('\n');
}

/** Prints what went wrong on stderr (and bad input as JSON on stdout for `--json`); returns the exit code. */
export function reportFailure(error: unknown, io: CliIo, options: { debug: boolean; json: boolean }): ExitCode {
    const failure = describeFailure(error);
    const lines = [...failure.lines];
    if (!(error instanceof BadInputError))
        lines[0] = `dataverse-migrate: ${lines[0]}${options.debug ? '' : ` (${DEBUG_OPTION} shows the stack trace)`}`;
    io.stderr(`${lines.join('\n')}\n`);
    // Bad input is the user's to fix: its stack is of interest only when it wraps another error.
    if (options.debug && !(error instanceof BadInputError && error.cause === undefined))
        io.stderr(`${stacks(error)}\n`);
    // Scripts asking for JSON get the problems as JSON too (stdout), with the same exit code.
    if (options.json && failure.problems !== undefined)
        io.stdout(`${JSON.stringify({ problems: failure.problems }, null, 2)}\n`);
    return failure.code;
}
