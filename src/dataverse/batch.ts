/**
 * OData `$batch` bodies (research §3.1): building a multipart/mixed request of independent parts
 * (no change sets: each part succeeds or fails alone, with `Prefer: odata.continue-on-error`) and
 * parsing the multipart response, change-set responses included, into one result per part in order.
 */
import { randomUUID } from 'node:crypto';
import type { BatchRequest, BatchResponse } from './client-types.js';
import { apiPath } from './http.js';
import { parseJson, stringifyJson } from './json-exact.js';

/** The service accepts at most 1000 requests in one batch. */
export const MAX_BATCH_PARTS = 1000;

/** A part's path is relative to the API base (`accounts(<id>)`) or absolute from /api/data/. */
export type BatchPart = BatchRequest;
/** Header names lower-cased; `body` is the parsed JSON body when the body is JSON. */
export type BatchPartResponse = BatchResponse;

const CRLF = '\r\n';

export function newBatchBoundary(): string {
    return `batch_${randomUUID()}`;
}

/** The multipart/mixed request body for `parts`, delimited by `boundary`. */
export function buildBatchBody(parts: readonly BatchPart[], boundary: string): string {
    if (parts.length > MAX_BATCH_PARTS) {
        throw new RangeError(`a batch holds at most ${MAX_BATCH_PARTS} requests, got ${parts.length}`);
    }
    const lines: string[] = [];
    for (const part of parts) {
        lines.push(`--${boundary}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '');
        lines.push(`${part.method} ${apiPath(part.path)} HTTP/1.1`);
        const headers: Record<string, string> = { ...part.headers };
        if (part.body !== undefined) headers['Content-Type'] ??= 'application/json; type=entry';
        for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
        lines.push('');
        lines.push(part.body === undefined ? '' : stringifyJson(part.body));
    }
    lines.push(`--${boundary}--`, '');
    return lines.join(CRLF);
}

/** The multipart boundary of a Content-Type header value (quoted or not). */
export function boundaryOf(contentType: string | undefined): string | undefined {
    const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
    return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Parses a `$batch` response body into one entry per inner response, in order (change-set responses
 * are flattened in place). Throws when the body has no parts.
 */
export function parseBatchResponse(contentType: string | undefined, bodyText: string): BatchPartResponse[] {
    const boundary = boundaryOf(contentType) ?? sniffBoundary(bodyText);
    if (!boundary) throw new Error('the $batch response has no multipart boundary');
    const results: BatchPartResponse[] = [];
    for (const part of splitMultipart(bodyText, boundary)) {
        const { headers, body } = splitHeaders(part);
        const partType = headers['content-type'] ?? '';
        if (/^multipart\/mixed/i.test(partType)) {
            results.push(...parseBatchResponse(partType, body));
        } else {
            results.push(parseHttpResponse(body));
        }
    }
    return results;
}

function sniffBoundary(bodyText: string): string | undefined {
    const match = /^--([^\r\n]+)\r?\n/.exec(bodyText.trimStart());
    return match?.[1];
}

/** The raw parts between `--boundary` delimiters, up to the closing `--boundary--`. */
function splitMultipart(bodyText: string, boundary: string): string[] {
    const delimiter = `--${boundary}`;
    const pieces = bodyText.split(delimiter);
    const parts: string[] = [];
    // pieces[0] is the preamble; a piece starting with `--` follows the closing delimiter.
    for (const piece of pieces.slice(1)) {
        if (piece.startsWith('--')) break;
        parts.push(piece.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
    }
    return parts;
}

function splitHeaders(text: string): { headers: Record<string, string>; body: string } {
    const match = /\r?\n\r?\n/.exec(text);
    const headerText = match ? text.slice(0, match.index) : text;
    const body = match ? text.slice(match.index + match[0].length) : '';
    const headers: Record<string, string> = {};
    for (const line of headerText.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, body };
}

/** `HTTP/1.1 204 No Content` + headers + body. */
function parseHttpResponse(text: string): BatchPartResponse {
    const trimmed = text.replace(/^(\r?\n)+/, '');
    const newline = trimmed.search(/\r?\n/);
    const statusLine = newline >= 0 ? trimmed.slice(0, newline) : trimmed;
    const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
    if (!match) throw new Error(`a $batch response part has no status line: ${statusLine.slice(0, 80)}`);
    const rest = newline >= 0 ? trimmed.slice(newline).replace(/^\r?\n/, '') : '';
    // A part with no headers and no body leaves only the blank line.
    const { headers, body } =
        rest.startsWith('\r\n') || rest.startsWith('\n')
            ? { headers: {}, body: rest.replace(/^\r?\n/, '') }
            : splitHeaders(rest);
    const bodyText = body.trim();
    let parsed: unknown;
    if (bodyText.startsWith('{') || bodyText.startsWith('[')) {
        try {
            parsed = parseJson(bodyText);
        } catch {
            parsed = undefined;
        }
    }
    return { status: Number(match[1]), headers, bodyText, ...(parsed !== undefined ? { body: parsed } : {}) };
}
