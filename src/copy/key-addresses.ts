/**
 * Rows of key-matched tables whose key value cannot be put in a key address (a `/`, `&`, `?`... in the value: the
 * service refuses it in a URL segment, `@odata.id` and `@odata.bind`, define-alternate-keys-entity.md): they are found
 * by `$filter` like every other row, then addressed by their target id. A row that exists is addressed by its id; a row
 * to create gets an id derived from its source id, so every attempt (and every lookup that binds to it before it is
 * created) names the same row.
 */
import { createHash } from 'node:crypto';
import type { Row } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';

/** The id a row created for `sourceId` of `targetTable` gets: stable, a version-5-shaped GUID. */
export function createdIdFor(targetTable: string, sourceId: string): string {
    const hex = createHash('sha1').update(`dataverse-migrate:${targetTable}:${sourceId.toLowerCase()}`).digest('hex');
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The target id of a row that cannot be addressed by key: the existing row's, else the id it is created with. */
export function targetIdForUnaddressable(table: TablePlan, sourceId: string, target: Row | undefined): string {
    const existing = target?.[table.target.primaryId];
    return typeof existing === 'string' ? existing.toLowerCase() : createdIdFor(table.target.logicalName, sourceId);
}
