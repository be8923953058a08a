/** zod parsing for the store's inputs and stored documents: one message naming what and every bad field. */
import type { z } from 'zod';
import { formatPath } from '../spec/problems.js';

/** Parses `value`; otherwise throws `makeError` of "`what`: path: message; …". */
export function parseWith<S extends z.ZodType>(
    schema: S,
    value: unknown,
    what: string,
    makeError: (message: string) => Error = (message) => new TypeError(message),
): z.output<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
        const path = formatPath(issue.path);
        return path ? `${path}: ${issue.message}` : issue.message;
    });
    throw makeError(`${what}: ${problems.join('; ')}`);
}
