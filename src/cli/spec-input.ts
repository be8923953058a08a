/** Loads `--spec FILE` for a command, turning every problem into a BadInputError (exit 2). */
import { resolve } from 'node:path';
import { formatProblem, loadSpecFile, type MigrationSpec } from '../spec/index.js';
import { BadInputError, type CliIo } from './io.js';

export async function requireSpec(file: string | undefined, io: CliIo): Promise<{ spec: MigrationSpec; path: string }> {
    if (!file) throw new BadInputError(['missing --spec FILE']);
    const path = resolve(io.cwd, file);
    const result = await loadSpecFile(path);
    if (result.ok) return { spec: result.spec, path };
    const count = result.problems.length;
    const head =
        count === 1 && !result.problems[0]?.path ? [] : [`${file}: ${count} problem${count === 1 ? '' : 's'}:`];
    const lines = result.problems.map((p) => (head.length ? `  ${formatProblem(p)}` : formatProblem(p)));
    throw new BadInputError([...head, ...lines], result.problems);
}
