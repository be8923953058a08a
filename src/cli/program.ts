/**
 * The `dataverse-migrate` command line: one commander program assembled from one module per command
 * (each with a zod schema for its options), run with injected IO so tests drive it in-process.
 * Exit codes: 0 success, 1 failed rows or differences, 2 bad input (nothing written), 130 a run stopped by
 * Ctrl-C. Whatever a command throws is reported in one place (failure.ts).
 */
import { Command, CommanderError } from 'commander';
import { parseOptions, type CommandModule } from './command.js';
import { logCommand } from './commands/log.js';
import { importCmtModule, planModule } from './commands/plan-command.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { specsCommand } from './commands/specs.js';
import { verifyCommand } from './commands/verify.js';
import { DEBUG_OPTION, debugEnabled, reportFailure } from './failure.js';
import { ExitCode, type CliIo } from './io.js';

export const COMMANDS: readonly CommandModule[] = [
    planModule,
    runCommand,
    verifyCommand,
    runsCommand,
    logCommand,
    importCmtModule,
    serveCommand,
    specsCommand,
] as CommandModule[];

export function buildProgram(
    io: CliIo,
    setExit: (code: ExitCode) => void,
    commands: readonly CommandModule[] = COMMANDS,
): Command {
    const program = new Command('dataverse-migrate')
        .description('Copy and sync Microsoft Dataverse table graphs between environments, parents before children.')
        .version('0.1.0')
        .option(DEBUG_OPTION, 'show the stack trace of an unexpected error (or set DEBUG=dataverse-migrate)')
        .showHelpAfterError('(run with --help for usage)')
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    for (const module of commands) {
        const command = module.define(program.command(module.name));
        command.action(async (...received: unknown[]) => {
            // commander passes (...positionals, options, command).
            const self = received[received.length - 1] as Command;
            const args = self.args.map(String);
            setExit(await module.run(parseOptions(module, self.opts()), { io, args }));
        });
    }
    return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code; never calls process.exit and never
 * rejects: every failure is told on stderr with its exit code.
 */
export async function runCli(argv: string[], io: CliIo, commands?: readonly CommandModule[]): Promise<ExitCode> {
    let exitCode: ExitCode = ExitCode.Success;
    const program = buildProgram(io, (code) => (exitCode = code), commands);
    try {
        await program.parseAsync(argv, { from: 'user' });
        return exitCode;
    } catch (error) {
        if (error instanceof CommanderError) {
            // Commander printed its message; --help and --version end here too, with exit code 0.
            return error.exitCode === 0 ? ExitCode.Success : ExitCode.BadInput;
        }
        return reportFailure(error, io, { debug: debugEnabled(argv, io.env), json: argv.includes('--json') });
    }
}
