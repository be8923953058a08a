/**
 * The copyPage activity: one page of one table. Reads the source rows of the page and the
 * matching target rows, decides per row (create, update the changed columns, or leave alone), writes
 * creates with UpsertMultiple and updates with UpdateMultiple in `writeBatchSize` chunks (the client
 * isolates the rows a chunk fails on), records failed rows, and leaves the follow-up work (deferred
 * lookups, state changes) in the run store for the later phases. Row outcomes are returned as counts;
 * only infrastructure failures throw (the orchestrator retries those).
 */
import type { Row, WriteResult } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import { appendEvent } from '../run/events.js';
import { FailureLog } from '../run/failures.js';
import { LookupResolver } from '../copy/lookups.js';
import { countsAddUp, emptyCounts, type PhaseCounts } from '../run/outcomes.js';
import { readSourceByIds, readSourceRange, readTargetRows, type ReadOptions } from '../copy/page-read.js';
import {
    addressIdentity,
    decideRow,
    missingKey,
    expectedRow,
    lookupsToCompare,
    type ExpectedRow,
    type RowDecision,
} from '../copy/row-plan.js';
import type { RunContext } from '../run/run-context.js';
import { RunDocumentError } from '../run/activity-failure.js';
import { isCancelRequested } from '../run/cancel.js';
import { closeValues } from '../copy/state-messages.js';
import { targetWriteTable, writeOptions } from '../copy/writes.js';
import { MissingParents } from './missing-parents.js';
import { earlierIntent, recordIntent } from './write-intent.js';
import { settle } from './phase-page.js';
import { pagesKind, workKinds, writeWork, type PageKind } from '../run/work.js';
import type { ActivityOptions, CopyPageInput } from './contract.js';
import type { DeferredItem, StateItem } from './work-items.js';

export interface CopyPageOutcome {
    table: string;
    page: number;
    kind: PageKind;
    counts: PhaseCounts;
    /** Rows with deferred lookups (or update-only columns) to patch in the deferred phase. */
    deferredWork: number;
    /** Rows whose state must be set in the state phase. */
    stateWork: number;
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
        const rows = await readSourceRange(ctx.source, table, range, options);
        return { rows, considered: rows.length, range };
    }
    const ids = await ctx.store.readJson<string[]>(ctx.paths.work('delta', table.name, input.page));
    if (!ids) throw new RunDocumentError(`run ${ctx.runId}: no delta id list ${input.page} for ${table.name}`);
    const rows = await readSourceByIds(ctx.source, table, ids, options);
    return { rows, considered: ids.length };
}

export async function copyPage(
    ctx: RunContext,
    input: CopyPageInput,
    { signal }: ActivityOptions = {},
): Promise<CopyPageOutcome> {
    const started = Date.now();
    const table = ctx.table(input.table);
    const counts = emptyCounts();
    counts.created = 0;
    counts.updated = 0;
    counts.cleared = 0;
    const outcome: CopyPageOutcome = {
        table: table.name,
        page: input.page,
        kind: input.kind,
        counts,
        deferredWork: 0,
        stateWork: 0,
        ms: 0,
    };
    if (await isCancelRequested(ctx)) return { ...outcome, cancelled: true };

    const { rows, considered, range } = await readPageRows(ctx, table, input, { signal });
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
    const expected: ExpectedRow[] = [];
    const addressable: Row[] = [];
    for (const row of rows) {
        const missing = missingKey(table, row);
        if (missing) {
            failures.add({ sourceId: String(row[table.source.primaryId]), ...missing });
            continue;
        }
        addressable.push(row);
        expected.push(expectedRow(table, row, resolver));
    }
    const targets = await readTargetRows(
        ctx.target,
        table,
        addressable,
        input.kind === 'copy' && table.match.kind === 'id' ? range : undefined,
        { signal },
    );
    await resolver.prepareTargetIds(lookupsToCompare(expected.filter((e) => targets.has(addressIdentity(e.address)))));

    const decisions = expected.map((e) => ({
        expected: e,
        decision: decideRow(table, e, targets.get(addressIdentity(e.address)), resolver, {
            onUnresolvedLookup: ctx.plan.onUnresolvedLookup,
        }),
    }));
    const creates = decisions.filter((d) => d.decision.action === 'create');
    const updates = decisions.filter((d) => d.decision.action === 'update');
    const earlier = await earlierIntent(ctx, input.kind, table.name, input.page);
    await recordIntent(ctx, input.kind, table.name, input.page, earlier, [
        ...creates.map((d) => ({ id: d.expected.sourceId, action: 'create' as const })),
        ...updates.map((d) => ({ id: d.expected.sourceId, action: 'update' as const })),
    ]);
    const options = writeOptions(ctx.plan, table, signal);
    const writeTable = targetWriteTable(table);
    const [createResults, updateResults] = await Promise.all([
        creates.length > 0
            ? ctx.target.upsertMultiple(
                  writeTable,
                  creates.map((d) => d.decision.payload!),
                  options,
              )
            : Promise.resolve([] as WriteResult[]),
        updates.length > 0
            ? ctx.target.updateMultiple(
                  writeTable,
                  updates.map((d) => d.decision.payload!),
                  options,
              )
            : Promise.resolve([] as WriteResult[]),
    ]);

    const succeeded: Array<{ expected: ExpectedRow; decision: RowDecision }> = [];
    type Entry = (typeof decisions)[number];
    const idOf = (entry: Entry) => entry.expected.sourceId;
    const refused: Array<{ entry: Entry; result: WriteResult | undefined }> = [];
    const onFailed = (entry: Entry, result: WriteResult | undefined) => refused.push({ entry, result });
    const written = (field: 'created' | 'updated') => (entry: (typeof decisions)[number]) => {
        counts[field] = (counts[field] ?? 0) + 1;
        succeeded.push(entry);
    };
    settle(creates, createResults, idOf, counts, failures, { onWritten: written('created'), onFailed });
    settle(updates, updateResults, idOf, counts, failures, { onWritten: written('updated'), onFailed });
    const parents = new MissingParents(ctx, table);
    for (const { entry, result } of refused)
        failures.add(await parents.describe(entry.expected.sourceId, entry.decision.payload, result));
    for (const entry of decisions) {
        const before = earlier.get(entry.expected.sourceId);
        if (entry.decision.action === 'none' && before) {
            // An earlier attempt of this page wrote the row (a retry, a resumed run): this run wrote it.
            counts.written++;
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
        if (decision.deferred) deferred.push({ sourceId: e.sourceId, row: decision.deferred });
        if (decision.state) {
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
    await Promise.all([
        writeWork(ctx, kinds.deferred, table.name, input.page, deferred),
        writeWork(ctx, kinds.state, table.name, input.page, states),
        failures.flush(),
    ]);
    outcome.deferredWork = deferred.length;
    outcome.stateWork = states.length;
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
