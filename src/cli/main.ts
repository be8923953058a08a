#!/usr/bin/env node
/**
 * Entry point of `dataverse-migrate`: runs the program on the process's IO and sets the exit code. What escapes a
 * command's own promise (a stream's EPIPE, a rejection nobody awaited) is reported here, the same way.
 */
import { debugEnabled, reportFailure } from './failure.js';
import { processIo } from './io.js';
import { runCli } from './program.js';
import { errnoCode } from '../util/fs-errors.js';

const argv = process.argv.slice(2);
const io = processIo();
const escaped = (error: unknown) => {
    // The reader of our output has gone (`... | head`): nobody is left to tell, and that is no failure.
    if (errnoCode(error) === 'EPIPE') process.exit(0);
    process.exit(reportFailure(error, io, { debug: debugEnabled(argv, process.env), json: false }));
};
process.stdout.on('error', escaped);
process.stderr.on('error', escaped);
process.on('uncaughtException', escaped);
process.on('unhandledRejection', escaped);

void runCli(argv, io).then((code) => {
    process.exitCode = code;
});
