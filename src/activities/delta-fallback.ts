/**
 * When a stored change-tracking token must not be used, and the table is compared in full instead (research
 * realworld-gaps W5). Deletes reach a delta run only as `$deletedEntity` entries, so a delta that cannot be trusted
 * to list them (a token past the source's retention, or one the service refuses) is replaced by a full compare,
 * which finds deletes by key ranges like any full run.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { isDataverseError, isExpiredDeltaToken } from '../dataverse/errors.js';

/**
 * Organization.ExpireChangeTrackingInDays default: "Changes are returned if the last token is within a default value
 * of 7 days. This duration is controlled by the value of the Organization table ExpireChangeTrackingInDays column"
 * (powerapps-docs use-change-tracking-synchronize-data-external-systems.md).
 */
export const DEFAULT_CHANGE_RETENTION_DAYS = 7;

/**
 * The source's change retention in days, from its organization row. An identity that may not read the organization
 * (a 4xx) gets the documented default: the token's own answer still decides after that.
 */
export async function changeRetentionDays(client: DataverseClient, signal?: AbortSignal): Promise<number> {
    try {
        for await (const page of client.queryPages(
            'organizations',
            { select: ['expirechangetrackingindays'], top: 1 },
            signal ? { signal } : {},
        )) {
            const days = page[0]?.expirechangetrackingindays;
            return typeof days === 'number' && days > 0 ? days : DEFAULT_CHANGE_RETENTION_DAYS;
        }
    } catch (error) {
        if (isDataverseError(error) && error.kind === 'http' && error.status >= 400 && error.status < 500)
            return DEFAULT_CHANGE_RETENTION_DAYS;
        throw error;
    }
    return DEFAULT_CHANGE_RETENTION_DAYS;
}

/**
 * Why the service's answer to a deltaLink means "compare in full", or undefined when it does not (the error then
 * fails the listing as any other). ExpiredVersionStamp is the documented refusal; any other 4xx about the request is
 * taken the same way, since the service also invalidates tokens after metadata changes with answers no page lists.
 * Not a 403: change tracking needs organization-level read (use-change-tracking), and a full compare under a
 * narrower read would miss rows and find false deletes, so a privilege error fails the run with its own message.
 * Throttling, auth and 5xx answers are retried or fail as they always do (their kind is not `http`).
 */
export function refusedDeltaReason(error: unknown): string | undefined {
    if (!isDataverseError(error)) return undefined;
    const answer = `${error.status}${error.code ? ` ${error.code}` : ''} "${error.serviceMessage}"`;
    if (isExpiredDeltaToken(error)) return `the source refused the change-tracking token as expired (${answer})`;
    if (error.kind !== 'http' || error.status < 400 || error.status >= 500 || error.status === 403) return undefined;
    return `the source refused the change-tracking token (${answer})`;
}
