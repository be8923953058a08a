/** zod parsing for the store's inputs and stored documents: one message naming what and every bad field. */
import { z } from 'zod';
import { formatPath } from '../spec/problems.js';
import { segment } from './layout.js';

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

/** A name that must be one safe path segment (a run id, a spec name), checked by `segment`'s rule. */
export function segmentSchema(what: string) {
    return z.string().superRefine((value, context) => {
        try {
            segment(value, what);
        } catch (error) {
            context.addIssue({ code: 'custom', message: (error as Error).message });
        }
    });
}
