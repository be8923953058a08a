/**
 * Knock-on failures: a row the service refused because a row its lookup points to does not exist ("account
 * With Id = X Does Not Exist") is logged with the lookup column and, when that parent failed earlier in this
 * run, the parent's own failure (phase, code, message), so the errors log tells the cause, not the symptom.
 */
import type { Row, WriteResult } from '../dataverse/client-types.js';
import type { TablePlan } from '../plan/types.js';
import type { RowFailure } from '../run/failures.js';
import type { RunContext } from '../run/run-context.js';
import { readFailedRows, type FailedRow } from '../runlog/failed-rows.js';

const MISSING_ROW =
    /([a-z_][a-z0-9_]*)'? With Id = ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) Does Not Exist/i;

/** A failed write result as a failure of the error log. */
export function failureOf(sourceId: string, result: WriteResult | undefined): RowFailure {
    if (!result) return { sourceId, message: 'no result for this row' };
    return {
        sourceId,
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.code !== undefined ? { code: result.code } : {}),
        message: result.message ?? 'the service rejected the row without a message',
    };
}

export class MissingParents {
    /** A parent table's failed rows in this run, by source id: read once per page, only when needed. */
    private readonly failed = new Map<string, Promise<Map<string, FailedRow>>>();

    constructor(
        private readonly ctx: RunContext,
        private readonly table: TablePlan,
    ) {}

    /** The failure to log for a refused write of `payload`: explained when a parent it binds is missing. */
    async describe(sourceId: string, payload: Row | undefined, result: WriteResult | undefined): Promise<RowFailure> {
        const failure = failureOf(sourceId, result);
        const missing = MISSING_ROW.exec(failure.message);
        if (!missing || !payload) return failure;
        const [, parentTable, id] = missing as unknown as [string, string, string];
        const nav = Object.entries(payload).find(
            ([key, value]) =>
                key.endsWith('@odata.bind') &&
                typeof value === 'string' &&
                value.toLowerCase().includes(`(${id.toLowerCase()})`),
        )?.[0];
        if (!nav) return failure; // the row itself is missing (an update), not a parent
        const navigationProperty = nav.slice(0, -'@odata.bind'.length);
        const column = this.table.columns.find((c) =>
            c.lookup?.targets.some((t) => t.navigationProperty === navigationProperty),
        )?.target;
        const parent = await this.parentFailure(parentTable, id);
        const where = `${column ?? navigationProperty} points to ${parentTable} ${id.toLowerCase()}`;
        return {
            ...failure,
            ...(column ? { column } : {}),
            message: parent
                ? `${where}, which failed earlier in this run (${parent.phase} phase${parent.code ? `, ${parent.code}` : ''}: ${parent.message})`
                : `${where}, which is not in the target (${failure.message})`,
        };
    }

    private async parentFailure(logicalName: string, id: string): Promise<FailedRow | undefined> {
        const parent = Object.values(this.ctx.plan.tables).find(
            (t) => t.target.logicalName.toLowerCase() === logicalName.toLowerCase(),
        );
        if (!parent) return undefined;
        let rows = this.failed.get(parent.name);
        if (!rows) {
            rows = readFailedRows(this.ctx.store, this.ctx.runId, parent.name).then(
                (list) => new Map(list.map((r) => [r.source_id.toLowerCase(), r])),
            );
            this.failed.set(parent.name, rows);
        }
        return (await rows).get(id.toLowerCase());
    }
}
