/** Where the CLI writes: results to stdout, errors and progress to stderr. Injected so tests can capture both. */
export interface CliIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    /** Human output with colours/progress bars only on a terminal. */
    isTty: boolean;
    /** Width of the terminal progress is drawn on (stderr), when it is one; read afresh, as terminals resize. */
    readonly columns?: number;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

export function processIo(): CliIo {
    return {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        isTty: Boolean(process.stdout.isTTY),
        get columns() {
            return process.stderr.columns;
        },
        env: process.env,
        cwd: process.cwd(),
    };
}

/** Exit codes every command shares (README "The command line"). */
export const ExitCode = {
    Success: 0,
    /** Finished, but with failed rows or differences. */
    Failures: 1,
    /** Bad input: nothing was written. */
    BadInput: 2,
    /** Another run writes a table of the same target (its lease names it): nothing was started. */
    TargetBusy: 3,
    /** A run stopped by Ctrl-C (128 + SIGINT, as shells report an interrupted command); resume it later. */
    Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by commands for bad input; the program prints the lines and exits 2. */
export class BadInputError extends Error {
    constructor(
        readonly lines: string[],
        /** Structured problems for `--json` output; defaults to one per line. */
        readonly problems: Array<{ path: string; message: string }> = lines.map((message) => ({ path: '', message })),
        /** The error this input caused (a library's), for `--debug`. */
        options: { cause?: unknown } = {},
    ) {
        super(lines.join('\n'), options);
        this.name = 'BadInputError';
    }

    /** Problems with a path where they have one (`tables[0].name: ...`), one line each. */
    static of(problems: ReadonlyArray<{ path?: string; message: string }>): BadInputError {
        return new BadInputError(
            problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)),
            problems.map((p) => ({ path: p.path ?? '', message: p.message })),
        );
    }
}
