/**
 * Runs one API handler: whatever it throws becomes an error response (redacted), never an unhandled rejection; what
 * the client does not see goes to the deps' log.
 */
import { silentLog } from '../util/log.js';
import { errorResponse } from './errors.js';
import type { ApiRoute } from './routes.js';
import type { ApiDeps, ApiRequest, ApiResponse } from './types.js';

export async function handleApi(route: ApiRoute, request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
    try {
        return await route.handler(request, deps);
    } catch (error) {
        return errorResponse(error, deps.log ?? silentLog);
    }
}
