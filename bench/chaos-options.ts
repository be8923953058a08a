/**
 * Command line of `npm run chaos` (`node dist/bench/chaos.js [--seeds N] ...`), parsed and validated; bad
 * arguments throw a ChaosUsageError naming the argument.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const CHAOS_USAGE = `usage: node dist/bench/chaos.js [--seeds N] [--first-seed S] [--rows N] [--time-scale X]
    [--data-seed S] [--page-size N] [--write-batch-size N] [--work-dir DIR] [--json]
  A clean crm migration, then one with every simulator fault class on both sides per fault seed
  (--first-seed, default 1, and the next --seeds - 1; default 5 seeds), on --rows source rows (default 3000,
  generated from --data-seed 42; the bench spec's page size 1000 and the default write batch of 100 unless
  given) under the bench limits at --time-scale (default 0.1); a table of faults,
  retries, write and total requests against the clean run, exit codes and verify verdicts (--json: one JSON
  object). Exits 1 when a run exits non-zero, differs, or writes more than 1.3x the clean run's requests.`;

export class ChaosUsageError extends Error {
    override readonly name = 'ChaosUsageError';
}

const integer = (name: string, min: number) =>
    z.coerce
        .number({ error: `${name} must be a number` })
        .int(`${name} must be an integer`)
        .min(min, `${name} must be at least ${min}`);

const optionsSchema = z.strictObject({
    seeds: integer('--seeds', 1).max(100, '--seeds must be at most 100'),
    firstSeed: integer('--first-seed', 0),
    rows: integer('--rows', 100),
    timeScale: z.coerce
        .number({ error: '--time-scale must be a number' })
        .positive('--time-scale must be > 0')
        .max(10, '--time-scale must be at most 10'),
    dataSeed: integer('--data-seed', 0),
    pageSize: integer('--page-size', 1).max(5000, '--page-size must be at most 5000').optional(),
    writeBatchSize: integer('--write-batch-size', 1).max(1000, '--write-batch-size must be at most 1000').optional(),
    workDir: z.string().min(1, '--work-dir must not be empty'),
    json: z.boolean(),
});
export type ChaosOptions = z.infer<typeof optionsSchema>;

export function parseChaosArgs(argv: string[]): ChaosOptions {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            strict: true,
            options: {
                seeds: { type: 'string', default: '5' },
                'first-seed': { type: 'string', default: '1' },
                rows: { type: 'string', default: '3000' },
                'time-scale': { type: 'string', default: '0.1' },
                'data-seed': { type: 'string', default: '42' },
                'page-size': { type: 'string' },
                'write-batch-size': { type: 'string' },
                'work-dir': { type: 'string', default: '.runs/chaos' },
                json: { type: 'boolean', default: false },
            },
        }));
    } catch (error) {
        throw new ChaosUsageError(`${error instanceof Error ? error.message : String(error)}\n${CHAOS_USAGE}`);
    }
    const result = optionsSchema.safeParse({
        seeds: values.seeds,
        firstSeed: values['first-seed'],
        rows: values.rows,
        timeScale: values['time-scale'],
        dataSeed: values['data-seed'],
        pageSize: values['page-size'],
        writeBatchSize: values['write-batch-size'],
        workDir: values['work-dir'],
        json: values.json,
    });
    if (!result.success) {
        throw new ChaosUsageError(`${result.error.issues.map((i) => i.message).join('; ')}\n${CHAOS_USAGE}`);
    }
    return result.data;
}
