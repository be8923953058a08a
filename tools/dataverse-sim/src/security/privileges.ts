/**
 * Privilege names and ids as Dataverse names them: `prv<Verb><Table>` with the table's schema name (prvReadAccount,
 * prvAppendToContact, prvCreatenew_Project), activities sharing `Activity` (prvReadActivity, as the privileges-by-entity
 * reference lists them), a few system tables under names of their own (users' prvReadUser..., notes' prvReadNote...:
 * "SystemUser (user) entity privileges", "Annotation (note) entity privileges"), and the bypass privileges. A table's
 * privileges are served in its metadata (EntityMetadata.Privileges), so a client need not guess them. Ids are
 * name-based, so one privilege has one id in every simulated environment, as the platform's privileges do.
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

/**
 * Tables whose privileges are not named after their schema name. An activity's attachments have no privileges of their
 * own: they are reached through the activity's ([inferred] from the table reference, where the attachment's access
 * follows its activity).
 */
const SUBJECTS: Readonly<Record<string, string>> = {
    systemuser: 'User',
    annotation: 'Note',
    activitymimeattachment: 'Activity',
};

/** The privilege an access kind on a table needs. */
export function privilegeName(table: SimTable, kind: AccessKind): string {
    const subject = table.isActivity
        ? 'Activity'
        : (SUBJECTS[table.logicalName] ?? table.schemaName ?? table.logicalName);
    return `prv${VERBS[kind]}${subject}`;
}

/**
 * The access kinds a table has privileges for: Assign and Share only where rows have an owner (UserOwned); users are
 * created, read, written and appended, never deleted, assigned or shared ("SystemUser (user) entity privileges").
 * Intersect tables have none.
 */
export function privilegeKinds(table: SimTable): AccessKind[] {
    if (table.isIntersect) return [];
    if (table.logicalName === 'systemuser') return ['create', 'read', 'write', 'append', 'appendto'];
    const kinds = Object.keys(VERBS) as AccessKind[];
    return table.ownershipType === 'UserOwned' ? kinds : kinds.filter((k) => k !== 'assign' && k !== 'share');
}

/** PrivilegeType, as SecurityPrivilegeMetadata names it. */
export function privilegeType(kind: AccessKind): string {
    return VERBS[kind];
}

export function privilegeId(name: string): string {
    const h = createHash('sha1').update(`privilege:${name.toLowerCase()}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** AccessRights as SecLib names them in its refusals (AccessRights enum: ReadAccess, WriteAccess, ...). */
export function accessRightName(kind: AccessKind): string {
    return `${VERBS[kind]}Access`;
}
