/**
 * Retries of activities: only infrastructure failures throw (a lost connection, a store outage, an
 * expired token that a second attempt refreshes); row failures come back as data and are never
 * retried this way. Five attempts from 5 s, doubling, at most a minute apart.
 */
import * as df from 'durable-functions';

export function activityRetry(): df.RetryOptions {
    const retry = new df.RetryOptions(5_000, 5);
    retry.backoffCoefficient = 2;
    retry.maxRetryIntervalInMilliseconds = 60_000;
    return retry;
}
