/**
 * The `dataverse-migrate` command line: one commander program, run with injected IO so tests can
 * drive it in-process. Exit codes: 0 success, 1 failed rows or differences, 2 bad input.
 */
import { Command, CommanderError, Option } from 'commander';
import { BadInputError, ExitCode, type CliIo } from './io.js';
import { importCmtCommand, type ImportCmtOptions } from './commands/import-cmt.js';
import { planCommand } from './commands/plan.js';
import { requireSpec } from './spec-input.js';

interface CommonOptions {
    spec?: string;
    json?: boolean;
}

/** Commands whose engine arrives later in the roadmap: validate input, then say so plainly. */
async function notYetBuilt(name: string, roadmapItem: string, options: CommonOptions, io: CliIo): Promise<ExitCode> {
    if (options.spec !== undefined) await requireSpec(options.spec, io);
    io.stderr(`dataverse-migrate ${name}: not built yet (arrives with ${roadmapItem}); nothing was done\n`);
    return ExitCode.BadInput;
}

type Handler = (args: unknown[], io: CliIo) => Promise<ExitCode>;

export interface CommandTable {
    plan: Handler;
    run: Handler;
    verify: Handler;
    runs: Handler;
    log: Handler;
    importCmt: Handler;
}

function optionsOf(args: unknown[]): CommonOptions {
    // commander passes (...positionals, options, command); options is the second to last.
    return args[args.length - 2] ?? {};
}

export const defaultCommands: CommandTable = {
    plan: (args, io) => planCommand(optionsOf(args), io),
    run: (args, io) => notYetBuilt('run', 'the copy engine and the local runner', optionsOf(args), io),
    verify: (args, io) => notYetBuilt('verify', 'the copy engine and verify', optionsOf(args), io),
    runs: (args, io) => notYetBuilt('runs', 'the run log store', optionsOf(args), io),
    log: (args, io) => notYetBuilt('log', 'the run log store', optionsOf(args), io),
    importCmt: (args, io) => importCmtCommand(String(args[0]), optionsOf(args) as unknown as ImportCmtOptions, io),
};

const specOption = () => new Option('-s, --spec <file>', 'migration spec file (JSON)').makeOptionMandatory();
const jsonOption = () => new Option('--json', 'print JSON instead of human output');
const runsDirOption = () =>
    new Option('--runs-dir <dir>', 'folder of the local run log (default .runs next to the spec)').env(
        'DATAVERSE_MIGRATE_RUNS_DIR',
    );

export function buildProgram(io: CliIo, commands: CommandTable, setExit: (code: ExitCode) => void): Command {
    const program = new Command('dataverse-migrate')
        .description('Copy and sync Microsoft Dataverse table graphs between environments, parents before children.')
        .version('0.1.0')
        .showHelpAfterError('(run with --help for usage)')
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();

    const bind =
        (handler: Handler) =>
        async (...args: unknown[]) =>
            setExit(await handler(args, io));

    program
        .command('plan')
        .description('validate a spec against both environments and print the tiered plan; writes nothing')
        .addOption(specOption())
        .addOption(jsonOption())
        .action(bind(commands.plan));
    program
        .command('run')
        .description('run the migration in-process (resumable) and write the run log')
        .addOption(specOption())
        .addOption(jsonOption())
        .addOption(runsDirOption())
        .option('--resume <runId>', 'resume an interrupted run from its saved history')
        .action(bind(commands.run));
    program
        .command('verify')
        .description('compare source and target row by row over the mapped columns and lookups')
        .addOption(specOption())
        .addOption(jsonOption())
        .action(bind(commands.verify));
    program
        .command('runs')
        .description('list past runs from the run log')
        .option('-s, --spec <file>', 'only runs of this spec')
        .addOption(jsonOption())
        .addOption(runsDirOption())
        .action(bind(commands.runs));
    program
        .command('log')
        .description('print the events (and failed rows) of one run')
        .argument('<runId>', 'run id, as listed by `runs`')
        .option('-s, --spec <file>', 'spec the run belongs to')
        .option('--errors', 'print the failed rows (CSV) instead of the events')
        .addOption(jsonOption())
        .addOption(runsDirOption())
        .action(bind(commands.log));
    program
        .command('import-cmt')
        .description('turn a Configuration Migration Tool data_schema.xml into a migration spec')
        .argument('<schemaXml>', 'CMT schema file (data_schema.xml)')
        .requiredOption('--source <url>', 'source environment URL')
        .requiredOption('--target <url>', 'target environment URL')
        .option('--name <name>', 'spec name (default: the schema file name)')
        .option('-o, --out <file>', 'write the spec here instead of stdout')
        .option('--force', 'overwrite --out if it exists')
        .addOption(jsonOption())
        .action(bind(commands.importCmt));
    return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIo, commands: CommandTable = defaultCommands): Promise<ExitCode> {
    let exitCode: ExitCode = ExitCode.Success;
    const program = buildProgram(io, commands, (code) => (exitCode = code));
    try {
        await program.parseAsync(argv, { from: 'user' });
        return exitCode;
    } catch (error) {
        if (error instanceof CommanderError) {
            // --help and --version end here too, with exit code 0.
            return error.exitCode === 0 ? ExitCode.Success : ExitCode.BadInput;
        }
        if (error instanceof BadInputError) {
            io.stderr(`${error.lines.join('\n')}\n`);
            // Scripts asking for JSON get the problems as JSON too (stdout), with the same exit code.
            if (argv.includes('--json')) io.stdout(`${JSON.stringify({ problems: error.problems }, null, 2)}\n`);
            return ExitCode.BadInput;
        }
        throw error;
    }
}
