/** Building OData URLs and Prefer headers for the Dataverse Web API. Pure functions. */
import type { ODataQuery } from './client-types.js';

/** `?$select=...&$filter=...` (values percent-encoded; empty string when the query is empty). */
export function buildQueryString(query: ODataQuery, extra: Record<string, string> = {}): string {
    const parts: string[] = [];
    if (query.select && query.select.length > 0) parts.push(`$select=${query.select.map(encodeOData).join(',')}`);
    if (query.filter) parts.push(`$filter=${encodeOData(query.filter)}`);
    if (query.orderBy) parts.push(`$orderby=${encodeOData(query.orderBy)}`);
    if (query.top !== undefined) parts.push(`$top=${query.top}`);
    if (query.unmasked) parts.push('UnMaskedData=true');
    if (query.expand) parts.push(`$expand=${encodeOData(query.expand)}`);
    for (const [name, value] of Object.entries(extra)) parts.push(`${name}=${encodeOData(value)}`);
    return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Percent-encodes a query option value; keeps the characters OData expressions use literally readable. */
export function encodeOData(value: string): string {
    return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%2F/gi, '/').replace(/%3A/gi, ':');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
    return GUID.test(value);
}

/**
 * `accounts(<guid>)` for an id, or `accounts(accountnumber='A1')` when `key` is already an alternate key
 * expression (`name=value` pairs). Braces around a GUID are removed.
 */
export function entityPath(entitySetName: string, key: string): string {
    const trimmed = key.replace(/^\{(.*)\}$/, '$1');
    if (isGuid(trimmed)) return `${entitySetName}(${trimmed.toLowerCase()})`;
    if (key.includes('=')) return `${entitySetName}(${key})`;
    throw new TypeError(`'${key}' is neither a GUID nor an alternate key expression such as accountnumber='A1'`);
}

/** An OData string literal: single quotes doubled (percent-encoding is the caller's business). */
export function odataString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

export interface PreferOptions {
    /** `odata.track-changes`: ask for a deltaLink on the last page (change tracking). */
    trackChanges?: boolean;
    pageSize?: number;
    annotations?: string;
    continueOnError?: boolean;
    returnRepresentation?: boolean;
}

/** One Prefer header value with the preferences comma-separated (undefined when none). */
export function preferHeader(options: PreferOptions): string | undefined {
    const prefs: string[] = [];
    if (options.trackChanges) prefs.push('odata.track-changes');
    if (options.pageSize !== undefined) prefs.push(`odata.maxpagesize=${options.pageSize}`);
    if (options.annotations) prefs.push(`odata.include-annotations="${options.annotations}"`);
    if (options.continueOnError) prefs.push('odata.continue-on-error');
    if (options.returnRepresentation) prefs.push('return=representation');
    return prefs.length > 0 ? prefs.join(',') : undefined;
}
