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

export interface SimResponse {
    status: number;
    headers: Record<string, string>;
    body?: string;
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
    return {
        status,
        headers: { 'OData-Version': '4.0', 'Content-Type': JSON_CONTENT_TYPE, ...headers },
        body: JSON.stringify(body),
    };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SimResponse {
    return { status, headers: { 'OData-Version': '4.0', ...headers } };
}

/** Status texts as the service writes them on `HTTP/1.1` lines of `$batch` parts. */
export const STATUS_TEXT: Record<number, string> = {
    200: 'OK',
    201: 'Created',
    204: 'No Content',
    304: 'Not Modified',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    412: 'Precondition Failed',
    413: 'Payload Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    503: 'Service Unavailable',
};
