/**
 * Failed rows go to the run's error log, one CSV per table (the columns of FAILED_ROW_HEADER: table,
 * source id, phase, HTTP status, Dataverse error code, the column when known, message, time), appended
 * once per page so concurrent pages never interleave.
 */
import type { WriteResult } from '../dataverse/client-types.js';
import { FAILED_ROW_HEADER } from '../runlog/failed-rows.js';
import type { RunContext } from './run-context.js';

export type Phase = 'copy' | 'deferred' | 'state' | 'content' | 'associate' | 'delete' | 'disassociate';

export interface RowFailure {
    sourceId: string;
    status?: number;
    code?: string;
    /** The column the failure is about, when known (an empty key, an unresolved or missing parent). */
    column?: string;
    message: string;
}

export class FailureLog {
    private readonly records: string[][] = [];

    constructor(
        private readonly ctx: RunContext,
        private readonly table: string,
        private readonly phase: Phase,
    ) {}

    get count(): number {
        return this.records.length;
    }

    add(failure: RowFailure): void {
        this.records.push([
            this.table,
            failure.sourceId,
            this.phase,
            failure.status === undefined ? '' : String(failure.status),
            failure.code ?? '',
            failure.column ?? '',
            failure.message,
            this.ctx.now().toISOString(),
        ]);
    }

    /** A failed write result of the client, for the row with this source id. */
    addResult(sourceId: string, result: WriteResult): void {
        this.add({
            sourceId,
            ...(result.status !== undefined ? { status: result.status } : {}),
            ...(result.code !== undefined ? { code: result.code } : {}),
            message: result.message ?? 'the service rejected the row without a message',
        });
    }

    async flush(): Promise<void> {
        if (this.records.length === 0) return;
        await this.ctx.store.appendCsv(this.ctx.paths.errors(this.table), FAILED_ROW_HEADER, this.records);
        this.records.length = 0;
    }
}
