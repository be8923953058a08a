/**
 * The service protection limits every write benchmark runs under: the documented Dataverse ratios
 * (20 requests/s, 4 s of server time per second, 52 concurrent, 50/1/10 ms server time) with the window cut
 * from 300 s to 30 s, so a run spans many windows and measures the sustained rate rather than the first
 * window's burst. Shared by the bulk-upsert part and the migration part so their figures compare.
 */
import type { LimitsConfig } from 'dataverse-sim';

export const BENCH_LIMITS: LimitsConfig = {
    windowSeconds: 30,
    maxRequestsPerWindow: 600,
    maxExecutionMsPerWindow: 120_000,
    maxConcurrentRequests: 52,
    dopHint: 48,
    keepSendingPenaltySeconds: 1,
    serverTime: { fixedMsPerRequest: 50, msPerRowRead: 1, msPerRowWritten: 10 },
};
