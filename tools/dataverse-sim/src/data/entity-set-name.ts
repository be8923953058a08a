/**
 * How Dataverse names the Web API entity set of a table when a file does not say.
 *
 * A table created in the maker portal gets its collection name from the English plural of its
 * schema name, lowercased: consonant + y -> ies (opportunity -> opportunities), s/x/z/ch/sh -> es
 * (fdn_box -> fdn_boxes), otherwise + s (account -> accounts). Intersect tables of many-to-many
 * relationships are not named by the plural rule: the built-in ones whose name ends in "s" get
 * "collection" appended (accountleads -> accountleadscollection, systemuserroles ->
 * systemuserrolescollection); a few built-in ones carry a plural of their own (teammembership -> teammemberships,
 * as clients generated from a real environment's $metadata name it); for other intersect names we append "set".
 * That last case is our choice: no document that states it was found.
 */
const BUILT_IN_INTERSECT_SETS: Readonly<Record<string, string>> = { teammembership: 'teammemberships' };

export function deriveEntitySetName(logicalName: string, isIntersect = false): string {
    const name = logicalName.toLowerCase();
    if (isIntersect) return BUILT_IN_INTERSECT_SETS[name] ?? (name.endsWith('s') ? `${name}collection` : `${name}set`);
    if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
    if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
    return `${name}s`;
}
