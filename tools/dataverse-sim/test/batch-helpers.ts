/** Multipart `$batch` bodies and responses for the server tests: building requests, parsing the parts. */
import { expect } from 'vitest';
import type { Client, Reply } from './server-helpers.js';

export const BOUNDARY = 'batch_80dd1615-2a10-428a-bb6f-0e559792721f';
export interface Op {
    method: string;
    url: string;
    body?: unknown;
    contentId?: string;
}

export function opText(op: Op): string {
    const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
    if (op.contentId !== undefined) lines.push(`Content-ID: ${op.contentId}`);
    lines.push('', `${op.method} ${op.url} HTTP/1.1`);
    if (op.body !== undefined) lines.push('Content-Type: application/json; type=entry', '', JSON.stringify(op.body));
    else lines.push('', '');
    return lines.join('\r\n');
}

/** A batch body: each item is one request, or an array of requests that form a change set. */
export function batchBody(items: Array<Op | Op[]>): string {
    const out: string[] = [];
    items.forEach((item, i) => {
        out.push(`--${BOUNDARY}`);
        if (!Array.isArray(item)) {
            out.push(opText(item));
            return;
        }
        const cs = `changeset_${i}`;
        out.push(`Content-Type: multipart/mixed; boundary="${cs}"`, '');
        for (const op of item) out.push(`--${cs}`, opText(op));
        out.push(`--${cs}--`, '');
    });
    out.push(`--${BOUNDARY}--`, '');
    return out.join('\r\n');
}

export interface PartReply {
    statusLine: string;
    status: number;
    contentId?: string;
    headers: Record<string, string>;
    body: string;
    /** The change-set response boundary, for parts inside a change set. */
    changeSet?: string;
}

export function boundaryOf(contentType: string): string {
    const m = /boundary=("?)([^";]+)\1/.exec(contentType);
    if (!m) throw new Error(`no boundary in ${contentType}`);
    return m[2]!;
}

export function parseMultipart(text: string, boundary: string, changeSet?: string): PartReply[] {
    const chunks = text.split(`--${boundary}`);
    expect(chunks[chunks.length - 1]!.startsWith('--')).toBe(true);
    const parts: PartReply[] = [];
    for (const chunk of chunks.slice(1, -1)) {
        const [head = '', ...restParts] = chunk.replace(/^\r\n/, '').split('\r\n\r\n');
        const rest = restParts.join('\r\n\r\n');
        const partHeaders = headersOf(head.split('\r\n'));
        const type = partHeaders['content-type'] ?? '';
        if (type.startsWith('multipart/mixed')) {
            const inner = boundaryOf(type);
            parts.push(...parseMultipart(rest, inner, inner));
            continue;
        }
        expect(type).toBe('application/http');
        expect(partHeaders['content-transfer-encoding']).toBe('binary');
        const [statusAndHeaders = '', ...bodyParts] = rest.split('\r\n\r\n');
        const [statusLine = '', ...headerLines] = statusAndHeaders.split('\r\n');
        const part: PartReply = {
            statusLine,
            status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]),
            headers: headersOf(headerLines),
            body: bodyParts.join('\r\n\r\n').replace(/\r\n$/, ''),
        };
        if (partHeaders['content-id'] !== undefined) part.contentId = partHeaders['content-id'];
        if (changeSet !== undefined) part.changeSet = changeSet;
        parts.push(part);
    }
    return parts;
}

export function headersOf(lines: string[]): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return headers;
}

export async function sendBatch(
    client: Client,
    items: Array<Op | Op[]>,
    prefer?: string,
): Promise<{ reply: Reply; parts: PartReply[] }> {
    const headers: Record<string, string> = { 'Content-Type': `multipart/mixed; boundary="${BOUNDARY}"` };
    if (prefer) headers.Prefer = prefer;
    const reply = await client.post('$batch', batchBody(items), headers);
    const type = reply.headers.get('Content-Type') ?? '';
    expect(type).toMatch(/^multipart\/mixed; boundary=/);
    return { reply, parts: parseMultipart(reply.text, boundaryOf(type)) };
}
