/** A metadata body checked by its zod schema; the first problem becomes the refusal, naming its property. */
import type { z } from 'zod';
import { invalidDefinition } from './refusals.js';

export function parsed<T>(what: string, schema: z.ZodType<T>, body: unknown): T {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    throw invalidDefinition(what, `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}
