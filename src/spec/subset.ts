/**
 * The spec's `subset` section: a run that copies a consistent slice instead of whole tables. It starts from slices of
 * some tables (a filter, a share or a count, chosen by a seed so every run takes the same rows), takes the children
 * the spec names down to `depth` steps, and always every parent a taken row points to (plan/subset.ts). Its own module
 * and key, so other spec sections merge without touching it.
 */
import { z } from 'zod';
import type { InputProblem } from './problems.js';

const logicalName = z
    .string({ error: 'expected a string' })
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'expected a Dataverse logical name (lower case letters, digits, _)' });

/** Where a subset starts: the rows of one table inside `filter`, then a seeded share of them or a seeded count. */
export const subsetStartSchema = z
    .strictObject({
        /** The table's logical name, as in tables[].name. */
        name: logicalName,
        /** An OData `$filter` on the source table: only its rows are candidates. */
        filter: z.string().min(1).optional(),
        /** Rows whose hash of (seed, id) falls under this share: 0.05 takes about 5 % of the candidates. */
        share: z
            .number({ error: 'expected a share between 0 and 1, e.g. 0.05 for 5 %' })
            .gt(0, { error: 'expected a share above 0' })
            .max(1, { error: 'expected a share of at most 1 (a share, not a percentage: 0.05 for 5 %)' })
            .optional(),
        /** The candidates with the lowest hashes of (seed, id): the same rows in every run with the same seed. */
        count: z.number().int().min(1, { error: 'expected a count of at least 1' }).optional(),
    })
    .superRefine((start, ctx) => {
        if (start.share !== undefined && start.count !== undefined)
            ctx.addIssue({ code: 'custom', path: ['count'], message: 'give a share or a count, not both' });
        if (start.share === undefined && start.count === undefined && start.filter === undefined)
            ctx.addIssue({
                code: 'custom',
                message: 'give a filter, a share or a count: a start that takes every row is not a subset',
            });
    });

/** Children to take: rows of table `name` whose lookup `via` points to a row the subset took. */
export const subsetChildSchema = z.strictObject({
    name: logicalName,
    /** The child's lookup column (logical name); absent: every lookup of the child to a table of the run. */
    via: logicalName.optional(),
});

export const subsetSchema = z.strictObject({
    /** Any text: the same seed takes the same rows in every run; another seed, other rows. */
    seed: z.string({ error: 'expected the seed, any text (e.g. "dev-2026")' }).min(1),
    start: z.array(subsetStartSchema).min(1, { error: 'list at least one table to start the subset from' }),
    children: z.array(subsetChildSchema).default([]),
    /** Child steps followed from the start rows (contacts of accounts: 1; their notes: 2). Parents are always taken. */
    depth: z.number().int().min(0).max(10, { error: 'at most 10 child steps' }).default(1),
});

export type SubsetSpec = z.output<typeof subsetSchema>;
export type SubsetStart = z.output<typeof subsetStartSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Tables the subset names must be run tables of the spec; each table starts the subset once. */
export function subsetProblems(doc: Record<string, unknown>): InputProblem[] {
    if (!isRecord(doc.subset)) return [];
    const tables = new Set(
        (Array.isArray(doc.tables) ? doc.tables : [])
            .map((t: unknown) => (isRecord(t) && typeof t.name === 'string' ? t.name : undefined))
            .filter((t): t is string => t !== undefined),
    );
    const problems: InputProblem[] = [];
    const seen = new Map<string, number>();
    for (const list of ['start', 'children'] as const) {
        const entries = doc.subset[list];
        if (!Array.isArray(entries)) continue;
        entries.forEach((entry: unknown, i) => {
            if (!isRecord(entry) || typeof entry.name !== 'string') return;
            const path = `subset.${list}[${i}].name`;
            if (!tables.has(entry.name))
                problems.push({
                    path,
                    message: `'${entry.name}' is not in tables: the subset takes rows of the run's tables only; add it to tables`,
                });
            if (list !== 'start') return;
            const first = seen.get(entry.name);
            if (first !== undefined)
                problems.push({
                    path,
                    message: `'${entry.name}' starts the subset twice (first at subset.start[${first}])`,
                });
            else seen.set(entry.name, i);
        });
    }
    return problems;
}
