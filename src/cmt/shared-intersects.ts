/**
 * CMT names a system relationship by its intersect table (`systemuserroles`, `accountleads`); the plan finds a
 * relationship by that name too. Two documented intersect tables serve several relationships, so the name alone
 * does not say which: `campaignitem` (campaign with a list, product or sales literature: the campaignitem table
 * reference) and `listmember` (a marketing list with accounts, contacts or leads: the listmember table reference).
 * For those the relationship's schema name is told by the other table (Microsoft's Nonprofit accelerator exports
 * `campaignitem` to salesliterature).
 */

const SHARED: Record<string, { owner: string; others: readonly string[] }> = {
    campaignitem: { owner: 'campaign', others: ['list', 'product', 'salesliterature'] },
    listmember: { owner: 'list', others: ['account', 'contact', 'lead'] },
};

/** The schema name of a relationship a CMT file names `name` between these two tables; `name` when not shared. */
export function relationshipSchemaName(name: string, tables: readonly [string, string]): string {
    const shared = SHARED[name.toLowerCase()];
    if (!shared || !tables.includes(shared.owner)) return name;
    const other = tables[0] === shared.owner ? tables[1] : tables[0];
    return shared.others.includes(other) ? `${shared.owner}${other}_association` : name;
}
