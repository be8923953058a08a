/**
 * A page's writes: creates with UpsertMultiple and updates with UpdateMultiple, and rows whose answer was lost read
 * again from the target and decided again (decideRow), never sent again as they were. A create that committed is
 * then found present and becomes an update of what still differs (create-only columns such as overriddencreatedon go
 * only to rows confirmed absent), or nothing; a row still absent is created; settle-writes.ts bounds the rounds.
 */
import type { DataverseWriteClient, Row, UpsertMultipleOptions, WriteResult } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import type { LookupResolver } from './lookups.js';
import { readTargetRows } from './page-read.js';
import {
    addressIdentity,
    decideRow,
    lookupsToCompare,
    type DecideOptions,
    type ExpectedRow,
    type RowDecision,
} from './row-plan.js';
import { writeSettled, type Recheck, type Settled } from './settle-writes.js';
import { targetWriteTable } from './writes.js';

/** A source row with what it should become in the target and the write decided for it. */
export interface PlannedRow {
    source: Row;
    expected: ExpectedRow;
    decision: RowDecision;
    /** Some write of this row in this page was a create: it counts as created, whatever was written after. */
    created: boolean;
}

export interface PageWriteDeps {
    table: TablePlan;
    target: DataverseWriteClient;
    resolver: LookupResolver;
    decide: DecideOptions;
    options: UpsertMultipleOptions;
    /** Called with the rows about to be written again after a read, before they go (to record the intent). */
    beforeRewrite?: (rows: readonly PlannedRow[]) => Promise<void>;
}

/** Writes rows decided 'create' or 'update'; each comes back settled, with its latest decision (for follow-up work). */
export function writePlannedRows(
    rows: readonly PlannedRow[],
    deps: PageWriteDeps,
): Promise<Array<Settled<PlannedRow>>> {
    return writeSettled(rows, {
        write: (items) => writeDecisions(items, deps),
        recheck: async (items) => {
            const answers = await redecide(items, deps);
            const rewrites = answers.filter((a) => a.then === 'write').map((a) => a.item);
            if (rewrites.length > 0) await deps.beforeRewrite?.(rewrites);
            return answers;
        },
    });
}

/** Creates and updates in parallel; one result per row, in order. */
async function writeDecisions(rows: readonly PlannedRow[], deps: PageWriteDeps): Promise<WriteResult[]> {
    const writeTable = targetWriteTable(deps.table);
    const positions = (action: RowDecision['action']) =>
        rows.flatMap((row, i) => (row.decision.action === action ? [i] : []));
    const creates = positions('create');
    const updates = positions('update');
    const payloads = (at: number[]) => at.map((i) => rows[i]!.decision.payload!);
    const [created, updated] = await Promise.all([
        creates.length > 0 ? deps.target.upsertMultiple(writeTable, payloads(creates), deps.options) : [],
        updates.length > 0 ? deps.target.updateMultiple(writeTable, payloads(updates), deps.options) : [],
    ]);
    const results = new Array<WriteResult>(rows.length);
    creates.forEach((at, i) => (results[at] = created[i]!));
    updates.forEach((at, i) => (results[at] = updated[i]!));
    return results.map((result, i) => result ?? { index: i, ok: false, message: 'no write was decided for this row' });
}

/** The rows read again from the target and decided again against what is there now. */
async function redecide(rows: readonly PlannedRow[], deps: PageWriteDeps): Promise<Array<Recheck<PlannedRow>>> {
    const { table, resolver } = deps;
    const targets = await readTargetRows(
        deps.target,
        table,
        rows.map((r) => r.source),
        undefined,
        deps.options.signal ? { signal: deps.options.signal } : {},
    );
    const present = rows.filter((r) => targets.has(addressIdentity(r.expected.address)));
    await resolver.prepareTargetIds(lookupsToCompare(present.map((r) => r.expected)));
    return rows.map((row): Recheck<PlannedRow> => {
        const decision = decideRow(
            table,
            row.expected,
            targets.get(addressIdentity(row.expected.address)),
            resolver,
            deps.decide,
        );
        const item: PlannedRow = { ...row, decision, created: row.created || decision.action === 'create' };
        if (decision.action === 'fail') return { item, then: 'fail', failure: decision.failure! };
        return decision.action === 'none' ? { item, then: 'done' } : { item, then: 'write' };
    });
}
