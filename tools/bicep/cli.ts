/**
 * Runs the pinned Bicep CLI for tests: through scripts/bicep.sh, which restores it from NuGet on first use, so a
 * test never depends on a Bicep installed by hand. Diagnostics (warnings, errors) come back with the output.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file is tools/bicep/cli.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BicepResult {
    stdout: string;
    /** Diagnostics, one per line: `path(line,col) : Warning rule: message`. */
    stderr: string;
}

/** Runs `bicep <args>` from the repository root; rejects with the CLI's diagnostics when it exits non-zero. */
export async function bicep(args: readonly string[]): Promise<BicepResult> {
    try {
        return await run('bash', ['scripts/bicep.sh', ...args], {
            cwd: REPO_ROOT,
            maxBuffer: 64 * 1024 * 1024,
        });
    } catch (error) {
        const failure = error as { stderr?: string; stdout?: string; message: string };
        throw new Error(`bicep ${args.join(' ')} failed: ${failure.stderr || failure.stdout || failure.message}`);
    }
}

/** Lines of Bicep output that are warnings or errors. */
export function findings(diagnostics: string): string[] {
    return diagnostics.split('\n').filter((line) => / : (Warning|Error) /.test(line));
}
