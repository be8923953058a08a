/**
 * Standard many-to-many relationships between Dynamics 365 tables, as the table reference documents them (schema
 * name `<intersect>_association`, the intersect table and its two key columns: the "Read-only columns" and
 * "Many-to-Many relationships" sections of accountleads, contactleads, leadcompetitors, leadproduct,
 * opportunitycompetitors, servicecontractcontacts, entitlementcontacts and campaignitem). Microsoft's CMT exports
 * name them by their intersect table (`accountleads`), as they name the system ones (`systemuserroles`); a file's
 * relationship is read into the documented one, whatever key the file gives (CMT writes `accountid` as the lead
 * side's key of `accountleads`). `campaignitem` and `listmember` are each the intersect of several relationships,
 * told apart by the other table (their `entityid` column holds a list, product or sales literature id, or an account,
 * contact or lead id: the campaignitem and listmember references).
 */
import type { SimManyToMany } from '../model.js';
import { findManyToMany, joins, manyToManyRelationship, SYSTEM_MANY_TO_MANY } from './system-relationships.js';

const pair = (intersect: string, [a, b]: [string, string]): SimManyToMany =>
    manyToManyRelationship(`${intersect}_association`, intersect, [a, `${a}id`], [b, `${b}id`]);

/** A relationship of a shared intersect table (campaignitem, listmember): `<owner><other>_association`. */
const shared = (intersect: string, owner: string, other: string): SimManyToMany =>
    manyToManyRelationship(`${owner}${other}_association`, intersect, [owner, `${owner}id`], [other, 'entityid']);

export const STANDARD_MANY_TO_MANY: readonly SimManyToMany[] = [
    pair('accountleads', ['account', 'lead']),
    pair('contactleads', ['contact', 'lead']),
    pair('leadcompetitors', ['lead', 'competitor']),
    pair('leadproduct', ['lead', 'product']),
    pair('opportunitycompetitors', ['opportunity', 'competitor']),
    manyToManyRelationship(
        'servicecontractcontacts_association',
        'servicecontractcontacts',
        ['contract', 'contractid'],
        ['contact', 'contactid'],
    ),
    pair('entitlementcontacts', ['entitlement', 'contact']),
    ...['list', 'product', 'salesliterature'].map((other) => shared('campaignitem', 'campaign', other)),
    ...['account', 'contact', 'lead'].map((other) => shared('listmember', 'list', other)),
];

/**
 * The system or standard relationship a file's name (schema name or intersect table) stands for, joining these two
 * tables (in either order); a fresh copy.
 */
export function knownManyToMany(
    names: readonly string[],
    tables: readonly [string, string],
): SimManyToMany | undefined {
    const all = [...SYSTEM_MANY_TO_MANY, ...STANDARD_MANY_TO_MANY];
    for (const name of names) {
        const known = findManyToMany(all, name, tables);
        if (known && joins(known, tables)) return { ...known };
    }
    return undefined;
}
