/** `dataverse-migrate import-cmt`: a Configuration Migration Tool schema file becomes a migration spec. */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CmtSchemaError, cmtSchemaToSpec } from '../../cmt/index.js';
import { formatProblem, validateSpec } from '../../spec/index.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { BadInputError, ExitCode, type CliIo } from '../io.js';

export interface ImportCmtOptions {
    source: string;
    target: string;
    name?: string;
    out?: string;
    force?: boolean;
    json?: boolean;
}

async function readSchema(path: string, given: string): Promise<string> {
    try {
        return await readFile(path, 'utf8');
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new BadInputError([
            code === 'ENOENT' ? `schema file not found: ${given}` : `cannot read ${given}: ${(error as Error).message}`,
        ]);
    }
}

/** A spec name from the file name: `data_schema.xml` in folder `crm-config` -> `crm-config`. */
function defaultName(path: string): string {
    const file = basename(path).replace(/\.xml$/i, '');
    const base = file.toLowerCase() === 'data_schema' ? basename(resolve(path, '..')) : file;
    const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
    return cleaned.slice(0, 63) || 'cmt-import';
}

export async function importCmtCommand(schemaFile: string, options: ImportCmtOptions, io: CliIo): Promise<ExitCode> {
    const path = resolve(io.cwd, schemaFile);
    const xml = await readSchema(path, schemaFile);
    let result;
    try {
        result = cmtSchemaToSpec(xml, {
            source: options.source,
            target: options.target,
            name: options.name ?? defaultName(path),
            fileName: schemaFile,
        });
    } catch (error) {
        if (error instanceof CmtSchemaError) {
            const [only] = error.problems;
            if (error.problems.length === 1 && only !== undefined) throw new BadInputError([`${schemaFile}: ${only}`]);
            throw new BadInputError([
                `${schemaFile}: ${error.problems.length} problems:`,
                ...error.problems.map((p) => `  ${p}`),
            ]);
        }
        throw error;
    }
    // The URLs and name come from the command line: check the spec as `plan` and `run` will.
    const checked = validateSpec(result.spec);
    if (!checked.ok) throw new BadInputError(checked.problems.map((p) => `the imported spec: ${formatProblem(p)}`));

    const text = `${JSON.stringify(result.spec, null, 2)}\n`;
    if (options.out !== undefined) {
        const outPath = resolve(io.cwd, options.out);
        const written = await writeFileAtomic(outPath, text, { overwrite: options.force === true });
        if (!written) throw new BadInputError([`${options.out} already exists; use --force to overwrite it`]);
    }
    if (options.json) {
        io.stdout(
            `${JSON.stringify({ spec: result.spec, notes: result.notes, ...(options.out ? { out: options.out } : {}) }, null, 2)}\n`,
        );
    } else {
        if (options.out === undefined) io.stdout(text);
        const tables = checked.spec.tables.length;
        const m2m = checked.spec.manyToMany.length;
        const where = options.out !== undefined ? `wrote ${options.out}` : 'spec on stdout';
        io.stderr(
            `${where}: ${tables} table${tables === 1 ? '' : 's'}, ${m2m} many-to-many relationship${m2m === 1 ? '' : 's'}\n`,
        );
        if (result.notes.length > 0)
            io.stderr(`Notes (${result.notes.length}):\n${result.notes.map((n) => `  - ${n}`).join('\n')}\n`);
        io.stderr(`Next: dataverse-migrate plan --spec ${options.out ?? '<file>'}\n`);
    }
    return ExitCode.Success;
}
