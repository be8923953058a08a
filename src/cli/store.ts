/** The CLI's run store: the filesystem store under `--log-dir` (default ./.dataverse-migrate). */
import { resolve } from 'node:path';
import { createFileRunStore, DEFAULT_RUN_STORE_ROOT } from '../runlog/index.js';
import type { RunStore } from '../runlog/types.js';
import type { CliIo } from './io.js';

export function logRoot(io: CliIo, logDir: string | undefined): string {
    return resolve(io.cwd, logDir ?? io.env.DATAVERSE_MIGRATE_LOG_DIR ?? DEFAULT_RUN_STORE_ROOT);
}

export function cliStore(io: CliIo, logDir: string | undefined): { store: RunStore; root: string } {
    const root = logRoot(io, logDir);
    return { store: createFileRunStore(root), root };
}
