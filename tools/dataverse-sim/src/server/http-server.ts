/**
 * The HTTP listener of one simulated environment on 127.0.0.1: every Web API request passes the gate
 * (auth, limits, faults) before and after the work, then the service answers it. `/_sim/*` endpoints
 * (stats, dump, reset-stats) bypass the gate; they are for tests and benchmarks.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import type { Gate, GateStats, WriteFootprint } from '../gate/index.js';
import type { SimRow } from '../model.js';
import type { SimHeaders, SimRequest, SimResponse } from './http-types.js';
import { jsonResponse } from './http-types.js';
import { LongTransactions, type LongTransaction } from './long-transactions.js';
import { OutageSwitch, outageRequestSchema, type OutageMode, type OutageOptions } from './outages.js';
import { errorResponse } from './route-errors.js';
import type { DataverseService } from './service.js';
import { KeepAliveLimit } from './keep-alive.js';
import { MetadataSimEndpoints } from './metadata-writes/sim-endpoints.js';
import { directUrlRefusal, LISTENER_MAX_HEADER_SIZE } from './url-limits.js';

export interface TableStats {
    rows: number;
    rowsRead: number;
    rowsWritten: number;
    /** Collection reads (queries, deltas, `$count`) of the table. */
    queries: number;
}

export interface SimStats {
    requests: number;
    /** Web API requests by HTTP method (a `$batch` is one POST), so tests can tell reads from writes. */
    methods: Record<string, number>;
    /** Responses by HTTP status (429s and injected faults included). */
    statuses: Record<string, number>;
    rowsRead: number;
    rowsWritten: number;
    tables: Record<string, TableStats>;
    throttled: GateStats['throttled'];
    faults: GateStats['faults'];
    gate: GateStats;
    /** Requests cut unanswered on a connection idle past `keepAliveTimeoutMs` (keep-alive.ts). */
    keepAliveCuts: number;
}

export class SimHttpServer {
    private readonly server: Server;
    private readonly sockets = new Set<Socket>();
    private requests = 0;
    private methods: Record<string, number> = {};
    private statuses: Record<string, number> = {};
    private gateBaseline: GateStats | undefined;
    private gateInstance: Gate | undefined;
    private port = 0;
    private readonly longTransactions = new LongTransactions();
    private readonly metadataEndpoints: MetadataSimEndpoints;
    private readonly outages = new OutageSwitch({
        stopListening: () => this.stopListening(),
        listenAgain: () => this.listenOn(this.port),
        beginUnavailable: (retryAfterSeconds) => this.gate.beginOutage(retryAfterSeconds),
        endUnavailable: () => this.gate.endOutage(),
    });

    /** The gate is made once the port (and so the environment URL, the token audience) is known. */
    private readonly keepAlive: KeepAliveLimit | undefined;

    /**
     * The gate is made once the port (and so the environment URL, the token audience) is known. `keepAliveTimeoutMs`:
     * see keep-alive.ts (default: Node's server keep-alive, closed gracefully).
     */
    constructor(
        private readonly service: DataverseService,
        private readonly makeGate: (envUrl: string) => Gate,
        keepAliveTimeoutMs?: number,
    ) {
        this.keepAlive = keepAliveTimeoutMs === undefined ? undefined : new KeepAliveLimit(keepAliveTimeoutMs);
        this.metadataEndpoints = new MetadataSimEndpoints(service.metadataWrites);
        this.server = createServer({ maxHeaderSize: LISTENER_MAX_HEADER_SIZE }, (req, res) => {
            const keepAlive = this.keepAlive;
            if (keepAlive) {
                if (keepAlive.cutIfStale(req)) return;
                res.once('finish', () => keepAlive.idle(req.socket));
            }
            void this.onRequest(req, res);
        });
        this.keepAlive?.attach(this.server);
        this.server.on('connection', (socket) => {
            this.sockets.add(socket);
            socket.on('close', () => this.sockets.delete(socket));
        });
    }

    async listen(port: number): Promise<string> {
        await this.listenOn(port);
        this.port = (this.server.address() as AddressInfo).port;
        const url = `http://127.0.0.1:${this.port}`;
        try {
            this.gateInstance = this.makeGate(url);
        } catch (err) {
            await this.stopListening();
            throw err instanceof Error ? err : new Error(String(err));
        }
        return url;
    }

    close(): Promise<void> {
        this.outages.cancel();
        return this.stopListening();
    }

    /** Starts an outage of the environment (see outages.ts); its data is kept. */
    beginOutage(mode: OutageMode, options?: OutageOptions): Promise<void> {
        return this.outages.begin(mode, options);
    }

    endOutage(): Promise<void> {
        return this.outages.end();
    }

    /** The next write request becomes a long transaction (long-transactions.ts). */
    holdNextWrite(): LongTransaction {
        return this.longTransactions.holdNextWrite();
    }

    private listenOn(port: number): Promise<void> {
        return new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(port, '127.0.0.1', () => {
                this.server.off('error', reject);
                resolve();
            });
        });
    }

    /** Refuses new connections and cuts the open ones; resolves once the listener is closed. */
    private stopListening(): Promise<void> {
        if (!this.server.listening) return Promise.resolve();
        return new Promise((resolve) => {
            this.server.close(() => resolve());
            for (const socket of this.sockets) socket.destroy();
        });
    }

    get gate(): Gate {
        if (!this.gateInstance) throw new Error('simulator: not listening yet');
        return this.gateInstance;
    }

    stats(): SimStats {
        const gate = diffStats(this.gate.stats(), this.gateBaseline);
        const tables: Record<string, TableStats> = {};
        let rowsRead = 0;
        let rowsWritten = 0;
        for (const [name, ts] of this.service.store.tables) {
            tables[name] = { rows: ts.size, rowsRead: ts.rowsRead, rowsWritten: ts.rowsWritten, queries: ts.queries };
            rowsRead += ts.rowsRead;
            rowsWritten += ts.rowsWritten;
        }
        return {
            requests: this.requests,
            methods: { ...this.methods },
            statuses: { ...this.statuses },
            rowsRead,
            rowsWritten,
            tables,
            throttled: gate.throttled,
            faults: gate.faults,
            gate,
            keepAliveCuts: this.keepAlive?.cut ?? 0,
        };
    }

    resetStats(): void {
        this.requests = 0;
        this.methods = {};
        this.statuses = {};
        this.gateBaseline = this.gate.stats();
        if (this.keepAlive) this.keepAlive.cut = 0;
        for (const ts of this.service.store.tables.values()) {
            ts.rowsRead = 0;
            ts.rowsWritten = 0;
            ts.queries = 0;
        }
    }

    /** Every stored row of a table, in primary-key order, as stored (lookups as {id, table}). */
    dump(table: string): SimRow[] {
        const ts = this.service.store.tables.get(table);
        if (!ts) throw new Error(`dump: unknown table '${table}'`);
        return [...ts.scan()].map((row) => ({ ...row }));
    }

    private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
        try {
            const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
            if (url.pathname.startsWith('/_sim/')) {
                const body = await readBody(req);
                if (url.pathname === '/_sim/outage' && req.method === 'POST') {
                    await this.outageEndpoint(res, body);
                    return;
                }
                send(res, this.simEndpoint(req.method ?? 'GET', url, body));
                return;
            }
            await this.webApi(req, res, url);
        } catch (err) {
            if (!res.headersSent) send(res, errorResponse(err));
            else res.destroy();
        }
    }

    private async webApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
        this.requests++;
        const method = req.method ?? 'GET';
        this.methods[method] = (this.methods[method] ?? 0) + 1;
        // The front end refuses an over-long URL before authentication, limits or the Web API see it.
        const refused = directUrlRefusal(url.origin, req.url ?? '/');
        if (refused) {
            await readBody(req);
            this.sendCounted(res, refused);
            return;
        }
        const entered = this.gate.enter(req);
        if (!entered.ok) {
            await readBody(req); // drain the request before answering, so the client sees the response
            await sleep(entered.delayMs);
            this.sendCounted(res, errorResponse(entered.error));
            return;
        }
        let response: SimResponse;
        const work = { rowsRead: 0, rowsWritten: 0 };
        try {
            const bytes = await readBytes(req);
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(req.headers)) {
                if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            // A file upload's bytes are never decoded into a string.
            const binary = (headers['content-type'] ?? '').startsWith('application/octet-stream');
            const body = binary ? '' : bytes.toString('utf8');
            const simReq: SimRequest = { method: req.method ?? 'GET', url, headers, body, bytes };
            const caller = this.service.callerFor(entered.ctx.user);
            const databaseFault = (write: WriteFootprint) => this.gate.write(entered.ctx, write);
            const handle = () => this.service.handle(simReq, { caller, work, databaseFault });
            // A long transaction is stamped when it arrives and applied (made visible) when the test commits it.
            const held = this.longTransactions.take(simReq.method, this.service.clock.now());
            if (held) await held.committed;
            response = held ? this.service.clock.as(held.startedAt, handle) : handle();
        } catch (err) {
            response = errorResponse(err);
        }
        const exit = this.gate.leave(entered.ctx, { ...work, status: response.status });
        if (exit.kind === 'reset') {
            this.count(0);
            const bytes = response.bytes ?? Buffer.from(response.body ?? '');
            res.writeHead(response.status, { ...response.headers, 'Content-Length': String(bytes.length) });
            res.write(bytes.subarray(0, Math.min(exit.afterBytes, Math.max(0, bytes.length - 1))), () => {
                res.destroy();
            });
            return;
        }
        await sleep(exit.delayMs);
        if (exit.kind === 'error') {
            this.sendCounted(res, errorResponse(exit.error));
            return;
        }
        this.sendCounted(res, { ...response, headers: { ...response.headers, ...exit.headers } });
    }

    private simEndpoint(method: string, url: URL, body: string): SimResponse {
        const path = url.pathname;
        if (path === '/_sim/stats' && method === 'GET') return jsonResponse(200, this.stats());
        if (path === '/_sim/advance-clock' && method === 'POST') return this.advanceClock(body);
        const metadata = this.metadataEndpoints.handle(method, path, body);
        if (metadata) return metadata;
        if (path === '/_sim/reset-stats' && method === 'POST') {
            this.resetStats();
            return { status: 204, headers: {} };
        }
        if (path === '/_sim/dump' && method === 'GET') {
            const table = url.searchParams.get('table');
            if (!table || !this.service.store.tables.has(table)) {
                return jsonResponse(400, {
                    error: { code: 'sim', message: `dump: unknown or missing table '${table ?? ''}'` },
                });
            }
            return jsonResponse(200, { table, rows: this.dump(table) });
        }
        return jsonResponse(404, { error: { code: 'sim', message: `unknown simulator endpoint ${method} ${path}` } });
    }

    /**
     * `POST /_sim/outage`: begins an outage (`{"mode", "seconds"?, "retryAfterSeconds"?}`) or ends one
     * (`{"end": true}`). Answered before a `refuse` outage closes the port.
     */
    private async outageEndpoint(res: ServerResponse, body: string): Promise<void> {
        const parsed = outageRequestSchema.safeParse(safeJson(body));
        if (!parsed.success) {
            send(
                res,
                jsonResponse(400, {
                    error: {
                        code: 'sim',
                        message:
                            'outage: the body must be {"mode":"refuse"|"unavailable","seconds"?:n,"retryAfterSeconds"?:n} or {"end":true}',
                    },
                }),
            );
            return;
        }
        const request = parsed.data;
        if ('end' in request) {
            await this.outages.end();
            send(res, { status: 204, headers: {} });
            return;
        }
        if (this.outages.current) {
            send(
                res,
                jsonResponse(409, {
                    error: { code: 'sim', message: `an outage (${this.outages.current}) is in progress` },
                }),
            );
            return;
        }
        const { mode, ...options } = request;
        // The answer goes out before a refuse outage cuts this connection too.
        await new Promise<void>((resolve) => {
            res.once('finish', resolve);
            send(res, { status: 202, headers: { Connection: 'close' } });
        });
        await this.outages.begin(mode, options);
    }

    /** `POST /_sim/advance-clock` with `{ "ms": n }` (or `{ "days": n }`): moves the environment's now forward. */
    private advanceClock(body: string): SimResponse {
        const parsed = advanceClockBody.safeParse(safeJson(body));
        if (!parsed.success) {
            return jsonResponse(400, {
                error: {
                    code: 'sim',
                    message: 'advance-clock: the body must be {"ms": <non-negative number>} or {"days": <n>}',
                },
            });
        }
        const ms = parsed.data.ms ?? (parsed.data.days ?? 0) * 86_400_000;
        this.service.clock.advance(ms);
        return jsonResponse(200, { now: this.service.clock.now().toISOString() });
    }

    private sendCounted(res: ServerResponse, response: SimResponse): void {
        this.count(response.status);
        send(res, response);
    }

    private count(status: number): void {
        const key = status === 0 ? 'reset' : String(status);
        this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    }
}

const advanceClockBody = z
    .strictObject({ ms: z.number().nonnegative().optional(), days: z.number().nonnegative().optional() })
    .refine((b) => (b.ms === undefined) !== (b.days === undefined));

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

function send(res: ServerResponse, response: SimResponse): void {
    const body = response.bytes ?? (response.body === undefined ? undefined : Buffer.from(response.body));
    const headers: SimHeaders = { ...response.headers };
    headers['Content-Length'] = String(body?.length ?? 0);
    res.writeHead(response.status, headers);
    res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
    return readBytes(req).then((b) => b.toString('utf8'));
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
        req.on('error', reject);
    });
}

function sleep(ms: number): Promise<void> {
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Gate stats minus a baseline, number by number (for reset-stats; the gate keeps running totals). */
function diffStats<T>(now: T, base: T | undefined): T {
    if (base === undefined) return now;
    if (typeof now === 'number') return (now - (base as number)) as T;
    if (now && typeof now === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(now)) out[k] = diffStats(v, (base as Record<string, unknown>)[k]);
        return out as T;
    }
    return now;
}
