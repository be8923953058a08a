/**
 * Alternate keys with a lookup column (use-alternate-key-reference-record: `accounts(_primarycontactid_value=<id>)`).
 * The copy addresses such a table's own rows with the lookup part resolved to the target id of the row it points to;
 * the places that compare source key values with target key values directly (binding other tables' lookups by that
 * key, delete sync, many-to-many sides) cannot, so the plan refuses them with the reason.
 */
import type { TableMetadata } from '../dataverse/metadata-types.js';
import type { MatchPlan } from './types.js';

const LOOKUP_TYPES = new Set(['Lookup', 'Owner', 'Customer']);

/** The lookup columns of the key a table is matched on (none for an id match). */
export function keyLookupColumns(target: TableMetadata, match: MatchPlan): string[] {
    if (match.kind !== 'key') return [];
    return match.columns.filter((c) =>
        LOOKUP_TYPES.has(target.attributes.find((a) => a.logicalName === c)?.attributeType ?? ''),
    );
}

/** Why `what` cannot use a table matched on a key with lookup columns, for a plan problem. */
export function keyWithLookupProblem(table: string, key: string, columns: readonly string[], what: string): string {
    return `'${table}' is matched on alternate key '${key}', which includes the lookup column${columns.length > 1 ? 's' : ''} ${columns.map((c) => `'${c}'`).join(', ')}: ${what} compares source and target key values directly, which a lookup part (a different id on each side) does not allow; match '${table}' on 'id' or on a key without lookup columns`;
}
