/** Runs the CLI in-process with captured stdout/stderr. */
import { runCli } from '../../src/cli/program.js';
import type { CommandModule } from '../../src/cli/command.js';
import type { CliIo } from '../../src/cli/io.js';

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

export async function cli(
    argv: string[],
    options: { cwd?: string; commands?: readonly CommandModule[]; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        isTty: false,
        env: { ...process.env, ...options.env },
        cwd: options.cwd ?? process.cwd(),
    };
    const code = await runCli(argv, io, options.commands);
    return { code, stdout, stderr };
}
