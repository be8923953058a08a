/**
 * Reference tables (users, teams, business units, currencies, organization, ...) are not copied:
 * each source row is matched to a target row by natural key, tried column by column in order;
 * a value must match exactly one target row (case-insensitively, trimmed). Business units match
 * root to root; the organization maps to the target's single row. Unmatched rows fall back to the
 * rule's fallback row, each such choice logged.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { odataString } from '../dataverse/odata-url.js';
import type { ReferencePlan } from './types.js';

export interface ReferenceMatchResult {
    table: string;
    /** Source id -> target id. */
    map: Record<string, string>;
    /** Source rows with no match and no usable fallback (their lookups follow onUnresolvedLookup). */
    unmatched: Row[];
    warnings: string[];
}

export interface ReferenceMatches {
    tables: Record<string, ReferenceMatchResult>;
    /** The target systemuser named by references.fallbackOwner, for owners without a match. */
    fallbackOwnerId?: string;
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

function describe(row: Row, rule: ReferencePlan): string {
    const natural = rule.matchOn.map((c) => row[c]).find((v) => normalise(v) !== undefined) as
        string | number | undefined;
    const id = row[rule.source.primaryId] as string;
    return natural === undefined ? `${rule.table} ${id}` : `${rule.table} '${natural}' (${id})`;
}

/** Pure matching of source rows to target rows under one rule. */
export function matchReferences(
    sourceRows: readonly Row[],
    targetRows: readonly Row[],
    rule: ReferencePlan,
): ReferenceMatchResult {
    const result: ReferenceMatchResult = { table: rule.table, map: {}, unmatched: [], warnings: [] };
    const sourceId = (row: Row) => row[rule.source.primaryId];
    const targetId = (row: Row) => row[rule.target.primaryId];

    if (rule.singleton) {
        const only = targetRows.length === 1 ? targetId(targetRows[0]!) : undefined;
        if (typeof only !== 'string') {
            result.warnings.push(`${rule.table}: the target has ${targetRows.length} rows, expected exactly one`);
            result.unmatched.push(...sourceRows);
            return result;
        }
        for (const row of sourceRows) result.map[String(sourceId(row))] = only;
        return result;
    }

    const indexes = rule.matchOn.map((column) => {
        const index = new Map<string, string[]>();
        for (const row of targetRows) {
            const value = normalise(row[column]);
            const id = targetId(row);
            if (value === undefined || typeof id !== 'string') continue;
            const ids = index.get(value);
            if (ids) ids.push(id);
            else index.set(value, [id]);
        }
        return index;
    });
    const isRoot = (row: Row) => rule.rootColumn !== undefined && !row[lookupProperty(rule.rootColumn)];
    const targetRoots = targetRows.filter(isRoot);

    let fallbackId: string | undefined | null = null; // null = not looked up yet
    const fallback = (): string | undefined => {
        if (fallbackId !== null) return fallbackId;
        const wanted = normalise(rule.fallback);
        const ids = new Set(indexes.flatMap((index) => (wanted === undefined ? [] : (index.get(wanted) ?? []))));
        fallbackId = ids.size === 1 ? [...ids][0] : undefined;
        if (fallbackId === undefined) {
            result.warnings.push(
                `${rule.table}: fallback '${rule.fallback}' matches ${ids.size === 0 ? 'no' : 'more than one'} target row by ${rule.matchOn.join(', ')}`,
            );
        }
        return fallbackId;
    };

    for (const row of sourceRows) {
        const id = sourceId(row);
        if (typeof id !== 'string') continue;
        let match: string | undefined;
        if (isRoot(row) && targetRoots.length === 1) match = targetId(targetRoots[0]!) as string;
        for (let i = 0; match === undefined && i < indexes.length; i++) {
            const value = normalise(row[rule.matchOn[i]!]);
            const ids = value === undefined ? undefined : indexes[i]!.get(value);
            if (ids?.length === 1) match = ids[0];
        }
        if (match === undefined && rule.fallback !== undefined) {
            match = fallback();
            if (match !== undefined) {
                result.warnings.push(
                    `${describe(row, rule)} has no match by ${rule.matchOn.join(', ')} in the target: using fallback '${rule.fallback}'`,
                );
            }
        }
        if (match === undefined) result.unmatched.push(row);
        else result.map[id] = match;
    }
    return result;
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
    options: { fallbackOwner?: string } = {},
): Promise<ReferenceMatches> {
    const matches: ReferenceMatches = { tables: {}, warnings: [] };
    const targetUsers = rules.find((r) => r.table === 'systemuser')?.target;
    for (const rule of rules) {
        const columns = [...rule.matchOn, ...(rule.rootColumn ? [lookupProperty(rule.rootColumn)] : [])];
        const [sourceRows, targetRows] = await Promise.all([
            readAll(sourceClient, rule.source.entitySetName, [rule.source.primaryId, ...columns]),
            readAll(targetClient, rule.target.entitySetName, [rule.target.primaryId, ...columns]),
        ]);
        const result = matchReferences(sourceRows, targetRows, rule);
        matches.tables[rule.table] = result;
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
            matches.warnings.push(
                `fallbackOwner '${options.fallbackOwner}' matches ${found.length === 0 ? 'no' : 'more than one'} target user by domainname or internalemailaddress`,
            );
    }
    return matches;
}
