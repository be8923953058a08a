/**
 * Which secured columns read masked: the environment's "Secured Masking Column" rows (AttributeMaskingRule, entity set
 * `attributemaskingrules`: `entityname`, `attributelogicalname`; column-level-security.md, "Display masked data"). A
 * caller reads such a column masked unless it asks `UnMaskedData=true` and its field permission's CanReadUnmasked
 * allows it. An environment without the (preview) feature has no such entity set: no column is masked there.
 */
import type { DataverseClient } from './client-types.js';
import { DataverseError } from './errors.js';

/** `table.column` of every masked column; empty where the environment has no masking rules. */
export async function readMaskedColumns(
    client: DataverseClient,
    options: { signal?: AbortSignal } = {},
): Promise<Set<string>> {
    const masked = new Set<string>();
    try {
        for await (const page of client.queryPages(
            'attributemaskingrules',
            { select: ['entityname', 'attributelogicalname'] },
            { pageSize: 5000, ...(options.signal ? { signal: options.signal } : {}) },
        ))
            for (const row of page)
                if (typeof row.entityname === 'string' && typeof row.attributelogicalname === 'string')
                    masked.add(`${row.entityname}.${row.attributelogicalname}`.toLowerCase());
    } catch (error) {
        if (error instanceof DataverseError && error.status === 404) return masked;
        throw error;
    }
    return masked;
}
