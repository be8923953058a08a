/**
 * The server's transport-neutral request and response: the HTTP listener and `$batch` both turn
 * their input into a SimRequest and write out the SimResponse, so every operation has one code path.
 */
export interface SimRequest {
    method: string;
    /** Absolute URL as the client addressed it (service root + resource path + query). */
    url: URL;
    /** Lower-case header names. */
    headers: Record<string, string>;
    body: string;
}

/** Header values; an array is sent as one header line per value (e.g. one `Preference-Applied` per preference). */
export type SimHeaders = Record<string, string | string[]>;

export interface SimResponse {
    status: number;
    headers: SimHeaders;
    body?: string;
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';

export function jsonResponse(status: number, body: unknown, headers: SimHeaders = {}): SimResponse {
    return {
        status,
        headers: { 'OData-Version': '4.0', 'Content-Type': JSON_CONTENT_TYPE, ...headers },
        body: JSON.stringify(body),
    };
}

export function emptyResponse(status: number, headers: SimHeaders = {}): SimResponse {
    return { status, headers: { 'OData-Version': '4.0', ...headers } };
}
