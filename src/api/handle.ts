/**
 * Runs one API handler: whatever it throws becomes an error response (redacted), never an unhandled rejection; what
 * the client does not see goes to the deps' log. Before it, on every host: a state-changing request from another
 * origin is refused, POST and PUT take JSON only, and the caller's app roles must cover the route.
 */
import { silentLog } from '../util/log.js';
import { authorizeRoute } from './access/caller.js';
import { checkJsonBody, checkOrigin } from './access/request-checks.js';
import { errorResponse } from './errors.js';
import type { ApiRoute } from './routes.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

export async function handleApi(route: ApiRoute, request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    try {
        checkOrigin(request);
        authorizeRoute(route, request.caller);
        checkJsonBody(request);
        return await route.handler(request, deps);
    } catch (error) {
        return errorResponse(error, deps.log ?? silentLog);
    }
}
