/** Shared helpers for the gate's zod-validated JSON config files: one error listing every problem with its path. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Validates `value` against `schema`; on failure throws one Error naming the source and every issue with its path. */
export function parseWithSchema<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
        const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
        return `  - ${path}: ${issue.message}`;
    });
    throw new Error(`Invalid ${source}:\n${problems.join('\n')}`);
}

/** Reads and parses a JSON file, naming the file in any error. */
export function readJsonFile(path: string): unknown {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (err) {
        throw new Error(`Cannot read ${path}: ${(err as Error).message}`);
    }
    try {
        return JSON.parse(text) as unknown;
    } catch (err) {
        throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
    }
}
