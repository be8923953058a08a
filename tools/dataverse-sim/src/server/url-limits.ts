/**
 * The service's URL limits, enforced before anything else looks at a request (they are the front end's, not the
 * Web API's): "The maximum length of URL accepted by is 32 KB (32,768 characters) ... If you send requests inside the
 * body of a `$batch` request, you can send requests with URLs up to 64 KB (65,536 characters)", and "The maximum length
 * of any individual segment in an odata request cannot be longer than 260 characters ... this can result in 400 Bad
 * Request - Invalid URL" (PD: webapi/compose-http-requests-handle-errors.md "Maximum URL length", "Maximum OData
 * Segment length"; the same doc names `$batch` as the work-around, so the segment limit is the outer request's only).
 * Over-long URLs get the HTML page of the front end's HTTP stack, not a JSON error: a Dataverse 414 captured in
 * microsoft/vscode-copilotstudio#122 reads "Request URL Too Long ... HTTP Error 414. The request URL is too long.";
 * the 400 page is the same stack's "Bad Request - Invalid URL ... HTTP Error 400. The request URL is invalid."
 */
import type { SimResponse } from './http-types.js';

export const MAX_URL_LENGTH = 32_768;
export const MAX_BATCH_URL_LENGTH = 65_536;
export const MAX_SEGMENT_LENGTH = 260;

/** Node's default 16 KB header limit would answer 431 below the service's limit: the listener allows this much. */
export const LISTENER_MAX_HEADER_SIZE = 128 * 1024;

const HTML = 'text/html; charset=us-ascii';

function page(status: number, title: string, heading: string, text: string): SimResponse {
    const body =
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
        `<HTML><HEAD><TITLE>${title}</TITLE>\r\n` +
        '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
        `<BODY><h2>${heading}</h2>\r\n<hr><p>${text}</p>\r\n</BODY></HTML>\r\n`;
    return { status, headers: { 'Content-Type': HTML }, body };
}

export function urlTooLong(): SimResponse {
    return page(414, 'Request URL Too Long', 'Request URL Too Long', 'HTTP Error 414. The request URL is too long.');
}

export function invalidUrl(): SimResponse {
    return page(400, 'Bad Request', 'Bad Request - Invalid URL', 'HTTP Error 400. The request URL is invalid.');
}

/**
 * The front end's answer to a direct request whose URL breaks a limit, else undefined. `origin` is
 * `scheme://host[:port]`, `target` the request target as sent (path and query, still percent-encoded).
 */
export function directUrlRefusal(origin: string, target: string): SimResponse | undefined {
    if (origin.length + target.length > MAX_URL_LENGTH) return urlTooLong();
    const path = target.split('?')[0]!;
    if (path.split('/').some((segment) => segment.length > MAX_SEGMENT_LENGTH)) return invalidUrl();
    return undefined;
}

/** The answer to a `$batch` part whose URL (absolute, as resolved against the service root) is over 64 KB. */
export function batchUrlRefusal(url: string): SimResponse | undefined {
    return url.length > MAX_BATCH_URL_LENGTH ? urlTooLong() : undefined;
}
