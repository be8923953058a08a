/**
 * The server's transport-neutral request and response: the HTTP listener and `$batch` both turn
 * their input into a SimRequest and write out the SimResponse, so every operation has one code path.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { parseJson, stringifyJson } from '../exact-number.js';

export interface SimRequest {
    method: string;
    /** Absolute URL as the client addressed it (service root + resource path + query). */
    url: URL;
    /** Lower-case header names. */
    headers: Record<string, string>;
    body: string;
    /** The raw body; `body` is empty for `application/octet-stream` (file uploads), which only have bytes. */
    bytes?: Buffer;
}

/** Header values; an array is sent as one header line per value (e.g. one `Preference-Applied` per preference). */
export type SimHeaders = Record<string, string | string[]>;

export interface SimResponse {
    status: number;
    headers: SimHeaders;
    body?: string;
    /** A binary body (file downloads), sent as is instead of `body`. */
    bytes?: Buffer;
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';

export function jsonResponse(status: number, body: unknown, headers: SimHeaders = {}): SimResponse {
    return {
        status,
        headers: { 'OData-Version': '4.0', 'Content-Type': JSON_CONTENT_TYPE, ...headers },
        // Int64 and Decimal values a double cannot hold are written as their exact number literals.
        body: stringifyJson(body),
    };
}

export function emptyResponse(status: number, headers: SimHeaders = {}): SimResponse {
    return { status, headers: { 'OData-Version': '4.0', ...headers } };
}

/** The request body as a JSON object; an empty body is `{}`. */
export function parseJsonBody(req: SimRequest): Record<string, unknown> {
    if (req.body.trim() === '') return {};
    let parsed: unknown;
    try {
        // Number literals a double cannot hold are read exactly (ExactNumber), as the service reads them.
        parsed = parseJson(req.body);
    } catch (err) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new SimError(400, ErrorCodes.ODataParse, 'The request body must be a JSON object.');
    }
    return parsed as Record<string, unknown>;
}
