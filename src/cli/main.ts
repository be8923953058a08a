#!/usr/bin/env node
/** Entry point of `npx dataverse-migrate`. */
import { processIo } from './io.js';
import { runCli } from './program.js';

const io = processIo();
runCli(process.argv.slice(2), io).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        io.stderr(
            `dataverse-migrate: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 1;
    },
);
