/**
 * Shared pieces of the row-logic unit tests (src/copy): source and target rows shaped as the Web API returns them
 * (lookups as `_x_value` with their lookuplogicalname annotation), a client for pure tests that refuses any I/O,
 * and the one place that constructs a LookupResolver, so a change of its constructor touches one line.
 */
import type { DataverseClient, Row } from '../../src/dataverse/client-types.js';
import { LOOKUP_TABLE_ANNOTATION, LookupResolver, type LookupResolverOptions } from '../../src/copy/lookups.js';

/** A lookup value as a read returns it: `_x_value` and, when given, the table it points to. */
export function lookupOf(column: string, id: string | null, table?: string): Row {
    const property = `_${column}_value`;
    return { [property]: id, ...(table !== undefined ? { [`${property}@${LOOKUP_TABLE_ANNOTATION}`]: table } : {}) };
}

/**
 * A client for code that must not read anything: every call fails at once, naming the call, so a pure
 * function that starts reading fails its test instead of waiting on a network.
 */
export function offlineClient(side: string): DataverseClient {
    const refuse = (what: string): never => {
        throw new Error(`the ${side} client was used (${what}) by code expected to need no I/O`);
    };
    return {
        url: `http://offline.invalid/${side}`,
        get: (path) => Promise.reject(new Error(`the ${side} client was used (get ${path})`)),
        whoAmI: () => Promise.reject(new Error(`the ${side} client was used (whoAmI)`)),
        queryPages: (entitySet) => refuse(`queryPages ${entitySet}`),
    };
}

export type ResolverParts = Omit<LookupResolverOptions, 'source' | 'target'> &
    Partial<Pick<LookupResolverOptions, 'source' | 'target'>>;

/** A LookupResolver over these clients (offline ones when none are given). */
export function newResolver(parts: ResolverParts): LookupResolver {
    return new LookupResolver({
        ...parts,
        source: parts.source ?? offlineClient('source'),
        target: parts.target ?? offlineClient('target'),
    });
}
