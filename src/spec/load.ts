/** Reading a spec file: a missing file or broken JSON is one clear problem naming the file. */
import { readFile } from 'node:fs/promises';
import type { InputProblem } from './problems.js';
import { validateSpec, type SpecResult } from './validate.js';

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
}

/** A spec file's JSON as written (before validation), or the one problem that it is not JSON. */
export type SpecDocumentRead = { ok: true; document: unknown } | { ok: false; problems: InputProblem[] };

export function parseSpecJson(text: string, fileName: string): SpecDocumentRead {
    try {
        return { ok: true, document: JSON.parse(text) };
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const position = /position (\d+)/.exec(message);
        const where = position ? lineColumn(text, Number(position[1])) : undefined;
        const at = where ? ` at line ${where.line}, column ${where.column}` : '';
        // Node puts the whole offending text in some messages ("..." is not valid JSON); keep one line.
        const detail = message
            .replace(/, "[\s\S]*" is not valid JSON$/, '')
            .replace(/ in JSON at position \d+[\s\S]*$/, '')
            .replace(/\s+/g, ' ');
        return { ok: false, problems: [{ path: '', message: `${fileName} is not valid JSON${at}: ${detail}` }] };
    }
}

export function parseSpecText(text: string, fileName: string): SpecResult {
    const read = parseSpecJson(text, fileName);
    return read.ok ? validateSpec(read.document) : read;
}

/** Reads a spec file's JSON document as written; a missing file or broken JSON is one problem naming the file. */
export async function readSpecDocument(path: string): Promise<SpecDocumentRead> {
    let text: string;
    try {
        text = await readFile(path, 'utf8');
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const problem: InputProblem = {
            path: '',
            message:
                code === 'ENOENT'
                    ? `spec file not found: ${path}`
                    : code === 'EISDIR'
                      ? `spec file is a directory: ${path}`
                      : `cannot read spec file ${path}: ${(error as Error).message}`,
        };
        return { ok: false, problems: [problem] };
    }
    return parseSpecJson(text.replace(/^\uFEFF/, ''), path);
}

export async function loadSpecFile(path: string): Promise<SpecResult> {
    const read = await readSpecDocument(path);
    return read.ok ? validateSpec(read.document) : read;
}
