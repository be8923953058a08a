/**
 * Who asked, and what they may do. Every request reaches a handler with a caller its host established: serve's
 * token, an Entra ID principal that App Service authentication signed in, or a Functions key. Runs record the
 * caller's name when they start and when they are cancelled.
 */
import { ApiError } from '../errors.js';

/** Starts, cancels, stores and deletes specs. */
export const OPERATOR_ROLE = 'Migration.Operator';
/** Looks only: specs, runs, logs, failed rows, plans. */
export const READER_ROLE = 'Migration.Reader';

export interface Caller {
    /** For people and the run's record: `alice (serve token)`, `alice@contoso.com (Entra ID)`, `function key`. */
    readonly name: string;
    readonly via: 'serve-token' | 'entra-id' | 'function-key';
    /** The app roles of the caller (serve's token and a function key hold the operator's). */
    readonly roles: readonly string[];
}

/** Routes that change nothing although they are POSTs: a plan is a dry run. */
const LOOK_ONLY_POSTS: ReadonlySet<string> = new Set(['createPlan']);

/** A route changes state unless it is a GET or a dry run; a route added later is an operator's until listed. */
export function changesState(route: { name: string; method: string }): boolean {
    return route.method !== 'GET' && !LOOK_ONLY_POSTS.has(route.name);
}

/** 403 when the caller's roles do not cover the route: readers look, operators act, no role gets nothing. */
export function authorizeRoute(route: { name: string; method: string }, caller: Caller): void {
    const operator = caller.roles.includes(OPERATOR_ROLE);
    if (operator) return;
    if (!caller.roles.includes(READER_ROLE))
        throw new ApiError(
            403,
            'forbidden',
            `${caller.name} holds neither app role ${READER_ROLE} nor ${OPERATOR_ROLE} of this app: ask its owner to assign one`,
        );
    if (changesState(route))
        throw new ApiError(
            403,
            'forbidden',
            `${route.name} needs the app role ${OPERATOR_ROLE}; ${caller.name} holds ${READER_ROLE} (look only)`,
            { requiredRole: OPERATOR_ROLE },
        );
}
