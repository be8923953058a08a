/**
 * Reference tables (users, teams, business units, security roles, currencies, organization, ...) are
 * not copied: each source row is matched to a target row by natural key, tried column by column in
 * order; a value must match exactly one target row (case-insensitively, trimmed). Business units match
 * root to root; security roles match within the business unit their own matches (each business unit
 * has its own copy of every role, under the same name); the organization maps to the target's single
 * row. Unmatched rows fall back to the rule's fallback row, each such choice logged.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { odataString } from '../dataverse/odata-url.js';
import type { ReferencePlan } from './types.js';
import { ownerRefusal, readOwnerFacts, refusedOwners } from './unusable-owners.js';

export interface ReferenceMatchResult {
    table: string;
    /** Source id -> target id (natural-key matches and fallback choices). */
    map: Record<string, string>;
    /** Source ids mapped to the rule's fallback row, not to a match: lookups may use them, associations never do. */
    fallbacks: string[];
    /** Source rows with no match and no usable fallback (their lookups follow onUnresolvedLookup). */
    unmatched: Row[];
    /** Source id -> natural-key value of the unmatched rows that have one (the ISO code of a currency), for messages. */
    unmatchedKeys: Record<string, string>;
    warnings: string[];
}

export interface ReferenceMatches {
    tables: Record<string, ReferenceMatchResult>;
    /** The target systemuser named by references.fallbackOwner, for owners without a match. */
    fallbackOwnerId?: string;
    /** Why references.fallbackOwner names no single target user: a plan problem, since owners would have nowhere to go. */
    fallbackOwnerProblem?: string;
    /**
     * Matched target users and teams the target refuses as owners (disabled, no security role): target id (lower
     * case) -> why. Owner lookups pointing to them fall back to the fallbackOwner.
     */
    refusedOwners?: Record<string, string>;
    warnings: string[];
}

function normalise(value: unknown): string | undefined {
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const text = String(value).trim().toLowerCase();
    return text === '' ? undefined : text;
}

/** The Web API property holding a lookup's id. */
function lookupProperty(column: string): string {
    return `_${column}_value`;
}

/** The first natural-key value a row has, as it reads (not normalised). */
function naturalKey(row: Row, rule: ReferencePlan): string | number | undefined {
    return rule.matchOn.map((c) => row[c]).find((v) => normalise(v) !== undefined) as string | number | undefined;
}

/** A reference row for messages: `systemuser 'jane@contoso.com' (<id>)`. */
export function describeReferenceRow(row: Row, rule: ReferencePlan): string {
    const natural = naturalKey(row, rule);
    const id = row[rule.source.primaryId] as string;
    return natural === undefined ? `${rule.table} ${id}` : `${rule.table} '${natural}' (${id})`;
}

/** Lowercase id of a lookup value read as `_x_value`. */
function lookupId(row: Row, column: string): string | undefined {
    const value = row[lookupProperty(column)];
    return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;
}

/** Target ids by normalised natural-key value, one index per match column. */
type KeyIndexes = Array<Map<string, string[]>>;

function keyIndexes(rows: readonly Row[], rule: ReferencePlan): KeyIndexes {
    return rule.matchOn.map((column) => {
        const index = new Map<string, string[]>();
        for (const row of rows) {
            const value = normalise(row[column]);
            const id = row[rule.target.primaryId];
            if (value === undefined || typeof id !== 'string') continue;
            const ids = index.get(value);
            if (ids) ids.push(id);
            else index.set(value, [id]);
        }
        return index;
    });
}

/**
 * Pure matching of source rows to target rows under one rule. `scopeMatches` (source id -> target id of the scope
 * table, natural matches only) is required by a rule with a scope: a row is matched among the target rows of the
 * scope its own scope matches, and a row whose scope has no match has no match either.
 */
export function matchReferences(
    sourceRows: readonly Row[],
    targetRows: readonly Row[],
    rule: ReferencePlan,
    scopeMatches: Readonly<Record<string, string>> = {},
): ReferenceMatchResult {
    const result: ReferenceMatchResult = {
        table: rule.table,
        map: {},
        fallbacks: [],
        unmatched: [],
        unmatchedKeys: {},
        warnings: [],
    };
    const sourceId = (row: Row) => row[rule.source.primaryId];
    const targetId = (row: Row) => row[rule.target.primaryId];
    const unmatched = (row: Row): void => {
        result.unmatched.push(row);
        const id = sourceId(row);
        const natural = naturalKey(row, rule);
        if (typeof id === 'string' && natural !== undefined) result.unmatchedKeys[id.toLowerCase()] = String(natural);
    };

    if (rule.singleton) {
        const only = targetRows.length === 1 ? targetId(targetRows[0]!) : undefined;
        if (typeof only !== 'string') {
            result.warnings.push(`${rule.table}: the target has ${targetRows.length} rows, expected exactly one`);
            sourceRows.forEach(unmatched);
            return result;
        }
        for (const row of sourceRows) result.map[String(sourceId(row))] = only;
        return result;
    }

    // Target rows by scope ('' when the rule has none), each scope with its own indexes.
    const { scope } = rule;
    const groups = new Map<string, Row[]>();
    for (const row of targetRows) {
        const key = scope ? lookupId(row, scope.column) : '';
        if (key === undefined) continue;
        const group = groups.get(key);
        if (group) group.push(row);
        else groups.set(key, [row]);
    }
    const indexes = new Map([...groups].map(([key, rows]) => [key, keyIndexes(rows, rule)]));
    const targetScopeOf = (row: Row): string | undefined => {
        if (!scope) return '';
        const id = lookupId(row, scope.column);
        return id === undefined ? undefined : scopeMatches[id]?.toLowerCase();
    };
    const isRoot = (row: Row) => rule.rootColumn !== undefined && !row[lookupProperty(rule.rootColumn)];
    const targetRoots = targetRows.filter(isRoot);

    const fallbackIds = new Map<string, string | undefined>();
    const fallback = (scopeKey: string): string | undefined => {
        if (fallbackIds.has(scopeKey)) return fallbackIds.get(scopeKey);
        const wanted = normalise(rule.fallback);
        const ids = new Set(
            (indexes.get(scopeKey) ?? []).flatMap((index) => (wanted === undefined ? [] : (index.get(wanted) ?? []))),
        );
        const id = ids.size === 1 ? [...ids][0] : undefined;
        fallbackIds.set(scopeKey, id);
        if (id === undefined) {
            result.warnings.push(
                `${rule.table}: fallback '${rule.fallback}' matches ${ids.size === 0 ? 'no' : 'more than one'} target row by ${rule.matchOn.join(', ')}`,
            );
        }
        return id;
    };

    for (const row of sourceRows) {
        const id = sourceId(row);
        if (typeof id !== 'string') continue;
        const scopeKey = targetScopeOf(row);
        let match: string | undefined;
        if (isRoot(row) && targetRoots.length === 1) match = targetId(targetRoots[0]!) as string;
        const within = scopeKey === undefined ? [] : (indexes.get(scopeKey) ?? []);
        for (let i = 0; match === undefined && i < within.length; i++) {
            const value = normalise(row[rule.matchOn[i]!]);
            const ids = value === undefined ? undefined : within[i]!.get(value);
            if (ids?.length === 1) match = ids[0];
        }
        if (match === undefined && rule.fallback !== undefined && scopeKey !== undefined) {
            match = fallback(scopeKey);
            if (match !== undefined) {
                result.fallbacks.push(id);
                result.warnings.push(
                    `${describeReferenceRow(row, rule)} has no match by ${rule.matchOn.join(', ')} in the target: using fallback '${rule.fallback}'`,
                );
            }
        }
        if (match === undefined) unmatched(row);
        else result.map[id] = match;
    }
    return result;
}

/** The natural-key matches of a result: its map without the fallback choices. */
export function naturalMatches(result: ReferenceMatchResult): Record<string, string> {
    const fallbacks = new Set(result.fallbacks);
    return Object.fromEntries(Object.entries(result.map).filter(([id]) => !fallbacks.has(id)));
}

async function readAll(client: DataverseClient, entitySet: string, select: string[], filter?: string): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of client.queryPages(
        entitySet,
        { select, ...(filter ? { filter } : {}) },
        { pageSize: 5000 },
    ))
        rows.push(...page);
    return rows;
}

/** Reads the (small) reference tables of both environments and matches them; one warning per fallback choice. */
export async function loadReferenceMatches(
    sourceClient: DataverseClient,
    targetClient: DataverseClient,
    rules: readonly ReferencePlan[],
    options: { fallbackOwner?: string; checkOwners?: boolean; signal?: AbortSignal } = {},
): Promise<ReferenceMatches> {
    const matches: ReferenceMatches = { tables: {}, warnings: [] };
    /** Source users and teams as messages name them, by table and id. */
    const principals = new Map<string, string>();
    const targetUsers = rules.find((r) => r.table === 'systemuser')?.target;
    // A scoped rule (role within its business unit) needs the matches of its scope table first.
    const ordered = [...rules].sort((a, b) => Number(a.scope !== undefined) - Number(b.scope !== undefined));
    for (const rule of ordered) {
        const columns = [
            ...rule.matchOn,
            ...[rule.rootColumn, rule.scope?.column].filter((c) => c !== undefined).map(lookupProperty),
        ];
        const [sourceRows, targetRows] = await Promise.all([
            readAll(sourceClient, rule.source.entitySetName, [rule.source.primaryId, ...columns]),
            readAll(targetClient, rule.target.entitySetName, [rule.target.primaryId, ...columns]),
        ]);
        const scopeResult = rule.scope ? matches.tables[rule.scope.table] : undefined;
        if (rule.scope && !scopeResult)
            matches.warnings.push(
                `${rule.table}: no ${rule.scope.table} matches to match its rows within, so none of them is matched`,
            );
        const result = matchReferences(sourceRows, targetRows, rule, scopeResult ? naturalMatches(scopeResult) : {});
        matches.tables[rule.table] = result;
        if (rule.table === 'systemuser' || rule.table === 'team')
            for (const row of sourceRows)
                principals.set(`${rule.table}|${String(row[rule.source.primaryId])}`, describeReferenceRow(row, rule));
        matches.warnings.push(...result.warnings);
    }
    if (options.fallbackOwner !== undefined) {
        const wanted = normalise(options.fallbackOwner);
        const userColumns = ['domainname', 'internalemailaddress'];
        const users = await readAll(
            targetClient,
            targetUsers?.entitySetName ?? 'systemusers',
            [targetUsers?.primaryId ?? 'systemuserid', ...userColumns],
            userColumns.map((c) => `${c} eq ${odataString(options.fallbackOwner!)}`).join(' or '),
        );
        const found = users.filter((u) => userColumns.some((c) => normalise(u[c]) === wanted));
        const id = found.length === 1 ? found[0]![targetUsers?.primaryId ?? 'systemuserid'] : undefined;
        if (typeof id === 'string') matches.fallbackOwnerId = id;
        else
            matches.fallbackOwnerProblem = `'${options.fallbackOwner}' matches ${found.length === 0 ? 'no' : 'more than one'} target user by domainname or internalemailaddress: name one user of the target, for the owners that have no match there`;
    }
    if (options.checkOwners) await checkOwners(matches, targetClient, principals, options);
    return matches;
}

/** Marks the matched owners the target refuses, and a fallbackOwner it refuses as a problem. */
async function checkOwners(
    matches: ReferenceMatches,
    targetClient: DataverseClient,
    principals: ReadonlyMap<string, string>,
    options: { fallbackOwner?: string; signal?: AbortSignal },
): Promise<void> {
    const { facts, warnings } = await readOwnerFacts(targetClient, options.signal);
    matches.warnings.push(...warnings);
    const refused = refusedOwners(
        { systemuser: matches.tables.systemuser, team: matches.tables.team },
        facts,
        (table, id) => principals.get(`${table}|${id}`) ?? `${table} ${id}`,
        matches.fallbackOwnerId === undefined ? undefined : options.fallbackOwner,
    );
    if (Object.keys(refused.reasons).length > 0) matches.refusedOwners = refused.reasons;
    matches.warnings.push(...refused.warnings);
    const fallback = matches.fallbackOwnerId;
    const why = fallback === undefined ? undefined : ownerRefusal('systemuser', fallback, facts);
    if (why !== undefined) {
        matches.fallbackOwnerProblem = `'${options.fallbackOwner}' (target systemuser ${fallback}) ${why}: name an enabled target user with a security role, for the owners that have no usable match there`;
        delete matches.fallbackOwnerId;
    }
}
