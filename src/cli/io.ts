/** Where the CLI writes: results to stdout, errors and progress to stderr. Injected so tests can capture both. */
export interface CliIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    /** Human output with colours/progress bars only on a terminal. */
    isTty: boolean;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

export function processIo(): CliIo {
    return {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        isTty: Boolean(process.stdout.isTTY),
        env: process.env,
        cwd: process.cwd(),
    };
}

/** Exit codes every command shares (DESIGN "Command line"). */
export const ExitCode = {
    Success: 0,
    /** Finished, but with failed rows or differences. */
    Failures: 1,
    /** Bad input: nothing was written. */
    BadInput: 2,
    /** Another run writes a table of the same target (its lease names it): nothing was started. */
    TargetBusy: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by commands for bad input; the program prints the lines and exits 2. */
export class BadInputError extends Error {
    constructor(
        readonly lines: string[],
        /** Structured problems for `--json` output; defaults to one per line. */
        readonly problems: Array<{ path: string; message: string }> = lines.map((message) => ({ path: '', message })),
    ) {
        super(lines.join('\n'));
        this.name = 'BadInputError';
    }
}
