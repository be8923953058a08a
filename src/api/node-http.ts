/**
 * The HTTP API on node:http, for `dataverse-migrate serve`: the same route table and handlers as the Functions
 * app, on loopback only, to its own user only: every request passes serve's gate first (Host, token:
 * access/serve-gate.ts); the dashboard's pages at the root. Bodies are read under the size limit and refused (413) as soon as they pass it. Every
 * request is logged once it is answered: method, path (never the query, which may hold the token), status and
 * time taken.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, PayloadTooLargeError } from './errors.js';
import { handleApi } from './handle.js';
import { pageRoutes, SERVE_PAGES } from './pages.js';
import { matchRoute } from './router.js';
import { silentLog, type Log } from '../util/log.js';
import type { Caller } from './access/caller.js';
import { serveGate, type ServeAccess } from './access/serve-gate.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

export interface ApiServer {
    /** `http://127.0.0.1:PORT` */
    readonly url: string;
    close(): Promise<void>;
}

export interface ApiServerOptions {
    /** 0 picks a free port. */
    port: number;
    /** The token every request must carry, and whose it is. */
    access: ServeAccess;
    /** Receives one line per request and the failures the client sees only as a 500 (default: the deps' log). */
    log?: Log;
}

/** Client errors are worth a look, server errors more. */
const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');

const HOST = '127.0.0.1';

/** The dashboard's pages, at the root (everything outside /api/). */
const PAGES = pageRoutes(SERVE_PAGES);

function readLimited(message: IncomingMessage, maxBytes: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
            size += chunk.byteLength;
            if (size > maxBytes) {
                message.off('data', onData);
                message.pause();
                reject(new PayloadTooLargeError(maxBytes));
                return;
            }
            chunks.push(chunk);
        };
        message.on('data', onData);
        message.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        message.once('error', reject);
    });
}

function apiRequest(
    message: IncomingMessage,
    params: Record<string, string>,
    origin: string,
    caller: Caller,
): ApiRequest {
    return {
        caller,
        method: (message.method ?? 'GET').toUpperCase(),
        url: new URL(message.url ?? '/', origin).href,
        params,
        headers: headersOf(message),
        readBody: (maxBytes) => readLimited(message, maxBytes),
    };
}

function headersOf(message: IncomingMessage): ApiRequest['headers'] {
    return {
        get(name) {
            const value = message.headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
    };
}

function send(res: ServerResponse, response: ApiResponse): void {
    const headers: Record<string, string> = { ...response.headers };
    let body = '';
    if ('json' in response) {
        headers['Content-Type'] ??= 'application/json; charset=utf-8';
        body = `${JSON.stringify(response.json, null, 2)}\n`;
    } else if ('text' in response) body = response.text;
    // A body refused half-read leaves the rest unread: close the connection instead of reusing it.
    if (response.status === 413) headers.Connection = 'close';
    res.writeHead(response.status, headers);
    res.end(body);
}

export async function listenApi(deps: ApiDeps, options: ApiServerOptions): Promise<ApiServer> {
    const log = options.log ?? deps.log ?? silentLog;
    const served: ApiDeps = { ...deps, log };
    let origin = `http://${HOST}:${options.port}`;
    let port = options.port;
    const server: Server = createServer((message, res) => {
        const started = performance.now();
        const url = new URL(message.url ?? '/', origin);
        res.once('finish', () => {
            const ms = Math.round(performance.now() - started);
            log(levelOf(res.statusCode), `${message.method ?? 'GET'} ${url.pathname} ${res.statusCode} ${ms} ms`);
        });
        const method = (message.method ?? 'GET').toUpperCase();
        const gate = serveGate(
            { method, target: message.url ?? '/', headers: headersOf(message) },
            options.access,
            port,
        );
        if (gate.kind === 'respond') {
            send(res, gate.response);
            return;
        }
        const match = url.pathname.startsWith('/api/')
            ? matchRoute(method, url.pathname)
            : matchRoute(method, url.pathname, PAGES, '/');
        if (match.kind === 'not-found') {
            send(res, { status: 404, json: errorBody('not-found', `no API operation at ${url.pathname}`) });
            return;
        }
        if (match.kind === 'method-not-allowed') {
            send(res, {
                status: 405,
                headers: { Allow: match.allow.join(', ') },
                json: errorBody('method-not-allowed', `${message.method} is not allowed on ${url.pathname}`),
            });
            return;
        }
        void handleApi(match.route, apiRequest(message, match.params, origin, gate.caller), served).then(
            (response) => send(res, response),
            (error: unknown) => {
                log('error', String(error));
                send(res, { status: 500, json: errorBody('internal', 'the request failed') });
            },
        );
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, HOST, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    origin = `http://${HOST}:${port}`;
    return {
        url: origin,
        close: () =>
            new Promise<void>((resolve, reject) => {
                server.close((error) => (error ? reject(error) : resolve()));
                server.closeAllConnections();
            }),
    };
}
