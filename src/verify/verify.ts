/**
 * `verify`: source against target, table by table and key range by key range (memory stays flat on
 * large tables), over the mapped columns, the resolved lookups (a lookup is equal when it points to
 * the row the mapping rules expect), the deferred lookups and the state; then the many-to-many rows.
 * It judges rows with the copy engine's own row plan, so "identical" means "a copy would write
 * nothing". Reports per table source and target counts, missing, extra and different rows (with
 * sample ids and the columns that differ). A subset spec compares exactly the rows and pairs its slice takes
 * (copy/subset.ts, taken again from the source with the same seed): target rows outside it are neither missing nor extra.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { pageBoundaries, type KeyRange } from '../plan/pages.js';
import { preparePlan } from '../plan/prepare.js';
import type { ManyToManyPlan, Plan, PlanIssue, PlatformOwnedColumn, TablePlan } from '../plan/types.js';
import type { MigrationSpec } from '../spec/index.js';
import type { EnvironmentClients } from '../environments/index.js';
import type { ContentClient } from '../dataverse/content/index.js';
import { differentContent } from './content-compare.js';
import { contentPresence } from '../copy/content-presence.js';
import { refusedPairs } from '../copy/refused-pairs.js';
import { splitDuplicateKeys } from '../copy/duplicate-keys.js';
import { matchedReferenceIds, pairsWithTargetIds } from '../copy/id-map.js';
import { readFiltered, readSourceByIds, readSourceRange, readTargetRange, readTargetRows } from '../copy/page-read.js';
import { computeSubset, type SubsetIds } from '../copy/subset.js';
import { partyKeys, prepareParties } from '../copy/parties.js';
import { isNeverWritten } from '../copy/state-machines.js';
import { andFilters, filterBudget, idFilters } from '../copy/addressing.js';
import { actualLookup, LookupResolver } from '../copy/lookups.js';
import {
    addressIdentity,
    decideRow,
    expectedRow,
    lookupsToCompare,
    missingKey,
    targetIdentity,
    withTargetId,
    keyLookupValues,
    unresolvedKey,
    type ExpectedRow,
} from '../copy/row-plan.js';
import { storedReferences, type StoredReferences } from '../run/run-context.js';
import { addNoticed, type PlatformOwnedRecord } from '../run/platform-owned.js';

export interface DifferentRow {
    id: string;
    columns: string[];
    /** With `values`: per column, what the source wants (mapped as the copy would write it) and what the target has. */
    values?: Record<string, { source: unknown; target: unknown }>;
}

/** A source row a copy would fail (an empty alternate key, a lookup that cannot be resolved under 'fail'). */
export interface FailingRow {
    id: string;
    code: string;
    column?: string;
    message: string;
}

export interface TableVerification {
    source: number;
    target: number;
    missing: number;
    extra: number;
    different: number;
    /** Source rows a copy would fail: not counted as missing or different. */
    failing: number;
    samples: { missing: string[]; extra: string[]; different: DifferentRow[]; failing: FailingRow[] };
    /** Target columns not compared: the target's own logic sets them (declared in the spec, or noticed by a run). */
    platformOwned?: PlatformOwnedColumn[];
}

export interface RelationshipVerification {
    source: number;
    target: number;
    missing: number;
    extra: number;
    /**
     * Source pairs whose matched side (a user, a role) has no match in the target, or that the target refuses (a
     * default or Entra ID group team's members, a disabled user's role): skipped by the copy, by rule.
     */
    skipped: number;
    /**
     * Target pairs with a matched side that no source row matches (a user or role only the target has): outside what
     * the run copies, so not compared.
     */
    outside: number;
    samples: { missing: string[]; extra: string[]; skipped: string[] };
}

export interface VerifyReport {
    identical: boolean;
    tables: Record<string, TableVerification>;
    manyToMany: Record<string, RelationshipVerification>;
    problems?: PlanIssue[];
}

export interface VerifyOptions {
    /** Sample ids kept per kind of difference (default 10). */
    samples?: number;
    /** Key ranges compared at once per table (default 4). */
    concurrency?: number;
    progress?: (table: string, rangesDone: number, ranges: number) => void;
    /** Sample rows that differ carry the source and target values of each column that differs. */
    values?: boolean;
    /** Columns runs found the target rewriting (run/platform-owned.ts): not compared, as runs no longer write them. */
    noticed?: readonly PlatformOwnedRecord[];
    signal?: AbortSignal;
}

/** A subset's ids in lists of a page each. */
function idPages(ids: readonly string[], size: number): VerifyPage[] {
    const pages: VerifyPage[] = [];
    for (let i = 0; i < ids.length; i += size) pages.push({ ids: ids.slice(i, i + size) });
    return pages;
}

function pushSample<T>(list: T[], value: T, limit: number): void {
    if (list.length < limit) list.push(value);
}

/** Runs `work` over the items with at most `limit` at once. */
async function eachLimited<T>(
    items: readonly T[],
    limit: number,
    work: (item: T, index: number) => Promise<void>,
): Promise<void> {
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const index = next++;
            await work(items[index]!, index);
        }
    });
    await Promise.all(workers);
}

interface Env {
    plan: Plan;
    references: StoredReferences;
    source: DataverseClient;
    target: DataverseClient;
    /** The same clients, for the content block messages (POSTs that only read). */
    content: { source: ContentClient; target: ContentClient };
    samples: number;
    values: boolean;
    /** A subset spec: the ids it takes per table, the only rows and pairs compared. */
    subset?: SubsetIds;
}

/** The value a column has on each side, as the copy compares them (lookups by the target row they point to). */
function valuesOf(
    table: TablePlan,
    e: ExpectedRow,
    target: Row,
    columns: readonly string[],
    resolver: LookupResolver,
): Record<string, { source: unknown; target: unknown }> {
    const values: Record<string, { source: unknown; target: unknown }> = {};
    for (const column of columns) {
        const plain = e.values.find((v) => v.column.target === column);
        if (plain) {
            values[column] = { source: plain.value, target: target[column] ?? null };
            continue;
        }
        const lookup = e.lookups.find((l) => l.column.target === column);
        if (lookup) {
            const actual = actualLookup(target, column);
            values[column] = {
                source: lookup.value.kind === 'bind' ? (resolver.targetIdOf(lookup.value) ?? lookup.value.bind) : null,
                target: actual ? actual.id : null,
            };
        } else if (column === table.parties?.targetNavigation && e.parties)
            values[column] = partyKeys(table, e.parties, target, resolver);
        else if (column === table.state?.targetStateColumn)
            values[column] = { source: e.state ?? null, target: target[column] ?? null };
    }
    return values;
}

/** What verify compares at once: a key range of the source, or a list of ids a subset took. */
type VerifyPage = { range: KeyRange } | { ids: string[] };

async function verifyRange(
    env: Env,
    table: TablePlan,
    page: VerifyPage,
    result: TableVerification,
    signal?: AbortSignal,
): Promise<number> {
    const read =
        'ids' in page
            ? await readSourceByIds(env.source, table, page.ids, { signal })
            : await readSourceRange(env.source, table, page.range, { signal });
    result.source += read.length;
    // Rows the copy fails before it looks at the target (an empty alternate key).
    const sourceRows = read.filter((row) => {
        const missing = missingKey(table, row);
        if (!missing) return true;
        result.failing++;
        pushSample(result.samples.failing, { id: String(row[table.source.primaryId]), ...missing }, env.samples);
        return false;
    });
    const resolver = new LookupResolver({
        plan: env.plan,
        references: env.references,
        source: env.source,
        target: env.target,
        signal,
    });
    await resolver.prepare(sourceRows, table.columns);
    await prepareParties(resolver, table, sourceRows);
    await resolver.prepareTargetIds(keyLookupValues(table, sourceRows, resolver));
    // Rows the copy fails: a lookup key part with no target row, a key shared with an earlier row of the page.
    const candidates = sourceRows.flatMap((row) => {
        const candidate = expectedRow(table, row, resolver);
        const unresolved = unresolvedKey(table, candidate);
        if (!unresolved) return [candidate];
        result.failing++;
        pushSample(result.samples.failing, { id: candidate.sourceId, ...unresolved }, env.samples);
        return [];
    });
    const { kept: expected, duplicates } = splitDuplicateKeys(table, candidates);
    for (const { sourceId, ...failure } of duplicates) {
        result.failing++;
        pushSample(result.samples.failing, { id: sourceId, ...failure }, env.samples);
    }
    let targets: Map<string, Row>;
    if (table.match.kind === 'id') {
        // The same range in the target, inside the same filter: what is left over is extra. A subset's ids: those rows.
        const rows =
            'ids' in page
                ? [...(await readTargetRows(env.target, table, read, undefined, { signal })).values()]
                : await readTargetRange(env.target, table, page.range, {
                      withFilter: true,
                      ...(signal ? { signal } : {}),
                  });
        targets = new Map(rows.map((r) => [targetIdentity(table, r), r]));
        // The ranges cover the whole key space, so these reads count every target row in the filter.
        result.target += rows.length;
    } else {
        targets = await readTargetRows(
            env.target,
            table,
            sourceRows,
            undefined,
            { signal },
            expected.map((e) => (e.address.kind === 'key' ? e.address.values : [])),
        );
    }
    await resolver.prepareTargetIds(lookupsToCompare(expected.filter((e) => targets.has(addressIdentity(e.address)))));
    const seen = new Set<string>();
    let matched = 0;
    // Matched rows whose columns agree: their content is compared after the loop (size, then SHA-256).
    const contentRows: Array<{ sourceId: string; targetId: string }> = [];
    for (const e of expected) {
        const identity = addressIdentity(e.address);
        const target = targets.get(identity);
        seen.add(identity);
        if (!target) {
            result.missing++;
            pushSample(result.samples.missing, e.sourceId, env.samples);
            continue;
        }
        matched++;
        withTargetId(table, e, target);
        const decision = decideRow(table, e, target, resolver, { onUnresolvedLookup: env.plan.onUnresolvedLookup });
        const columns = [...decision.changed];
        if (decision.deferred)
            columns.push(
                ...Object.keys(decision.deferred)
                    .filter((k) => k !== table.target.primaryId && k !== '@odata.id')
                    .map((k) => k.replace(/@odata\.bind$/, '')),
            );
        // A state the copy never writes (an e-mail's sending status, kept a Draft) is not a difference.
        if (decision.state && !isNeverWritten(table.target.logicalName, decision.state.status))
            columns.push(table.state!.targetStateColumn);
        if (decision.action === 'fail') {
            result.failing++;
            const failure = decision.failure ?? { code: 'Unmapped', column: '', message: 'cannot be mapped' };
            pushSample(result.samples.failing, { id: e.sourceId, ...failure }, env.samples);
            continue;
        }
        if (columns.length === 0 && table.content)
            contentRows.push({ sourceId: e.sourceId, targetId: String(target[table.target.primaryId]).toLowerCase() });
        if (columns.length > 0) {
            result.different++;
            const unique = [...new Set(columns)];
            pushSample(
                result.samples.different,
                {
                    id: e.sourceId,
                    columns: unique,
                    ...(env.values ? { values: valuesOf(table, e, target, unique, resolver) } : {}),
                },
                env.samples,
            );
        }
    }
    const presence =
        table.content && contentRows.length > 0
            ? await contentPresence(
                  { source: env.source, target: env.target },
                  table,
                  table.content,
                  { source: contentRows.map((r) => r.sourceId), target: contentRows.map((r) => r.targetId) },
                  { signal },
              )
            : undefined;
    const content = await differentContent(env.content, table, contentRows, { signal, presence });
    for (const [id, columns] of content) {
        result.different++;
        pushSample(result.samples.different, { id, columns }, env.samples);
    }
    if (table.match.kind === 'id') {
        for (const [identity] of targets) {
            if (seen.has(identity)) continue;
            result.extra++;
            pushSample(result.samples.extra, identity, env.samples);
        }
    }
    return matched;
}

async function verifyTable(env: Env, table: TablePlan, options: VerifyOptions): Promise<TableVerification> {
    const result: TableVerification = {
        source: 0,
        target: 0,
        missing: 0,
        extra: 0,
        different: 0,
        failing: 0,
        samples: { missing: [], extra: [], different: [], failing: [] },
        ...(table.platformOwned ? { platformOwned: table.platformOwned } : {}),
    };
    const signal = options.signal;
    const subset = env.subset?.[table.name];
    const pages: VerifyPage[] = subset
        ? idPages(subset, env.plan.options.pageSize)
        : (
              await pageBoundaries(
                  env.source,
                  { entitySetName: table.source.entitySetName, primaryId: table.source.primaryId },
                  env.plan.options.pageSize,
                  table.filter,
                  signal ? { signal } : {},
              )
          ).ranges.map((range) => ({ range }));
    // Rows matched by key live at other ids in the target: count them with a key walk of their own (a subset compares
    // only the rows it took: target rows outside it are none of its business).
    if (table.match.kind === 'key' && !subset) {
        const targetWalk = await pageBoundaries(
            env.target,
            { entitySetName: table.target.entitySetName, primaryId: table.target.primaryId },
            5000,
            table.filter,
            signal ? { signal } : {},
        );
        result.target = targetWalk.rowCount;
    }
    let done = 0;
    let matched = 0;
    await eachLimited(pages, options.concurrency ?? 4, async (page) => {
        const found = await verifyRange(env, table, page, result, signal); // never `matched += await`: a lost update
        matched += found;
        options.progress?.(table.name, ++done, pages.length);
    });
    if (table.match.kind === 'key' && subset) result.target = matched;
    else if (table.match.kind === 'key') {
        // Rows matched by key are counted, not listed: extra = target rows no source row matched.
        result.extra = Math.max(0, result.target - matched);
    }
    return result;
}

async function verifyRelationship(
    env: Env,
    relationship: ManyToManyPlan,
    signal?: AbortSignal,
): Promise<RelationshipVerification> {
    const ctx = { plan: env.plan, references: env.references, source: env.source, target: env.target };
    const { sourcePairs, targetPairs, maps } = await pairsWithTargetIds(ctx, relationship, { signal });
    const result: RelationshipVerification = {
        source: sourcePairs.length,
        target: targetPairs.length,
        missing: 0,
        extra: 0,
        skipped: 0,
        outside: 0,
        samples: { missing: [], extra: [], skipped: [] },
    };
    // The same rules as the copy: a run-table side missing in the target is a missing pair; a matched side
    // without a match is a pair the copy skips.
    const expected = new Set<string>();
    const sourceOf = new Map<string, [string, string]>();
    for (const pair of sourcePairs) {
        const ids = pair.map((id, side) => maps[side]!.get(id));
        const unmatched = relationship.match.some((m, side) => m.kind === 'reference' && ids[side] === undefined);
        if (unmatched) {
            result.skipped++;
            pushSample(result.samples.skipped, pair.join('|'), env.samples);
        } else {
            const key = ids.map((id, side) => id ?? `missing:${pair[side]}`).join('|');
            expected.add(key);
            sourceOf.set(key, pair);
        }
    }
    // Target pairs are compared where every matched side is the match of a source row.
    const spoken = relationship.match.map((m) =>
        m.kind === 'reference' ? matchedReferenceIds(env.references, m.table) : undefined,
    );
    const actual = new Set<string>();
    for (const pair of targetPairs) {
        if (pair.some((id, side) => spoken[side] !== undefined && !spoken[side].has(id))) result.outside++;
        else actual.add(pair.join('|'));
    }
    // A pair the target refuses whoever asks (refused-pairs.ts) is one the copy skips, not a missing one; so is a
    // pair whose run-table side is outside that table's filter (the copy never wrote that row).
    const filtered = await sidesInsideFilters(
        env,
        relationship,
        [...expected].filter((pair) => !actual.has(pair)).map((pair) => sourceOf.get(pair)!),
        signal,
    );
    const outsideFilter = (pair: string) =>
        relationship.match.some((_, side) => {
            const inside = filtered[side];
            return inside !== undefined && !inside.has(sourceOf.get(pair)![side]!.toLowerCase());
        });
    for (const pair of expected)
        if (!actual.has(pair) && outsideFilter(pair)) {
            expected.delete(pair);
            result.skipped++;
            pushSample(result.samples.skipped, pair, env.samples);
        }
    const absent = [...expected].filter((pair) => !actual.has(pair));
    const sendable = absent
        .filter((pair) => !pair.includes('missing:'))
        .map((pair) => pair.split('|') as [string, string]);
    const refused = await refusedPairs(env.target, relationship.target, sendable, { signal });
    const refusedKeys = new Set([...refused.keys()].map((i) => sendable[i]!.join('|')));
    for (const pair of absent)
        if (refusedKeys.has(pair)) {
            result.skipped++;
            pushSample(result.samples.skipped, pair, env.samples);
        } else {
            result.missing++;
            pushSample(result.samples.missing, pair, env.samples);
        }
    for (const pair of actual)
        if (!expected.has(pair)) {
            result.extra++;
            pushSample(result.samples.extra, pair, env.samples);
        }
    return result;
}

/**
 * Per side of a relationship: for a run table with a filter, which of these source pairs' ids of that side are inside
 * the filter (lowercase); undefined for a side without one (every row of it is in the run).
 */
async function sidesInsideFilters(
    env: Env,
    relationship: ManyToManyPlan,
    pairs: ReadonlyArray<readonly [string, string]>,
    signal?: AbortSignal,
): Promise<Array<Set<string> | undefined>> {
    return Promise.all(
        relationship.match.map(async (m, side) => {
            const table = m.kind === 'run' ? env.plan.tables[m.table] : undefined;
            const taken = table && env.subset?.[table.name] ? new Set(env.subset[table.name]) : undefined;
            if (taken) return taken; // the subset's ids are inside the filter already
            if (!table?.filter) return undefined;
            const ids = [...new Set(pairs.map((p) => p[side]!.toLowerCase()))];
            if (ids.length === 0) return new Set<string>();
            const pk = table.source.primaryId;
            const filters = idFilters(pk, ids, filterBudget([pk], table.filter)).map((f) =>
                andFilters(f, table.filter)!,
            );
            const rows = await readFiltered(env.source, table.source.entitySetName, [pk], filters, { signal });
            return new Set(rows.map((row) => String(row[pk]).toLowerCase()));
        }),
    );
}

export async function verifyMigration(
    spec: MigrationSpec,
    clients: EnvironmentClients,
    options: VerifyOptions = {},
): Promise<VerifyReport> {
    return (await compareMigration(spec, clients, options)).report;
}

/** The comparison of verify, with the plan it was made against (the dry run reads its options). */
export async function compareMigration(
    spec: MigrationSpec,
    clients: EnvironmentClients,
    options: VerifyOptions = {},
): Promise<{ report: VerifyReport; plan: Plan }> {
    const signal = options.signal;
    // Verify only reads the target: its identity needs no write privileges.
    const prepared = await preparePlan(spec, clients, { targetWrites: false, ...(signal ? { signal } : {}) });
    const { plan } = prepared;
    addNoticed(plan, options.noticed ?? []);
    // Tables loaded as new that the target lacks yet: there is nothing to compare with until a run creates them.
    if (plan.schema)
        plan.problems.push({
            message: `the target lacks the schema this spec creates (${plan.schema.operations.length} operations, starting with: ${plan.schema.operations[0]!.summary}): run it first; \`plan\` shows what it creates`,
        });
    if (plan.problems.length > 0)
        return { report: { identical: false, tables: {}, manyToMany: {}, problems: plan.problems }, plan };
    const subset = spec.subset ? await computeSubset(plan, spec.subset, clients.source, { signal }) : undefined;
    const env: Env = {
        ...(subset ? { subset } : {}),
        plan,
        references: storedReferences(prepared.references),
        source: clients.source,
        target: clients.target,
        content: { source: clients.source, target: clients.target },
        samples: options.samples ?? 10,
        values: options.values === true,
    };
    const report: VerifyReport = { identical: true, tables: {}, manyToMany: {} };
    const tables = Object.values(plan.tables);
    const results = await Promise.all(tables.map((t) => verifyTable(env, t, options)));
    tables.forEach((t, i) => (report.tables[t.name] = results[i]!));
    for (const relationship of plan.manyToMany)
        report.manyToMany[relationship.name] = await verifyRelationship(env, relationship, signal);
    report.identical =
        Object.values(report.tables).every(
            (t) => t.missing === 0 && t.extra === 0 && t.different === 0 && t.failing === 0,
        ) && Object.values(report.manyToMany).every((m) => m.missing === 0 && m.extra === 0);
    return { report, plan };
}
