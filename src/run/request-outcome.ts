/**
 * An activity's requests in its outcome: the requests its work sent (src/dataverse/request-tally.ts), added to the
 * outcome's `counts` when it has row counts (so the orchestrators' sums carry them as they carry rows), otherwise kept
 * as its `requests` (a listing, the plan: the orchestrator adds them where they belong). Kept in the activity's
 * receipt with the rest of its outcome, so a resumed run counts what an earlier process sent.
 */
import { tallyRequests, type RequestTally } from '../dataverse/index.js';
import { addRequests, phaseCountsSchema, type PhaseCounts, type SideRequests } from './outcomes.js';

/** The environments of a tally; requests to any other meter name are not a run's. */
export function sideRequests(tally: RequestTally): SideRequests | undefined {
    const requests: SideRequests = {};
    if (tally.source) requests.source = tally.source;
    if (tally.target) requests.target = tally.target;
    return requests.source || requests.target ? requests : undefined;
}

/** Runs an activity's work and adds the requests it sent to its outcome (an object; anything else unchanged). */
export async function withTally<T>(work: () => Promise<T>): Promise<T> {
    const { result, requests: tally } = await tallyRequests(work);
    const requests = sideRequests(tally);
    if (!requests || typeof result !== 'object' || result === null || Array.isArray(result)) return result;
    const outcome = result as Record<string, unknown>;
    if (phaseCountsSchema.safeParse(outcome.counts).success) {
        const counts = outcome.counts as PhaseCounts;
        return { ...outcome, counts: { ...counts, requests: addRequests(counts.requests, requests) } } as T;
    }
    return { ...outcome, requests: addRequests(outcome.requests as SideRequests | undefined, requests) } as T;
}
