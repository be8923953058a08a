/**
 * The service's error responses: any failure as the Web API's error body, and the two routing errors the route
 * modules raise. A module of its own so the service, `$batch` and the HTTP listener share them without importing
 * one another.
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { jsonResponse } from './http-types.js';

/** A SimError as its status, body and headers; anything else as a 500 with its message. */
export function errorResponse(err: unknown): SimResponse {
    const error =
        err instanceof SimError
            ? err
            : new SimError(
                  500,
                  ErrorCodes.UnexpectedError,
                  `An unexpected error occurred: ${err instanceof Error ? err.message : String(err)}`,
              );
    return jsonResponse(error.status, error.toBody(), error.headers);
}

export function notFound(req: SimRequest): SimError {
    return new SimError(404, ErrorCodes.ResourceNotFound, `Resource not found for the segment '${req.url.pathname}'.`);
}

export function methodNotAllowed(method: string): SimError {
    return new SimError(
        405,
        ErrorCodes.UnexpectedError,
        `The HTTP method '${method}' is not allowed for this resource.`,
    );
}
