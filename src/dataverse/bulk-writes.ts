/**
 * The copy engine's bulk writes, one result per input row: UpsertMultiple / UpdateMultiple in chunks, with a
 * row-by-row `$batch` fallback (continue-on-error) for tables without the bulk message and for chunks the service
 * rejected (standard tables roll a whole chunk back for one bad row, research §3.2); deletes, `$ref` associations and
 * other independent writes as `$batch` parts. Remembers per table whether its bulk message works, so only one chunk
 * probes. Every write goes at most once: rows of a request whose outcome is unknown come back ambiguous
 * (unknown-outcome.ts), for the caller to settle by reading the target, never by sending the same payload again.
 */
import { LearnedChunkSizes, writeSplitting } from './chunk-splitting.js';
import { sqlFaultOf } from './sql-errors.js';
import type {
    BatchRequest,
    BatchResponse,
    Row,
    UpsertMultipleOptions,
    WriteOptions,
    WriteResult,
    WriteTable,
} from './client-types.js';
import { DataverseError, isDataverseError, parseErrorBody } from './errors.js';
import { entityPath } from './odata-url.js';
import { isUnknownOutcome, isUnknownOutcomeStatus } from './unknown-outcome.js';

/** How the service words "this table has no <Action>Multiple" (its code, 0x80040216, is the generic "unexpected"). */
const UNSUPPORTED_BULK =
    /does not support entities of type|MessageProcessor\.Empty|has not yet been implemented|is not supported/i;
/** ObjectDoesNotExist comes back as 404 for a missing row. */
const NOT_FOUND = 404;
/** Cannot insert duplicate key: for `$ref`, the pair is already related. */
export const DUPLICATE_CODE = '0x80040237';

/** A bulk write: its bound action and the conditional header of the row-by-row PATCH it falls back to. */
const BULK_WRITES = {
    /** PATCH without a condition is an upsert. */
    upsert: { action: 'UpsertMultiple', fallbackHeaders: {}, verb: 'upserted' },
    /** `If-Match: *`: never creates; a missing row is 404 ObjectDoesNotExist. */
    update: { action: 'UpdateMultiple', fallbackHeaders: { 'If-Match': '*' }, verb: 'updated' },
} as const;
type BulkWriteKind = keyof typeof BULK_WRITES;

/** Every write of this module is sent with `atMostOnce` (http.ts): an unknown outcome throws instead of resending. */
type AtMostOnce = { atMostOnce: true };

export interface BulkWriterDeps {
    /** Sends one request (throws a DataverseError unless it succeeds; at once on a SQL timeout it may split). */
    send(request: BatchRequest & AtMostOnce & { signal?: AbortSignal; splitOnSqlTimeout?: boolean }): Promise<unknown>;
    /** Sends independent requests as one `$batch` (continue-on-error), one response per request in order. */
    batch(requests: BatchRequest[], options: WriteOptions & AtMostOnce): Promise<BatchResponse[]>;
    /** `<environment>/api/data/v9.2/`, for `$ref` bodies. */
    apiBase: string;
    /** Default rows per request. */
    writeBatchSize: number;
}

export class BulkWriter {
    /** `<action>:<table>` whose bulk message the service rejected as unsupported: straight to `$batch`. */
    private readonly noBulk = new Set<string>();
    /** `<action>:<table>` whose bulk message succeeded once. */
    private readonly bulkOk = new Set<string>();
    /** Rows per chunk the service's SQL timeouts allow, per `<action>:<table>`. */
    private readonly sizes = new LearnedChunkSizes();

    constructor(private readonly deps: BulkWriterDeps) {}

    upsertMultiple(table: WriteTable, rows: Row[], options: UpsertMultipleOptions = {}): Promise<WriteResult[]> {
        return this.writeMultiple('upsert', table, rows, options);
    }

    updateMultiple(table: WriteTable, rows: Row[], options: UpsertMultipleOptions = {}): Promise<WriteResult[]> {
        return this.writeMultiple('update', table, rows, options);
    }

    async deleteMultiple(
        table: WriteTable,
        ids: string[],
        options: UpsertMultipleOptions = {},
    ): Promise<WriteResult[]> {
        const headers = bypassHeaders(options.bypass);
        const results = await this.batchInChunks(
            ids,
            (id) => ({ method: 'DELETE', path: entityPath(table.entitySetName, id), headers }),
            options,
        );
        // Already gone: the desired state (an attempt of ours whose answer was lost came back ambiguous instead).
        return results.map((result) => (result.status === NOT_FOUND ? unchangedResult(result) : result));
    }

    async associateMany(
        table: WriteTable,
        navigationProperty: string,
        related: WriteTable,
        pairs: Array<[id: string, relatedId: string]>,
        options: UpsertMultipleOptions = {},
    ): Promise<WriteResult[]> {
        const headers = bypassHeaders(options.bypass);
        const results = await this.batchInChunks(
            pairs,
            ([id, relatedId]) => this.associateRequest(table, id, navigationProperty, related, relatedId, headers),
            options,
        );
        // Already related, told by the code (the status of this answer is not documented): the desired state.
        return results.map((result) => (result.code === DUPLICATE_CODE ? unchangedResult(result) : result));
    }

    /** Independent write requests as `$batch` parts, the bypass headers on each; one result per request. */
    batchWrites(requests: BatchRequest[], options: UpsertMultipleOptions = {}): Promise<WriteResult[]> {
        const headers = bypassHeaders(options.bypass);
        return this.batchInChunks(
            requests,
            (request) => (headers ? { ...request, headers: { ...headers, ...request.headers } } : request),
            options,
        );
    }

    /** The `$ref` POST that relates `id` to `relatedId` through a collection-valued navigation property. */
    associateRequest(
        table: WriteTable,
        id: string,
        navigationProperty: string,
        related: WriteTable,
        relatedId: string,
        headers: Record<string, string> | undefined,
    ): BatchRequest {
        return {
            method: 'POST',
            path: `${entityPath(table.entitySetName, id)}/${navigationProperty}/$ref`,
            headers,
            body: { '@odata.id': `${this.deps.apiBase}${entityPath(related.entitySetName, relatedId)}` },
        };
    }

    private async writeMultiple(
        kind: BulkWriteKind,
        table: WriteTable,
        rows: Row[],
        options: UpsertMultipleOptions,
    ): Promise<WriteResult[]> {
        const key = `${BULK_WRITES[kind].action}:${table.logicalName}`;
        const batchSize = this.sizes.sizeFor(key, options.batchSize ?? this.deps.writeBatchSize);
        const chunks = this.chunks(rows, { ...options, batchSize });
        // A chunk the service timed out in SQL is halved and sent again (chunk-splitting.ts).
        const learner = this.sizes.learner(key);
        const run = (chunk: Chunk<Row>) =>
            writeSplitting(chunk, (part) => this.writeChunk(kind, table, part, options), learner);
        // Until the table is known to take the bulk message (or not), one chunk finds out before the rest go in parallel.
        const probe = this.bulkOk.has(key) || this.noBulk.has(key) ? [] : chunks.slice(0, 1);
        const first = await Promise.all(probe.map(run));
        const rest = await Promise.all(chunks.slice(probe.length).map(run));
        return [...first, ...rest].flat();
    }

    /** Writes one chunk with the bulk message, else row by row; results carry their index in the input. */
    private async writeChunk(
        kind: BulkWriteKind,
        table: WriteTable,
        chunk: Chunk<Row>,
        options: UpsertMultipleOptions,
    ): Promise<WriteResult[]> {
        const { action, fallbackHeaders, verb } = BULK_WRITES[kind];
        const key = `${action}:${table.logicalName}`;
        const headers = bypassHeaders(options.bypass);
        if (!this.noBulk.has(key)) {
            const type = `Microsoft.Dynamics.CRM.${table.logicalName}`;
            try {
                await this.deps.send({
                    method: 'POST',
                    path: `${table.entitySetName}/Microsoft.Dynamics.CRM.${action}`,
                    headers,
                    body: { Targets: chunk.items.map((row) => ({ ...row, '@odata.type': type })) },
                    signal: options.signal,
                    splitOnSqlTimeout: chunk.items.length > 1,
                    atMostOnce: true,
                });
                this.bulkOk.add(key);
                return chunk.items.map((_, i) => ({ index: chunk.start + i, ok: true, status: 204 }));
            } catch (error) {
                if (isDataverseError(error) && isUnknownOutcome(error)) return ambiguousResults(chunk, error);
                // Row-level problems and unsupported tables go row by row below; everything else is not the rows' fault.
                if (!(error instanceof DataverseError) || error.kind !== 'http') throw error;
                if (UNSUPPORTED_BULK.test(error.serviceMessage)) this.noBulk.add(key);
            }
        }
        const primaryId = table.primaryIdAttribute ?? `${table.logicalName}id`;
        const rowHeaders = { ...fallbackHeaders, ...headers };
        return this.batchEach(
            chunk,
            (row) => {
                const { ['@odata.id']: odataId, ['@odata.type']: _type, [primaryId]: id, ...body } = row;
                let path: string;
                if (typeof odataId === 'string')
                    path = odataId.replace(/^.*\/api\/data\/v\d+\.\d+\//, '').replace(/^\//, '');
                else if (typeof id === 'string') path = entityPath(table.entitySetName, id);
                else throw new TypeError(`the row has no ${primaryId} and no @odata.id, so it cannot be ${verb}`);
                return { method: 'PATCH', path, body, headers: rowHeaders };
            },
            options,
        );
    }

    /** `items` as `$batch` requests of the write batch size each, sent in parallel; one result per item, in order. */
    private async batchInChunks<T>(
        items: readonly T[],
        toRequest: (item: T) => BatchRequest,
        options: UpsertMultipleOptions,
    ): Promise<WriteResult[]> {
        const chunks = this.chunks(items, options);
        return (await Promise.all(chunks.map((chunk) => this.batchEach(chunk, toRequest, options)))).flat();
    }

    /**
     * One `$batch` part per item; an item `toRequest` cannot address (it throws) fails alone with a 400 result and is
     * never sent. Results carry their index in the whole input.
     */
    private async batchEach<T>(
        chunk: Chunk<T>,
        toRequest: (item: T) => BatchRequest,
        options: WriteOptions,
    ): Promise<WriteResult[]> {
        const requests: BatchRequest[] = [];
        const results: Array<WriteResult | undefined> = chunk.items.map((item, i) => {
            try {
                requests.push(toRequest(item));
                return undefined;
            } catch (error) {
                return { index: chunk.start + i, ok: false, status: 400, message: (error as Error).message };
            }
        });
        let responses: BatchResponse[] = [];
        try {
            if (requests.length > 0) responses = await this.deps.batch(requests, { ...options, atMostOnce: true });
        } catch (error) {
            if (!isDataverseError(error) || !isUnknownOutcome(error)) throw error;
            const lost = ambiguousResults(chunk, error);
            return results.map((result, i) => result ?? (lost[i] as WriteResult));
        }
        let next = 0;
        return results.map((result, i) => result ?? toWriteResult(chunk.start + i, responses[next++]));
    }

    /** `items` in chunks of the write batch size, each with the index of its first item. */
    private chunks<T>(items: readonly T[], options: UpsertMultipleOptions): Array<Chunk<T>> {
        const size = Math.max(1, options.batchSize ?? this.deps.writeBatchSize);
        const chunks: Array<Chunk<T>> = [];
        for (let start = 0; start < items.length; start += size)
            chunks.push({ start, items: items.slice(start, start + size) });
        return chunks;
    }
}

interface Chunk<T> {
    start: number;
    items: T[];
}

export function bypassHeaders(bypass: WriteOptions['bypass']): Record<string, string> | undefined {
    if (!bypass) return undefined;
    const headers: Record<string, string> = {};
    if (bypass.businessLogic && bypass.businessLogic.length > 0) {
        headers['MSCRM.BypassBusinessLogicExecution'] = bypass.businessLogic.join(',');
    }
    if (bypass.powerAutomateFlows) headers['MSCRM.SuppressCallbackRegistrationExpanderJob'] = 'true';
    return Object.keys(headers).length > 0 ? headers : undefined;
}

function unchangedResult(result: WriteResult): WriteResult {
    return { index: result.index, ok: true, status: result.status, unchanged: true };
}

/** One ambiguous result per item of a chunk whose request failed with an unknown outcome. */
function ambiguousResults<T>(chunk: Chunk<T>, error: DataverseError): WriteResult[] {
    return chunk.items.map((_, i) => ({
        index: chunk.start + i,
        ok: false,
        ambiguous: true,
        status: error.status,
        ...(error.code ? { code: error.code } : {}),
        message: error.serviceMessage,
    }));
}

function toWriteResult(index: number, part: BatchResponse | undefined): WriteResult {
    if (!part) return { index, ok: false, message: 'no response for this row' };
    if (part.status >= 200 && part.status < 300) return { index, ok: true, status: part.status };
    const { code, message } = parseErrorBody(part.bodyText);
    const text = message ?? `HTTP ${part.status}`;
    // The service's own SQL timeout or deadlock rolled the part back: a plain failure, not an unknown outcome.
    if (isUnknownOutcomeStatus(part.status) && !(part.status === 500 && sqlFaultOf(code, message)))
        return { index, ok: false, ambiguous: true, status: part.status, code, message: text };
    return { index, ok: false, status: part.status, code, message: text };
}
