/**
 * One CLI command as a module: its commander definition and a zod schema for its options, so every
 * command receives typed, validated options (no casts) and reports bad options as bad input (exit 2)
 * with every problem listed. Pattern of the shadcn CLI (one `Command` per file, `schema.parse` at the
 * top of the action), with this project's injected IO and returned exit codes.
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { BadInputError, type CliIo, type ExitCode } from './io.js';

export interface CommandContext {
    io: CliIo;
    /** Positional arguments, in order. */
    args: string[];
}

export interface CommandModule<S extends z.ZodType = z.ZodType> {
    name: string;
    /** Adds the command's description, arguments and options to `command`. */
    define(command: Command): Command;
    options: S;
    run(options: z.output<S>, context: CommandContext): Promise<ExitCode>;
}

export function defineCommand<S extends z.ZodType>(module: CommandModule<S>): CommandModule<S> {
    return module;
}

/** Commander's parsed options through the command's schema; every problem at once. */
export function parseOptions<S extends z.ZodType>(module: CommandModule<S>, raw: unknown): z.output<S> {
    const result = module.options.safeParse(raw);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => ({
        path:
            issue.path.length > 0
                ? `--${issue.path
                      .map(String)
                      .join('.')
                      .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
                : '',
        message: issue.message,
    }));
    throw BadInputError.of(problems);
}
