/**
 * Service protection limits and the server-time model (research §4). Limits apply per user.
 *
 * Server-time defaults (simulated ms, chosen to give plausible real-world throughput for one user):
 * - fixedMsPerRequest 50: a small GET/POST round inside the service (auth, pipeline, one SQL call).
 * - msPerRowRead 1: reading is cheap; a 5000-row page costs ~5 s of execution time.
 * - msPerRowWritten 10: one create/update with default plug-ins and audit is on the order of 10 ms of SQL + pipeline.
 * With the `dataverse` limits that gives one user: single-row writes bound by the request count at 20 rows/s;
 * CreateMultiple of 100 bound by execution time at ~381 rows/s (~1.4 M rows/hour), which matches reported bulk rates.
 */
import { z } from 'zod';
import { parseWithSchema, readJsonFile } from './config-file.js';

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

export const serverTimeSchema = z.strictObject({
    /** Simulated ms every admitted request costs, whatever it does. */
    fixedMsPerRequest: nonNegative,
    /** Simulated ms per row returned or scanned for a read. */
    msPerRowRead: nonNegative,
    /** Simulated ms per row created, updated, upserted, deleted or associated. */
    msPerRowWritten: nonNegative,
});

export const limitsConfigSchema = z.strictObject({
    /** Sliding window length in simulated seconds (300 on the real service). */
    windowSeconds: positive,
    /** Requests per user per window (6000). A $batch or a *Multiple call counts as one. */
    maxRequestsPerWindow: z.number().int().positive(),
    /** Combined execution time per user per window, simulated ms (1,200,000). */
    maxExecutionMsPerWindow: positive,
    /** Concurrent requests per user (52). */
    maxConcurrentRequests: z.number().int().positive(),
    /** Value of `x-ms-dop-hint` sent on every response. */
    dopHint: z.number().int().positive(),
    /**
     * Simulated seconds added to a throttle for each request the user sends while throttled, beyond the first
     * `maxConcurrentRequests` of the episode (those are parallel callers learning of the throttle). Capped so a
     * throttle never reaches further than one window ahead. Optional; default 1.
     */
    keepSendingPenaltySeconds: nonNegative.optional(),
    serverTime: serverTimeSchema,
});

export type LimitsConfig = z.infer<typeof limitsConfigSchema>;

/** The documented service protection limits (research §4) with the default server-time model. */
export const DATAVERSE_LIMITS: LimitsConfig = Object.freeze({
    windowSeconds: 300,
    maxRequestsPerWindow: 6000,
    maxExecutionMsPerWindow: 1_200_000,
    maxConcurrentRequests: 52,
    dopHint: 48,
    keepSendingPenaltySeconds: 1,
    serverTime: Object.freeze({ fixedMsPerRequest: 50, msPerRowRead: 1, msPerRowWritten: 10 }),
});

/** `x-ms-dop-hint` sent when limits are `none` (the header is still on every response, as on the real service). */
export const DEFAULT_DOP_HINT = DATAVERSE_LIMITS.dopHint;

export const DEFAULT_KEEP_SENDING_PENALTY_SECONDS = 1;

/** Modeled server time of one request's work, simulated ms. */
export function modeledServerMs(limits: LimitsConfig, work: { rowsRead: number; rowsWritten: number }): number {
    const t = limits.serverTime;
    return t.fixedMsPerRequest + work.rowsRead * t.msPerRowRead + work.rowsWritten * t.msPerRowWritten;
}

/** Validates a limits object (e.g. parsed from a file); every problem is reported with its path. */
export function parseLimitsConfig(value: unknown, source = 'limits config'): LimitsConfig {
    return parseWithSchema(limitsConfigSchema, value, source);
}

/**
 * Resolves the `--limits` option: `dataverse` (documented limits), `none` (everything off, no delays) or a JSON
 * file path. A file may hold a partial config with `"preset": "dataverse"` to override single fields.
 */
export function resolveLimitsOption(value: string): LimitsConfig | 'none' {
    if (value === 'none') return 'none';
    if (value === 'dataverse') return DATAVERSE_LIMITS;
    const raw = readJsonFile(value);
    return parseLimitsConfig(withPreset(raw), `limits file ${value}`);
}

/** `{"preset":"dataverse", ...overrides}` merges the overrides (serverTime field by field) onto the preset. */
function withPreset(raw: unknown): unknown {
    if (typeof raw !== 'object' || raw === null || !('preset' in raw)) return raw;
    const { preset, ...rest } = raw as Record<string, unknown>;
    if (preset !== 'dataverse') return raw; // left in place so validation reports the unknown key
    const serverTime =
        typeof rest.serverTime === 'object' && rest.serverTime !== null
            ? { ...DATAVERSE_LIMITS.serverTime, ...rest.serverTime }
            : (rest.serverTime ?? DATAVERSE_LIMITS.serverTime);
    return { ...DATAVERSE_LIMITS, ...rest, serverTime };
}
