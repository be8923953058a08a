/** Loads `--spec FILE` for a command, or checks a spec NAME, turning every problem into a BadInputError (exit 2). */
import { resolve } from 'node:path';
import { segment } from '../runlog/layout.js';
import { formatProblem, loadSpecFile, specNameSchema, type InputProblem, type MigrationSpec } from '../spec/index.js';
import { BadInputError, type CliIo } from './io.js';

/** Every problem of `file` with its path, under a count line (one problem without a path stands alone). */
export function specProblems(file: string, problems: readonly InputProblem[]): BadInputError {
    const count = problems.length;
    const head = count === 1 && !problems[0]?.path ? [] : [`${file}: ${count} problem${count === 1 ? '' : 's'}:`];
    const lines = problems.map((p) => (head.length ? `  ${formatProblem(p)}` : formatProblem(p)));
    return new BadInputError([...head, ...lines], [...problems]);
}

export async function requireSpec(file: string | undefined, io: CliIo): Promise<{ spec: MigrationSpec; path: string }> {
    if (!file) throw new BadInputError(['missing --spec FILE']);
    const path = resolve(io.cwd, file);
    const result = await loadSpecFile(path);
    if (result.ok) return { spec: result.spec, path };
    throw specProblems(file, result.problems);
}

/** A spec's name as `runs --spec` and `specs` take it; `where` names the option or argument. */
export function requireSpecName(value: string, where: string): string {
    // The spec format's rule, and the store's (which also refuses `..`, so a name never walks up a folder).
    if (specNameSchema.safeParse(value).success && isSegment(value)) return value;
    const message = `'${value}' is not a spec name (1-63 letters, digits, ., _ or -, starting with a letter or digit)`;
    throw new BadInputError([`${where}: ${message}`], [{ path: where, message }]);
}

function isSegment(value: string): boolean {
    try {
        segment(value, 'spec name');
        return true;
    } catch {
        return false;
    }
}
