/**
 * The CLI's stores: the filesystem run store under `--log-dir` (default ./.dataverse-migrate), and the stored specs
 * in its `specs/` folder, which `serve` and the `specs` command share (one function, so they cannot drift apart).
 */
import { resolve } from 'node:path';
import { LocalRuns } from '../host/local-runs.js';
import type { RunLookup } from '../host/run-state.js';
import { createFileRunStore, DEFAULT_RUN_STORE_ROOT } from '../runlog/index.js';
import type { RunStore } from '../runlog/types.js';
import { createFileSpecStore, type SpecStore } from '../specstore/index.js';
import { folderWriteProblem } from '../util/writable-folder.js';
import { BadInputError, type CliIo } from './io.js';

export function logRoot(io: CliIo, logDir: string | undefined): string {
    return resolve(io.cwd, logDir ?? io.env.DATAVERSE_MIGRATE_LOG_DIR ?? DEFAULT_RUN_STORE_ROOT);
}

export function cliStore(io: CliIo, logDir: string | undefined): { store: RunStore; root: string } {
    const root = logRoot(io, logDir);
    return { store: createFileRunStore(root), root };
}

/** The run store of a command that writes to it: a folder that cannot be written is bad input, before any work. */
export async function writableCliStore(
    io: CliIo,
    logDir: string | undefined,
): Promise<{ store: RunStore; root: string }> {
    const opened = cliStore(io, logDir);
    const problem = await folderWriteProblem(opened.root);
    if (problem === undefined) return opened;
    const where =
        logDir !== undefined
            ? '--log-dir'
            : io.env.DATAVERSE_MIGRATE_LOG_DIR !== undefined
              ? 'DATAVERSE_MIGRATE_LOG_DIR'
              : 'the default; choose another with --log-dir';
    throw new BadInputError([`cannot write the run store folder ${opened.root} (${where}): ${problem}`]);
}

/** The stored specs of a run store folder. */
export function cliSpecStore(root: string): SpecStore {
    return createFileSpecStore(root);
}

export interface CliSpecs {
    specs: SpecStore;
    /** Reads the state of a spec's runs from their journals (a run `serve` is playing included); starts nothing. */
    lookup: RunLookup;
    root: string;
    close(): Promise<void>;
}

export function cliSpecs(io: CliIo, logDir: string | undefined): CliSpecs {
    const { store, root } = cliStore(io, logDir);
    const runs = new LocalRuns({ store, root, env: io.env });
    return { specs: cliSpecStore(root), lookup: { runs, store }, root, close: () => runs.stop() };
}
