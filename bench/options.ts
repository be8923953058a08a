/**
 * Command line of `npm run bench` (`node dist/bench/run.js [load] [bulk] [migration] [--json] ...`), parsed and
 * validated: parts to run (all when none is named), `--json` for one JSON object of every figure, and the
 * migration's sizes and time scale. Bad arguments throw a BenchUsageError naming the argument.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const BENCH_PARTS = ['load', 'bulk', 'migration', 'content', 'identities', 'replay'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export const USAGE = `usage: node dist/bench/run.js [load] [bulk] [migration] [content] [identities] [replay] [--json]
    [--rows N] [--naive-rows N] [--time-scale X] [--seed S] [--work-dir DIR] [--files N]
  load        simulator load time, heap per row, key walk
  bulk        bulk upsert vs the limits' ceiling, beside row-by-row upserts
  migration   a whole crm migration between two simulator processes under limits (--rows, default
              100000; --time-scale, default 0.25), again at a tenth of the rows (peak RSS growth), and
              the naive DynamicsWebApi way on --naive-rows (2000) (--seed 42, --work-dir .runs/bench)
  content     --files files (default 20) of a file column copied between two simulator processes by the
              content phase's transfer, at 8 and at 32 MB: MB/s, peak RSS and arrayBuffers above the start
  identities  bulk upserts through 1, 2 and 4 identities under per-user limits: identityScaling
  replay      a table of 1k, 10k and 100k pages played through the durable-functions SDK as Azure replays
              histories: replay time and events per page (bounded histories keep them flat)
  (no part named: all six)`;

export class BenchUsageError extends Error {
    override readonly name = 'BenchUsageError';
}

const count = (name: string, min: number) =>
    z.coerce
        .number({ error: `${name} must be a number` })
        .int(`${name} must be an integer`)
        .min(min, `${name} must be at least ${min}`);

const optionsSchema = z.strictObject({
    parts: z.array(
        z.enum(BENCH_PARTS, {
            error: (i) => `unknown part '${String(i.input)}' (load, bulk, migration, content, identities, replay)`,
        }),
    ),
    json: z.boolean(),
    rows: count('--rows', 1000),
    naiveRows: count('--naive-rows', 100),
    timeScale: z.coerce
        .number({ error: '--time-scale must be a number' })
        .positive('--time-scale must be > 0')
        .max(10, '--time-scale must be at most 10'),
    seed: count('--seed', 0),
    files: count('--files', 1),
    workDir: z.string().min(1, '--work-dir must not be empty'),
});
export type BenchOptions = z.infer<typeof optionsSchema>;

export function parseBenchArgs(argv: string[]): BenchOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            strict: true,
            options: {
                json: { type: 'boolean', default: false },
                rows: { type: 'string', default: '100000' },
                'naive-rows': { type: 'string', default: '2000' },
                'time-scale': { type: 'string', default: '0.25' },
                seed: { type: 'string', default: '42' },
                files: { type: 'string', default: '20' },
                'work-dir': { type: 'string', default: '.runs/bench' },
            },
        });
    } catch (error) {
        throw new BenchUsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    }
    const { values, positionals } = parsed;
    const result = optionsSchema.safeParse({
        parts: positionals.length > 0 ? [...new Set(positionals)] : [...BENCH_PARTS],
        json: values.json,
        rows: values.rows,
        naiveRows: values['naive-rows'],
        timeScale: values['time-scale'],
        seed: values.seed,
        files: values.files,
        workDir: values['work-dir'],
    });
    if (!result.success) {
        throw new BenchUsageError(`${result.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
    }
    return result.data;
}
