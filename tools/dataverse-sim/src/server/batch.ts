/**
 * `$batch` (multipart/mixed): up to 1000 requests, change sets that commit or roll back together,
 * `Content-ID` references (`$1`) inside a change set, and `Prefer: odata.continue-on-error`. Without
 * that preference processing stops at the first failure and the batch answers with that status.
 */
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ErrorCodes, SimError } from '../errors.js';
import { parsePrefer } from '../odata/prefer.js';
import type { CallContext } from './call-context.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { contentIdUrl } from './references.js';
import { errorResponse } from './route-errors.js';
import type { Store } from './store.js';
import { batchUrlRefusal } from './url-limits.js';

export const MAX_BATCH_REQUESTS = 1000;

/**
 * What `$batch` runs its parts on: the service (DataverseService, which routes `$batch` here), named by shape so
 * this module does not import it back.
 */
export interface BatchService {
    readonly store: Pick<Store, 'transaction'>;
    handle(req: SimRequest, call: CallContext): SimResponse;
}

interface InnerRequest {
    contentId?: string;
    method: string;
    target: string;
    headers: Record<string, string>;
    body: string;
}

type BatchItem = { kind: 'request'; request: InnerRequest } | { kind: 'changeset'; requests: InnerRequest[] };

interface PartResult {
    contentId?: string;
    response: SimResponse;
}

type ResponseItem = { kind: 'single'; result: PartResult } | { kind: 'changeset'; results: PartResult[] };

/** Thrown inside a change set's transaction to roll it back, carrying the failing part. */
class ChangeSetFailure extends Error {
    constructor(readonly result: PartResult) {
        super('change set failed');
    }
}

export function handleBatch(service: BatchService, req: SimRequest, call: CallContext): SimResponse {
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            "The batch request must have a 'Content-Type' of multipart/mixed with a boundary.",
        );
    }
    const items = parseBatch(req.body, boundary);
    const total = items.reduce((n, item) => n + (item.kind === 'request' ? 1 : item.requests.length), 0);
    if (total > MAX_BATCH_REQUESTS) {
        throw new SimError(
            400,
            ErrorCodes.InvalidArgument,
            `The batch contains ${total} requests; the maximum number of requests in a batch is ${MAX_BATCH_REQUESTS}.`,
        );
    }
    const prefs = parsePrefer(req.headers.prefer);
    const out: ResponseItem[] = [];
    let failedStatus: number | undefined;
    for (const item of items) {
        if (item.kind === 'request') {
            const result = runPart(service, req, item.request, call, undefined);
            out.push({ kind: 'single', result });
            if (result.response.status >= 400 && !prefs.continueOnError) {
                failedStatus = result.response.status;
                break;
            }
            continue;
        }
        const contentIds = new Map<string, string>();
        try {
            const results = service.store.transaction(() =>
                item.requests.map((inner) => {
                    const result = runPart(service, req, inner, call, contentIds);
                    if (result.response.status >= 400) throw new ChangeSetFailure(result);
                    return result;
                }),
            );
            out.push({ kind: 'changeset', results });
        } catch (err) {
            if (!(err instanceof ChangeSetFailure)) throw err;
            // A failed change set answers with the failing request alone.
            out.push({ kind: 'single', result: err.result });
            if (!prefs.continueOnError) {
                failedStatus = err.result.response.status;
                break;
            }
        }
    }
    const batchBoundary = `batchresponse_${randomUUID()}`;
    const headers: Record<string, string> = {
        'OData-Version': '4.0',
        'Content-Type': `multipart/mixed; boundary=${batchBoundary}`,
    };
    if (prefs.continueOnError) headers['Preference-Applied'] = 'odata.continue-on-error';
    return { status: failedStatus ?? 200, headers, body: renderBatch(batchBoundary, out) };
}

function runPart(
    service: BatchService,
    outer: SimRequest,
    inner: InnerRequest,
    call: CallContext,
    contentIds: Map<string, string> | undefined,
): PartResult {
    const result = (response: SimResponse): PartResult => ({ contentId: inner.contentId, response });
    if (contentIds && inner.method === 'GET') {
        return result(
            errorResponse(new SimError(400, ErrorCodes.ODataParse, 'A change set cannot contain a GET request.')),
        );
    }
    let url: URL;
    try {
        url = innerUrl(outer.url, inner.target, contentIds);
    } catch (err) {
        return result(errorResponse(err));
    }
    const refused = batchUrlRefusal(url.href);
    if (refused) return result(refused);
    const response = service.handle(
        { method: inner.method, url, headers: inner.headers, body: inner.body },
        { ...call, contentIds, inBatch: true },
    );
    if (contentIds && inner.contentId !== undefined) {
        const entityUrl = response.headers['OData-EntityId'] ?? response.headers.Location;
        if (typeof entityUrl === 'string' && entityUrl) contentIds.set(inner.contentId, entityUrl);
    }
    return result(response);
}

function innerUrl(outer: URL, target: string, contentIds: Map<string, string> | undefined): URL {
    const ref = /^\$([A-Za-z0-9_.-]+)(.*)$/.exec(target);
    if (ref) return new URL(contentIdUrl(contentIds, ref[1]!) + ref[2]!);
    if (/^https?:\/\//i.test(target)) return new URL(target);
    if (target.startsWith('/')) return new URL(target, outer.origin);
    const serviceRoot = outer.href.replace(/\$batch.*$/, '');
    return new URL(target, serviceRoot);
}

// ---- multipart parsing --------------------------------------------------------------------------------------

function boundaryOf(contentType: string | undefined): string | undefined {
    if (!contentType || !/^\s*multipart\/mixed/i.test(contentType)) return undefined;
    const m = /boundary=("([^"]+)"|[^;\s]+)/i.exec(contentType);
    return m ? (m[2] ?? m[1]) : undefined;
}

/** Splits a multipart body into its parts (text between delimiter lines). */
function splitParts(body: string, boundary: string): string[] {
    const lines = body.split(/\r?\n/);
    const parts: string[] = [];
    let current: string[] | undefined;
    for (const line of lines) {
        const trimmed = line.trimEnd();
        if (trimmed === `--${boundary}` || trimmed === `--${boundary}--`) {
            if (current) parts.push(current.join('\r\n'));
            current = trimmed.endsWith('--') && trimmed !== `--${boundary}` ? undefined : [];
            if (!current) break;
            continue;
        }
        current?.push(line);
    }
    return parts;
}

/** Headers up to the first blank line, and the rest. */
function splitHead(text: string): { headers: Record<string, string>; rest: string; firstLine?: string } {
    const lines = text.split('\r\n');
    const headers: Record<string, string> = {};
    let i = 0;
    while (i < lines.length && lines[i]!.trim() === '') i++; // leading blank lines
    for (; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.trim() === '') {
            i++;
            break;
        }
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, rest: lines.slice(i).join('\r\n') };
}

function parseBatch(body: string, boundary: string): BatchItem[] {
    const items: BatchItem[] = [];
    for (const part of splitParts(body, boundary)) {
        const { headers, rest } = splitHead(part);
        const changeSetBoundary = boundaryOf(headers['content-type']);
        if (changeSetBoundary) {
            const requests = splitParts(rest, changeSetBoundary).map((p) => {
                const inner = splitHead(p);
                return parseHttpPart(inner.headers, inner.rest);
            });
            items.push({ kind: 'changeset', requests });
        } else items.push({ kind: 'request', request: parseHttpPart(headers, rest) });
    }
    return items;
}

function parseHttpPart(partHeaders: Record<string, string>, content: string): InnerRequest {
    const lines = content.split('\r\n');
    let i = 0;
    while (i < lines.length && lines[i]!.trim() === '') i++;
    const requestLine = /^([A-Z]+)\s+(\S+)(\s+HTTP\/1\.[01])?\s*$/.exec(lines[i] ?? '');
    if (!requestLine) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            `The batch part has no valid request line: '${lines[i] ?? ''}'.`,
        );
    }
    const { headers, rest } = splitHead(lines.slice(i + 1).join('\r\n'));
    const request: InnerRequest = {
        method: requestLine[1]!,
        target: requestLine[2]!,
        headers,
        body: rest.replace(/(\r\n)+$/, '').trim(),
    };
    const contentId = partHeaders['content-id'];
    if (contentId !== undefined) request.contentId = contentId;
    return request;
}

// ---- rendering ----------------------------------------------------------------------------------------------

function renderPart(result: PartResult): string {
    const { response } = result;
    const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
    if (result.contentId !== undefined) lines.push(`Content-ID: ${result.contentId}`);
    lines.push('', `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd());
    for (const [name, value] of Object.entries(response.headers)) {
        for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
    }
    lines.push('');
    if (response.body !== undefined) lines.push(response.body);
    return lines.join('\r\n');
}

function renderBatch(boundary: string, items: ResponseItem[]): string {
    const out: string[] = [];
    for (const item of items) {
        out.push(`--${boundary}`);
        if (item.kind === 'single') {
            out.push(renderPart(item.result));
            continue;
        }
        const cs = `changesetresponse_${randomUUID()}`;
        out.push(`Content-Type: multipart/mixed; boundary=${cs}`, '');
        for (const result of item.results) out.push(`--${cs}`, renderPart(result));
        out.push(`--${cs}--`);
    }
    out.push(`--${boundary}--`, '');
    return out.join('\r\n');
}
