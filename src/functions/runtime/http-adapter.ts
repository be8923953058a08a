/**
 * The Functions side of the HTTP API: an HttpRequest becomes an ApiRequest (the body read under the size limit,
 * from the stream, never more), the API's response becomes an HttpResponseInit. Runs started and errors are logged
 * on the invocation (errors redacted) and errors are answered by the API's error shape. The caller comes from the
 * route's door: App Service authentication's principal on the Entra routes, the function key on the keyed ones.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
    appServicePrincipal,
    errorBody,
    FUNCTION_KEY_CALLER,
    handleApi,
    PayloadTooLargeError,
    type ApiDeps,
    type ApiRequest,
    type ApiResponse,
    type ApiRoute,
    type Caller,
} from '../../api/index.js';
import { readSetting } from '../../settings/index.js';
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

/** How a registration lets callers in: App Service authentication (Entra ID) in front, or a function key. */
export type HttpDoor = 'entra-id' | 'function-key';

export function toApiRequest(request: HttpRequest, caller: Caller): ApiRequest {
    return {
        caller,
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
    door: HttpDoor = 'function-key',
): Promise<HttpResponseInit> {
    // The principal headers are App Service authentication's only while it is on: with it off, anyone could send
    // them, so the Entra routes then let nobody in.
    const caller =
        door === 'function-key'
            ? FUNCTION_KEY_CALLER
            : readSetting(deps.env, 'WEBSITE_AUTH_ENABLED') === true
              ? appServicePrincipal(request.headers)
              : undefined;
    if (caller === undefined)
        return toHttpResponse({
            status: 401,
            headers: { 'WWW-Authenticate': 'Bearer' },
            json: errorBody(
                'unauthorized',
                'sign in with Entra ID (App Service authentication), or call /api/automation/... with a function key',
            ),
        });
    const response = await handleApi(route, toApiRequest(request, caller), {
        ...deps,
        log: invocationLog(context, route.name),
    });
    return toHttpResponse(response);
}
