/**
 * The faults of the chaos suite (issue 14): every class the simulator injects, at the rates the runs met
 * them, on both sides. Request-level: 3 % 5xx (half of them after the write committed), 2 % 503 with Retry-After,
 * 2 % connection resets, 3 % slow answers. Database (writes only, so the target): SQL timeouts that grow with the
 * rows of a write, and deadlocks among concurrent writers of a table. Each side draws from a seed of its own, so a
 * run's seed fixes both streams.
 */
import { parseFaultsConfig, type FaultsConfig } from 'dataverse-sim';

export type Side = 'source' | 'target';

/** The rates, without a seed (see the module comment). */
export const CHAOS_RATES: Omit<FaultsConfig, 'seed'> = {
    serverError: { rate: 0.03, statuses: [500, 502, 504], afterWorkShare: 0.5 },
    unavailable: { rate: 0.02, retryAfterSeconds: 5 },
    reset: { rate: 0.02, afterBytes: [0, 512] },
    // Real milliseconds, not scaled: well under the client's 2-minute attempt timeout, so a slow answer is waited for.
    slow: { rate: 0.03, extraMs: 1500 },
    // A bulk chunk of 100 rows times out about 3 % of the time, one of 25 under 1 %; single rows never. Each timeout
    // costs more than its own request: the table's later chunks start at half the size (chunk-splitting.ts).
    sqlTimeout: { ratePerRow: 0.0003, minRows: 2 },
    // With 10 other writers of the table in flight (pages of one table copy at once), about 5 % of writes are victims;
    // a $batch draws for each of its parts, so most $batch requests written beside others of the table lose one part.
    deadlock: { ratePerConcurrentWriter: 0.005, transactionAbortedShare: 0.5 },
};

/** The fault config of one side of the run seeded `seed`, validated as the simulator validates its file. */
export function chaosFaults(seed: number, side: Side): FaultsConfig {
    return parseFaultsConfig(
        { seed: 2 * seed + (side === 'source' ? 0 : 1), ...CHAOS_RATES },
        `chaos faults (${side})`,
    );
}
