/**
 * API errors: a status, a stable code scripts can branch on, a message for people, and details (the list of
 * problems of a bad request, the URL that is not allowed). Every message and detail leaves through
 * `redactSecrets`, so a token or key that reached an error message never reaches a client.
 */
import { redactSecrets } from '../dataverse/errors.js';
import { SettingError } from '../settings/index.js';
import type { InputProblem } from '../spec/index.js';
import type { Log } from '../util/log.js';
import type { ApiResponse } from './types.js';

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly details: Readonly<Record<string, unknown>> = {},
    ) {
        super(message);
        this.name = 'ApiError';
    }
}

/** The request body exceeded the size limit (413). Thrown by the adapters while they read. */
export class PayloadTooLargeError extends ApiError {
    constructor(limit: number) {
        super(
            413,
            'payload-too-large',
            `the request body is larger than ${limit} bytes (app setting MAX_REQUEST_BODY_BYTES)`,
            {
                limit,
            },
        );
        this.name = 'PayloadTooLargeError';
    }
}

/** 400 with every problem listed. */
export function badRequest(message: string, problems: readonly InputProblem[]): ApiError {
    return new ApiError(400, 'invalid-request', message, { problems });
}

export function notFound(message: string): ApiError {
    return new ApiError(404, 'not-found', message);
}

/** Deeply redacts every string of a JSON value. */
function redactValue(value: unknown): unknown {
    if (typeof value === 'string') return redactSecrets(value);
    if (Array.isArray(value)) return value.map(redactValue);
    if (typeof value === 'object' && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
    return value;
}

export function errorBody(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): unknown {
    return redactValue({ error: code, message, ...details });
}

/** The response for anything a handler threw; `log` receives what the client does not see. */
export function errorResponse(error: unknown, log: Log): ApiResponse {
    if (error instanceof ApiError)
        return { status: error.status, json: errorBody(error.code, error.message, error.details) };
    if (error instanceof SettingError) {
        log('error', redactSecrets(error.message));
        return { status: 500, json: errorBody('configuration', error.message, { setting: error.setting }) };
    }
    const message = error instanceof Error ? error.message : String(error);
    log('error', redactSecrets(error instanceof Error && error.stack ? error.stack : message));
    return { status: 500, json: errorBody('internal', `the request failed: ${message}`) };
}
