/**
 * The copyPage activity: one page of one table. Reads the source rows of the page and the
 * matching target rows, decides per row (create, update the changed columns, or leave alone), writes
 * creates with UpsertMultiple and updates with UpdateMultiple in `writeBatchSize` chunks (the client
 * isolates the rows a chunk fails on), records failed rows, and leaves the follow-up work (deferred
 * lookups, state changes) in the run store for the later phases. Row outcomes are returned as counts;
 * only infrastructure failures throw (the orchestrator retries those).
 */
import type { Row } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import { andFilters } from '../copy/addressing.js';
import { appendEvent, reportLeft } from '../run/events.js';
import { closedTargets, openClosedRows } from '../copy/closed-rows.js';
import { FailureLog } from '../run/failures.js';
import { LookupResolver } from '../copy/lookups.js';
import { prepareParties } from '../copy/parties.js';
import { countsAddUp, emptyCounts, type PhaseCounts } from '../run/outcomes.js';
import { readSourceByIds, readSourceRange, readTargetRows, type ReadOptions } from '../copy/page-read.js';
import {
    addressIdentity,
    decideRow,
    missingKey,
    expectedRow,
    lookupsToCompare,
    withTargetId,
    keyLookupValues,
    unresolvedKey,
    type ExpectedRow,
} from '../copy/row-plan.js';
import { writePlannedRows, type PlannedRow } from '../copy/page-writes.js';
import type { RunContext } from '../run/run-context.js';
import { RunDocumentError } from '../run/activity-failure.js';
import { isCancelRequested } from '../run/cancel.js';
import { closeValues } from '../copy/state-messages.js';
import { stateRidesPatch, withState } from '../copy/follow-up-write.js';
import { splitDuplicateKeys } from '../copy/duplicate-keys.js';
import { writeOptions } from '../copy/writes.js';
import { PageBudget, type PageReservation } from '../copy/page-budget.js';
import { MissingParents } from './missing-parents.js';
import { noticePlatformOwned } from './notice-platform-owned.js';
import type { WrittenRow } from '../copy/rewritten-columns.js';
import type { Settled } from '../copy/settle-writes.js';
import { earlierIntent, recordIntent } from './write-intent.js';
import { contentWorkKind, pagesKind, workKinds, writeWork, type PageKind } from '../run/work.js';
import type { ActivityOptions, CopyPageInput } from './contract.js';
import type { ContentItem, DeferredItem, StateItem } from './work-items.js';

export interface CopyPageOutcome {
    table: string;
    page: number;
    kind: PageKind;
    counts: PhaseCounts;
    /** Rows with deferred lookups (or update-only columns) to patch in the deferred phase. */
    deferredWork: number;
    /** Rows whose state must be set in the state phase. */
    stateWork: number;
    /** Rows whose binary content the content phase compares and copies (tables with content columns). */
    contentWork?: number;
    cancelled?: boolean;
    ms: number;
}

async function readPageRows(
    ctx: RunContext,
    table: TablePlan,
    input: CopyPageInput,
    options: ReadOptions,
): Promise<{ rows: Row[]; considered: number; range?: { lo: string | null; hi: string | null } }> {
    if (input.kind === 'copy') {
        const pages = await ctx.pages(table.name, pagesKind(input.chunk));
        const range = pages.ranges[input.page - (pages.firstPage ?? 0)];
        if (!range) throw new RunDocumentError(`run ${ctx.runId}: ${table.name} has no page ${input.page}`);
        // A watermark page reads only the rows modified since (its range spans unchanged rows too).
        const scope = pages.since ? { ...table, filter: andFilters(table.filter, pages.since) } : table;
        const rows = await readSourceRange(ctx.source, scope, range, options);
        return { rows, considered: rows.length, range };
    }
    const ids = await ctx.store.readJson<string[]>(ctx.paths.work('delta', table.name, input.page));
    if (!ids) throw new RunDocumentError(`run ${ctx.runId}: no delta id list ${input.page} for ${table.name}`);
    const rows = await readSourceByIds(ctx.source, table, ids, options);
    return { rows, considered: ids.length };
}

/** The rows a write went to, with what it wrote (rows settled by a read that found them as wanted wrote nothing). */
function writtenRows(settled: ReadonlyArray<Settled<PlannedRow>>): WrittenRow[] {
    return settled.flatMap(({ item, outcome }) =>
        outcome === 'written' && item.decision.payload ? [{ ...item, payload: item.decision.payload }] : [],
    );
}

/** What copyPage takes beside the host's signal: the process's budget of page rows in flight. */
export interface CopyPageOptions extends ActivityOptions {
    pages?: PageBudget;
}

/** Holds the page's share of the row budget from before its rows are read until its work is done. */
export async function copyPage(
    ctx: RunContext,
    input: CopyPageInput,
    { signal, pages = new PageBudget() }: CopyPageOptions = {},
): Promise<CopyPageOutcome> {
    const table = ctx.table(input.table);
    if (await isCancelRequested(ctx)) return cancelledPage(input);
    const reservation = await pages.reserve(table.name, pages.estimate(table.name, ctx.plan.options.pageSize), signal);
    try {
        return await copyPageRows(ctx, input, reservation, signal);
    } finally {
        reservation.release();
    }
}

/** A page's outcome before any row: nothing counted, no follow-up work. */
function emptyPageOutcome(table: string, input: CopyPageInput): CopyPageOutcome {
    const counts = { ...emptyCounts(), created: 0, updated: 0, cleared: 0 };
    return { table, page: input.page, kind: input.kind, counts, deferredWork: 0, stateWork: 0, ms: 0 };
}

function cancelledPage(input: CopyPageInput): CopyPageOutcome {
    return { ...emptyPageOutcome(input.table, input), cancelled: true };
}

async function copyPageRows(
    ctx: RunContext,
    input: CopyPageInput,
    reservation: PageReservation,
    signal: AbortSignal | undefined,
): Promise<CopyPageOutcome> {
    const started = Date.now();
    const table = ctx.table(input.table);
    const outcome = emptyPageOutcome(table.name, input);
    const counts = outcome.counts;
    const { rows, considered, range } = await readPageRows(ctx, table, input, { signal });
    reservation.measured(rows);
    counts.read = considered;
    // Delta ids that are not (any more) in the source within the filter: outside this table's scope.
    counts.skipped = considered - rows.length;

    const failures = new FailureLog(ctx, table.name, 'copy');
    const resolver = new LookupResolver({
        plan: ctx.plan,
        references: ctx.references,
        source: ctx.source,
        target: ctx.target,
        signal,
    });
    await resolver.prepare(rows, table.columns);
    await prepareParties(resolver, table, rows);
    // A lookup key part is addressed by the target id of the row it points to: read those ids first.
    await resolver.prepareTargetIds(keyLookupValues(table, rows, resolver));
    const candidates: Array<{ source: Row; expected: ExpectedRow }> = [];
    for (const row of rows) {
        const missing = missingKey(table, row);
        if (missing) {
            failures.add({ sourceId: String(row[table.source.primaryId]), ...missing });
            continue;
        }
        const candidate = expectedRow(table, row, resolver);
        const unresolved = unresolvedKey(table, candidate);
        if (unresolved) {
            failures.add({ sourceId: candidate.sourceId, ...unresolved });
            continue;
        }
        candidates.push({ source: row, expected: candidate });
    }
    // Two source rows with one key would be one target row: the first is written, the others fail by name.
    const { kept, duplicates } = splitDuplicateKeys(
        table,
        candidates.map((c) => c.expected),
    );
    for (const duplicate of duplicates) failures.add(duplicate);
    const keptRows = new Set(kept);
    const expected = candidates.filter((c) => keptRows.has(c.expected));
    const targets = await readTargetRows(
        ctx.target,
        table,
        expected.map((e) => e.source),
        input.kind === 'copy' && table.match.kind === 'id' ? range : undefined,
        { signal },
        expected.map((e) => (e.expected.address.kind === 'key' ? e.expected.address.values : [])),
    );
    for (const e of expected) withTargetId(table, e.expected, targets.get(addressIdentity(e.expected.address)));
    await resolver.prepareTargetIds(
        lookupsToCompare(
            expected.filter((e) => targets.has(addressIdentity(e.expected.address))).map((e) => e.expected),
        ),
    );

    const decide = { onUnresolvedLookup: ctx.plan.onUnresolvedLookup };
    const decisions: PlannedRow[] = expected.map((e) => {
        const decision = decideRow(
            table,
            e.expected,
            targets.get(addressIdentity(e.expected.address)),
            resolver,
            decide,
        );
        return { ...e, decision, created: decision.action === 'create' };
    });
    // Closed target rows the copy must change: reopened first (the state phase closes them again), or left and reported.
    const targetOf = (row: PlannedRow) => targets.get(addressIdentity(row.expected.address));
    const closed = closedTargets(table, decisions, targetOf);
    const excluded = new Set<PlannedRow>();
    if (closed.length > 0) {
        const opened = await openClosedRows(table, closed, targetOf, ctx.target, writeOptions(ctx.plan, table, signal));
        for (const { row, ...failure } of opened.failed) {
            excluded.add(row);
            failures.add({ sourceId: row.expected.sourceId, ...failure });
        }
        for (const { row } of opened.left) excluded.add(row);
        counts.skipped += opened.left.length;
        await reportLeft(
            ctx,
            table.name,
            opened.left.map(({ row, code, message }) => ({ sourceId: row.expected.sourceId, code, message })),
        );
    }
    const planned = decisions.filter((d) => !excluded.has(d));
    const writes = planned.filter((d) => d.decision.action === 'create' || d.decision.action === 'update');
    // What this attempt sets out to write, kept before it goes: a later attempt counts what this one wrote.
    let intent = await earlierIntent(ctx, input.kind, table.name, input.page);
    const earlier = intent;
    const intend = async (planned: readonly PlannedRow[]) => {
        const items = planned.map((d) => ({
            id: d.expected.sourceId,
            action: d.created ? ('create' as const) : ('update' as const),
        }));
        intent = await recordIntent(ctx, input.kind, table.name, input.page, intent, items);
    };
    await intend(writes);
    const settled = await writePlannedRows(writes, {
        table,
        target: ctx.target,
        resolver,
        decide,
        options: writeOptions(ctx.plan, table, signal),
        beforeRewrite: intend,
    });

    const succeeded: PlannedRow[] = [];
    const written = (field: 'created' | 'updated') => (entry: PlannedRow) => {
        counts.written++;
        counts[field] = (counts[field] ?? 0) + 1;
        succeeded.push(entry);
    };
    const parents = new MissingParents(ctx, table);
    for (const s of settled) {
        const id = s.item.expected.sourceId;
        // A row whose answer was lost and that a read found written counts once, as written by this run.
        if (s.outcome !== 'failed') written(s.item.created ? 'created' : 'updated')(s.item);
        else if (s.failure.column !== undefined) failures.add({ sourceId: id, ...s.failure });
        else failures.add(await parents.describe(id, s.item.decision.payload, { index: 0, ok: false, ...s.failure }));
    }
    for (const entry of planned) {
        const before = earlier.get(entry.expected.sourceId);
        if (entry.decision.action === 'none' && before) {
            // An earlier attempt of this page wrote the row (a retry, a resumed run): this run wrote it.
            written(before === 'create' ? 'created' : 'updated')(entry);
        } else if (entry.decision.action === 'none') {
            counts.skipped++;
            counts.unchanged++;
            succeeded.push(entry);
        } else if (entry.decision.action === 'fail') {
            failures.add({ sourceId: entry.expected.sourceId, ...entry.decision.failure! });
        }
        counts.cleared = (counts.cleared ?? 0) + entry.decision.cleared.length;
    }
    counts.failed = failures.count;

    const deferred: DeferredItem[] = [];
    const states: StateItem[] = [];
    for (const { expected: e, decision } of succeeded) {
        // One follow-up write where a plain update reaches the state: the deferred patch carries it.
        const rides = decision.deferred !== undefined && decision.state && stateRidesPatch(table, decision.state);
        if (decision.deferred) {
            const row = rides ? withState(table, decision.deferred, decision.state!) : decision.deferred;
            deferred.push({ sourceId: e.sourceId, row, address: e.address });
        }
        if (decision.state && !rides) {
            const values = new Map(e.values.map((v) => [v.column.target, v.value]));
            const close = closeValues(table.target.logicalName, decision.state.state, values);
            states.push({
                sourceId: e.sourceId,
                address: e.address,
                ...decision.state,
                ...(Object.keys(close).length > 0 ? { close } : {}),
            });
        }
    }
    const kinds = workKinds(input.kind);
    // Every row that is in the target now, written or unchanged: its content is compared on its own.
    const content: ContentItem[] = table.content
        ? succeeded.map(({ expected: e }) => ({ sourceId: e.sourceId, address: e.address }))
        : [];
    await Promise.all([
        ...(table.content ? [writeWork(ctx, contentWorkKind(input.kind), table.name, input.page, content)] : []),
        writeWork(ctx, kinds.deferred, table.name, input.page, deferred),
        writeWork(ctx, kinds.state, table.name, input.page, states),
        failures.flush(),
    ]);
    // After the page's results are kept: a read that fails here retries a page whose writes are already counted.
    await noticePlatformOwned(ctx, table, writtenRows(settled), signal);
    outcome.deferredWork = deferred.length;
    outcome.stateWork = states.length;
    if (table.content) outcome.contentWork = content.length;
    outcome.ms = Date.now() - started;
    if (!countsAddUp(counts))
        throw new Error(
            `internal error: the counts of ${table.name} page ${input.page} do not add up (${JSON.stringify(counts)})`,
        );
    await appendEvent(ctx, {
        type: 'page',
        phase: 'copy',
        table: table.name,
        page: input.page,
        kind: input.kind,
        counts,
        ms: outcome.ms,
    });
    return outcome;
}
