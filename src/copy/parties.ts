/**
 * An activity's parties at copy time (the plan's `parties`, plan/parties.ts). Read with the row as its
 * `<activity>_activity_parties` collection (`participationtypemask`, `_partyid_value` with its lookuplogicalname
 * annotation, `addressused`); each party resolved like a lookup (a copied row, a matched user or team), else kept as
 * its e-mail address alone, as the service keeps a recipient no record has; a party with neither is an unresolved
 * lookup. A create carries the whole collection; an update carries it only when the target's parties differ, compared
 * as a multiset of (participation type, party or address): the service replaces every party of the activity on an
 * update that carries the collection, and keeps them on one that does not.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import { LOOKUP_TABLE_ANNOTATION, lookupProperty, type LookupResolver, type LookupValue } from './lookups.js';

const PARTY_COLUMNS = ['participationtypemask', '_partyid_value', 'addressused'];

/** `$expand` of the table's parties, with the columns a copy compares; undefined for a table without parties. */
export function partiesExpand(table: TablePlan, side: 'source' | 'target'): string | undefined {
    const parties = table.parties;
    if (!parties) return undefined;
    const navigation = side === 'source' ? parties.sourceNavigation : parties.targetNavigation;
    return `${navigation}($select=${PARTY_COLUMNS.join(',')})`;
}

/**
 * A single-level `$expand` of a collection returns at most 5,000 related rows a row, unpaged (join-tables.md "Single
 * $expand on collection-valued navigation properties"; its nextLink "returns the same rows"): a row with that many
 * may have more, read in full from `activityparties` (RetrieveMultiple, the table's only message), paged.
 */
export const EXPANDED_PARTIES_LIMIT = 5000;

/** Replaces each full expanded party collection of these rows by all the activity's parties. */
export async function completeParties(
    client: DataverseClient,
    table: TablePlan,
    side: 'source' | 'target',
    rows: Row[],
    options: { signal?: AbortSignal },
): Promise<Row[]> {
    const plan = table.parties;
    if (!plan) return rows;
    const navigation = side === 'source' ? plan.sourceNavigation : plan.targetNavigation;
    const primaryId = side === 'source' ? table.source.primaryId : table.target.primaryId;
    for (const row of rows) {
        if (partiesOf(row, navigation).length < EXPANDED_PARTIES_LIMIT) continue;
        const all: Row[] = [];
        const query = { select: PARTY_COLUMNS, filter: `_activityid_value eq ${String(row[primaryId])}` };
        for await (const page of client.queryPages('activityparties', query, {
            pageSize: EXPANDED_PARTIES_LIMIT,
            annotations: LOOKUP_TABLE_ANNOTATION,
            signal: options.signal,
        }))
            all.push(...page);
        row[navigation] = all;
    }
    return rows;
}

/** A party the target should hold: bound to a row, or an address alone. */
export type ExpectedParty =
    { mask: number; value: Extract<LookupValue, { kind: 'bind' }> } | { mask: number; address: string };

export interface ExpectedParties {
    parties: ExpectedParty[];
    /** Parties with neither a resolvable row nor an address: the reason of each (cleared, or the row fails). */
    unresolved: string[];
}

function partiesOf(row: Row, navigation: string): Row[] {
    const value = row[navigation];
    return Array.isArray(value) ? (value as Row[]) : [];
}

/** Reads what resolving the source rows' parties needs (parents' key values, rows outside filters), once per page. */
export async function prepareParties(resolver: LookupResolver, table: TablePlan, rows: readonly Row[]): Promise<void> {
    const parties = table.parties;
    if (!parties) return;
    await resolver.prepare(
        rows.flatMap((row) => partiesOf(row, parties.sourceNavigation)),
        [parties.party],
    );
}

const address = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** The parties the target should hold for a source row (undefined for a table without parties). */
export function expectedParties(table: TablePlan, row: Row, resolver: LookupResolver): ExpectedParties | undefined {
    const plan = table.parties;
    if (!plan) return undefined;
    const out: ExpectedParties = { parties: [], unresolved: [] };
    for (const party of partiesOf(row, plan.sourceNavigation)) {
        const mask = party.participationtypemask;
        if (typeof mask !== 'number') continue;
        const value = resolver.resolve(plan.party, party);
        const addressUsed = address(party.addressused);
        if (value.kind === 'bind') out.parties.push({ mask, value });
        else if (addressUsed !== undefined) out.parties.push({ mask, address: addressUsed });
        else if (value.kind === 'unresolved')
            out.unresolved.push(`a party (participation type ${mask}) ${value.reason}`);
    }
    return out;
}

/** The lookup values whose target ids a comparison of parties needs (key references). */
export function partyLookups(parties: ExpectedParties | undefined): LookupValue[] {
    return parties?.parties.flatMap((p) => ('value' in p ? [p.value] : [])) ?? [];
}

function count(keys: Iterable<string>): Map<string, number> {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
}

/** The multiset key of an expected party; undefined when its target id is not known (then it differs). */
function expectedKey(party: ExpectedParty, resolver: LookupResolver): string | undefined {
    if ('address' in party) return `${party.mask}|@${party.address.toLowerCase()}`;
    const id = resolver.targetIdOf(party.value);
    return id === undefined ? undefined : `${party.mask}|${id.toLowerCase()}`;
}

function actualKey(party: Row): string {
    // By id alone: ids are unique across tables, and an id the target holds is the party whatever its table.
    const id = party[lookupProperty('partyid')];
    if (typeof id === 'string' && id !== '') return `${String(party.participationtypemask)}|${id.toLowerCase()}`;
    return `${String(party.participationtypemask)}|@${(address(party.addressused) ?? '').toLowerCase()}`;
}

/** Whether the target row holds exactly the expected parties (as a multiset; order does not matter). */
export function sameParties(
    table: TablePlan,
    expected: ExpectedParties,
    target: Row,
    resolver: LookupResolver,
): boolean {
    const actual = partiesOf(target, table.parties!.targetNavigation);
    if (actual.length !== expected.parties.length) return false;
    const want = expected.parties.map((p) => expectedKey(p, resolver));
    if (want.some((k) => k === undefined)) return false;
    const have = count(actual.map(actualKey));
    for (const [key, n] of count(want as string[])) if (have.get(key) !== n) return false;
    return true;
}

/** The collection a create or update carries: every party, bound by `partyid_<table>@odata.bind` or by address. */
export function partiesPayload(expected: ExpectedParties): Row[] {
    return expected.parties.map((p) =>
        'address' in p
            ? { participationtypemask: p.mask, addressused: p.address }
            : { participationtypemask: p.mask, [`${p.value.navigationProperty}@odata.bind`]: p.value.bind },
    );
}

/** Both sides' parties as the comparison sees them (mask|id or mask|@address), for verify's samples. */
export function partyKeys(
    table: TablePlan,
    expected: ExpectedParties,
    target: Row,
    resolver: LookupResolver,
): { source: string[]; target: string[] } {
    return {
        source: expected.parties.map((p) => expectedKey(p, resolver) ?? `${p.mask}|?`).sort(),
        target: partiesOf(target, table.parties!.targetNavigation).map(actualKey).sort(),
    };
}

/**
 * The parties a write carries: all of them on a create (when there are any), on an update only when the target's
 * differ (the collection replaces every party). Parties with neither a row nor an address fail the row under
 * onUnresolvedLookup 'fail' (the caller's unresolved-lookup failure), else are left out and counted cleared.
 */
export function decideParties(
    table: TablePlan,
    parties: ExpectedParties,
    target: Row | undefined,
    resolver: LookupResolver,
    options: { onUnresolvedLookup: 'clear' | 'fail' },
):
    | { fail: { column: string; message: string } }
    | { write?: { navigation: string; collection: Row[] }; cleared: boolean }
    | undefined {
    if (!table.parties) return undefined;
    const navigation = table.parties.targetNavigation;
    if (parties.unresolved.length > 0 && options.onUnresolvedLookup === 'fail')
        return { fail: { column: navigation, message: parties.unresolved.join('; ') } };
    const write = target === undefined ? parties.parties.length > 0 : !sameParties(table, parties, target, resolver);
    if (!write) return { cleared: false };
    return { write: { navigation, collection: partiesPayload(parties) }, cleared: parties.unresolved.length > 0 };
}
