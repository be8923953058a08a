/**
 * Activity failures that no retry can mend (an input that does not parse, a run document that is not in
 * the store) travel back as data, not as a throw: durable-functions v3 cannot filter retries by error
 * type, so a throw would be retried for over a minute before the run fails. The orchestrators' call
 * helpers turn the marker back into an error that fails the run at once; transient failures still throw
 * and are retried.
 */
export const ACTIVITY_FAILURE = '$activityFailure';

export interface ActivityFailure {
    [ACTIVITY_FAILURE]: { activity: string; name: string; message: string };
}

/** A run document an activity needs is missing or unreadable: retrying reads the same store. */
export class RunDocumentError extends Error {
    override readonly name = 'RunDocumentError';
}

export function activityFailure(activity: string, error: { name: string; message: string }): ActivityFailure {
    return { [ACTIVITY_FAILURE]: { activity, name: error.name, message: error.message } };
}

export function isActivityFailure(value: unknown): value is ActivityFailure {
    return typeof value === 'object' && value !== null && ACTIVITY_FAILURE in value;
}

/** The error an orchestrator throws for a failure that came back as data. */
export class ActivityFailedError extends Error {
    override readonly name = 'ActivityFailedError';

    constructor(readonly failure: ActivityFailure[typeof ACTIVITY_FAILURE]) {
        super(`activity ${failure.activity} failed: ${failure.message}`);
    }
}
