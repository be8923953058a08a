/**
 * Fault-injection file format (seeded, deterministic). Each request that passes auth and the limits draws at most
 * one fault; `rate` is the probability per such request, so rates must sum to at most 1.
 *
 * ```json
 * {
 *   "seed": 7,
 *   "serverError": { "rate": 0.02, "statuses": [500, 502, 504], "afterWorkShare": 0.5 },
 *   "unavailable": { "rate": 0.01, "retryAfterSeconds": 5 },
 *   "reset": { "rate": 0.01, "afterBytes": [0, 512] },
 *   "slow": { "rate": 0.05, "extraMs": 2000 },
 *   "sqlTimeout": { "ratePerRow": 0.002, "minRows": 2 },
 *   "deadlock": { "ratePerConcurrentWriter": 0.05, "transactionAbortedShare": 0.5 }
 * }
 * ```
 * - serverError: 500/502/504 with the real error body. `afterWorkShare` of them happen after the work ran (the write
 *   is committed but the client sees the error: exercises idempotent retries); the rest before (nothing happened).
 * - unavailable: 503 with `Retry-After` (simulated seconds, scaled like the 429 one), before the work.
 * - reset: the work runs, then the socket is destroyed after `afterBytes` bytes of the response (uniform in range).
 * - slow: the work runs, the response is delayed by `extraMs` more real milliseconds.
 *
 * The database faults are drawn apart from the rates above (their own seeded stream, see database-faults.ts), per
 * write of a request that drew none of the faults above, and roll the write back:
 * - sqlTimeout: a write of n rows (a bulk action's Targets, else 1) times out with probability
 *   1 - (1 - ratePerRow)^n, and never below `minRows` rows (default 1): big batches time out, small ones pass.
 * - deadlock: with k other writes of the same table in flight, probability 1 - (1 - ratePerConcurrentWriter)^k (none
 *   when writing alone). `transactionAbortedShare` of them answer the "already rolled back" form, the rest 1205.
 */
import { z } from 'zod';
import { parseWithSchema, readJsonFile } from './config-file.js';

const rate = z.number().min(0).max(1);

export const faultsConfigSchema = z
    .strictObject({
        seed: z.number().int(),
        serverError: z
            .strictObject({
                rate,
                statuses: z
                    .array(z.union([z.literal(500), z.literal(502), z.literal(504)]))
                    .min(1)
                    .optional(),
                afterWorkShare: z.number().min(0).max(1).optional(),
            })
            .optional(),
        unavailable: z.strictObject({ rate, retryAfterSeconds: z.number().positive().optional() }).optional(),
        reset: z
            .strictObject({
                rate,
                afterBytes: z
                    .tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])
                    .refine(([min, max]) => min <= max, 'afterBytes must be [min, max] with min <= max')
                    .optional(),
            })
            .optional(),
        slow: z.strictObject({ rate, extraMs: z.number().nonnegative() }).optional(),
        sqlTimeout: z.strictObject({ ratePerRow: rate, minRows: z.number().int().min(1).optional() }).optional(),
        deadlock: z
            .strictObject({
                ratePerConcurrentWriter: rate,
                transactionAbortedShare: z.number().min(0).max(1).optional(),
            })
            .optional(),
    })
    .refine(
        (f) =>
            (f.serverError?.rate ?? 0) + (f.unavailable?.rate ?? 0) + (f.reset?.rate ?? 0) + (f.slow?.rate ?? 0) <=
            1 + 1e-9,
        { message: 'the fault rates add up to more than 1' },
    );

export type FaultsConfig = z.infer<typeof faultsConfigSchema>;

export const DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
export const DEFAULT_RESET_AFTER_BYTES: [number, number] = [0, 512];
export const DEFAULT_AFTER_WORK_SHARE = 0.5;
export const DEFAULT_SQL_TIMEOUT_MIN_ROWS = 1;
export const DEFAULT_TRANSACTION_ABORTED_SHARE = 0.5;

export function parseFaultsConfig(value: unknown, source = 'faults config'): FaultsConfig {
    return parseWithSchema(faultsConfigSchema, value, source);
}

/** Reads the `--faults FILE` option. */
export function loadFaultsFile(path: string): FaultsConfig {
    return parseFaultsConfig(readJsonFile(path), `faults file ${path}`);
}
