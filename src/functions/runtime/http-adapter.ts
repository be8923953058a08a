/**
 * The Functions side of the HTTP API: an HttpRequest becomes an ApiRequest (the body read under the size limit,
 * from the stream, never more), the API's response becomes an HttpResponseInit. Runs started and errors are logged
 * on the invocation (errors redacted) and errors are answered by the API's error shape.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
    handleApi,
    PayloadTooLargeError,
    type ApiDeps,
    type ApiRequest,
    type ApiResponse,
    type ApiRoute,
} from '../../api/index.js';
import { invocationLog } from './invocation-log.js';

async function readLimited(request: HttpRequest, maxBytes: number): Promise<string> {
    if (request.body === null) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    // The body streams as bytes (the SDK types it as ReadableStream<any>).
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
            await reader.cancel();
            throw new PayloadTooLargeError(maxBytes);
        }
        chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
}

export function toApiRequest(request: HttpRequest): ApiRequest {
    return {
        method: request.method.toUpperCase(),
        url: request.url,
        params: request.params,
        headers: request.headers,
        readBody: (maxBytes) => readLimited(request, maxBytes),
    };
}

export function toHttpResponse(response: ApiResponse): HttpResponseInit {
    const init: HttpResponseInit = {
        status: response.status,
        ...(response.headers ? { headers: response.headers } : {}),
    };
    if ('json' in response) init.jsonBody = response.json;
    else if ('text' in response) init.body = response.text;
    return init;
}

/** One API route as a Functions HTTP handler body. */
export async function handleHttpRequest(
    route: ApiRoute,
    request: HttpRequest,
    context: InvocationContext,
    deps: ApiDeps,
): Promise<HttpResponseInit> {
    const response = await handleApi(route, toApiRequest(request), {
        ...deps,
        log: invocationLog(context, route.name),
    });
    return toHttpResponse(response);
}
