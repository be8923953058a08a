/**
 * Privilege names and ids as Dataverse names them: `prv<Verb><Table>` with the table's schema name (prvReadAccount,
 * prvAppendToContact, prvCreatenew_Project), activities sharing `Activity` (prvReadActivity, as the privileges-by-entity
 * reference lists them), and the bypass privileges. Ids are name-based, so one privilege has one id in every
 * simulated environment, as the platform's privileges do.
 */
import { createHash } from 'node:crypto';
import type { SimTable } from '../model.js';
import type { AccessKind } from './config.js';

const VERBS: Record<AccessKind, string> = {
    create: 'Create',
    read: 'Read',
    write: 'Write',
    delete: 'Delete',
    append: 'Append',
    appendto: 'AppendTo',
    assign: 'Assign',
    share: 'Share',
};

export const BYPASS_BUSINESS_LOGIC = 'prvBypassCustomBusinessLogic';
export const BYPASS_PLUGINS = 'prvBypassCustomPlugins';

/** The privilege an access kind on a table needs. */
export function privilegeName(table: SimTable, kind: AccessKind): string {
    const subject = table.isActivity ? 'Activity' : (table.schemaName ?? table.logicalName);
    return `prv${VERBS[kind]}${subject}`;
}

export function privilegeId(name: string): string {
    const h = createHash('sha1').update(`privilege:${name.toLowerCase()}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** AccessRights as SecLib names them in its refusals (AccessRights enum: ReadAccess, WriteAccess, ...). */
export function accessRightName(kind: AccessKind): string {
    return `${VERBS[kind]}Access`;
}
