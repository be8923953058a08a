/**
 * Typed errors of the Dataverse client. Every message goes through `redactSecrets`, so an access
 * token or a bearer header can never reach a log line, even if a server or a library echoes it.
 */
import { STATUS_CODES } from 'node:http';

/**
 * What went wrong, coarsely:
 * - `http`: the service answered with a non-success status that retrying will not fix (400, 403, 404, 412 ...);
 * - `throttled`: 429 until the run's deadline or abort signal ended the wait;
 * - `transient`: 5xx or a broken connection, still failing after the capped retries;
 * - `timeout`: no complete response within the attempt timeout, after the capped retries;
 * - `unreachable`: the host cannot be resolved or refuses connections (or TLS fails): nothing was sent;
 * - `outage`: an environment that had answered refused connections or answered 503 for longer than the outage budget;
 * - `auth`: no token could be obtained, or the service rejected it (401);
 * - `aborted`: the caller's signal or the run's deadline stopped the request;
 * - `protocol`: the response could not be understood (bad JSON, a multipart part missing).
 */
export type DataverseErrorKind =
    'http' | 'throttled' | 'transient' | 'timeout' | 'unreachable' | 'outage' | 'auth' | 'aborted' | 'protocol';

export interface DataverseErrorInit {
    kind: DataverseErrorKind;
    /** HTTP status, 0 when no response arrived. */
    status: number;
    /** Dataverse error code as the Web API sends it: `0x` + 8 hex digits; undefined when none was sent. */
    code?: string;
    message: string;
    /** `x-ms-service-request-id` (or `REQ_ID`) of the failing response, for Microsoft support. */
    requestId?: string;
    method: string;
    /** URL path of the request (no query string, no host). */
    path: string;
    /** How many attempts were made (1 = not retried). */
    attempts?: number;
    cause?: unknown;
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

export class DataverseError extends Error {
    readonly kind: DataverseErrorKind;
    readonly status: number;
    readonly code: string | undefined;
    readonly requestId: string | undefined;
    readonly method: string;
    readonly path: string;
    readonly attempts: number;
    /** The service's own message, without the request context added to `message`. */
    readonly serviceMessage: string;

    constructor(init: DataverseErrorInit) {
        const serviceMessage = redactSecrets(init.message);
        const where = `${init.method} ${init.path}`;
        const status = init.status > 0 ? ` ${init.status}` : '';
        const code = init.code ? ` ${init.code}` : '';
        const request = init.requestId ? ` (request id ${init.requestId})` : '';
        super(`Dataverse${status}${code} on ${where}: ${serviceMessage}${request}`, {
            cause: init.cause === undefined ? undefined : safeCause(init.cause),
        });
        this.name = 'DataverseError';
        this.kind = init.kind;
        this.status = init.status;
        this.code = init.code;
        this.requestId = init.requestId;
        this.method = init.method;
        this.path = init.path;
        this.attempts = init.attempts ?? 1;
        this.serviceMessage = serviceMessage;
    }

    /** Retrying later may succeed: 5xx, broken connections, timeouts, outages, and 429. */
    get isTransient(): boolean {
        return (
            this.kind === 'transient' ||
            this.kind === 'timeout' ||
            this.kind === 'outage' ||
            this.kind === 'throttled' ||
            TRANSIENT_STATUSES.has(this.status) ||
            this.status === 429
        );
    }

    /** A service protection limit (429) was hit. */
    get isThrottle(): boolean {
        return this.status === 429 || this.kind === 'throttled';
    }

    /** The plain, serialisable shape (no cause, no stack): what crosses the Durable activity boundary. */
    toJSON(): DataverseErrorJson {
        return {
            name: 'DataverseError',
            kind: this.kind,
            status: this.status,
            code: this.code,
            message: this.message,
            serviceMessage: this.serviceMessage,
            requestId: this.requestId,
            method: this.method,
            path: this.path,
            attempts: this.attempts,
        };
    }
}

/** `DataverseError.toJSON()`: every field plain data. */
export interface DataverseErrorJson {
    name: 'DataverseError';
    kind: DataverseErrorKind;
    status: number;
    code: string | undefined;
    message: string;
    serviceMessage: string;
    requestId: string | undefined;
    method: string;
    path: string;
    attempts: number;
}

/** Any other error as plain data: its name, its (redacted) message and its system code when it has one. */
export interface PlainErrorJson {
    name: string;
    message: string;
    code?: string;
}

export type ErrorJson = DataverseErrorJson | PlainErrorJson;

/**
 * A 200 answer whose JSON does not have the shape the documentation gives (`what` names the answer, e.g.
 * "count response"): a protocol error listing zod's issues, never a row-level failure.
 */
export function unexpectedResponse(
    path: string,
    issues: readonly { path: PropertyKey[]; message: string }[],
    what = 'response',
): DataverseError {
    return new DataverseError({
        kind: 'protocol',
        status: 200,
        method: 'GET',
        path,
        message: `unexpected ${what}: ${issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ')}`,
    });
}

/**
 * A DataverseError, also one from another copy of this module (a second bundle, a worker): checked by name as
 * core-rest-pipeline's `isRestError` does, since `instanceof` fails across module copies.
 */
export function isDataverseError(value: unknown): value is DataverseError {
    return value instanceof DataverseError || (value instanceof Error && value.name === 'DataverseError');
}

/**
 * Any thrown value as plain JSON. An activity returns this instead of throwing when the orchestrator must act on
 * the failure, because a thrown error reaches the orchestrator only as a message string.
 */
export function errorToJson(error: unknown): ErrorJson {
    if (error instanceof DataverseError) return error.toJSON();
    if (error instanceof Error) {
        const code = systemCode(error);
        return { name: error.name, message: redactSecrets(error.message), ...(code ? { code } : {}) };
    }
    return { name: 'Error', message: redactSecrets(typeof error === 'string' ? error : (JSON.stringify(error) ?? '')) };
}

/** One line for logs and CLI output: the message, then each cause's message, redacted. */
export function describeError(error: unknown): string {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSE_DEPTH; depth++) {
        const json = errorToJson(current);
        // A DataverseError's message already starts with "Dataverse"; a plain Error's name says nothing.
        const text =
            json.name === 'DataverseError' || json.name === 'Error' ? json.message : `${json.name}: ${json.message}`;
        if (!parts.includes(text)) parts.push(text);
        current = current instanceof Error ? current.cause : undefined;
    }
    return parts.join('; caused by: ');
}

const MAX_CAUSE_DEPTH = 5;

/**
 * The cause as it is kept on a DataverseError: our own errors as they are; any other error as a copy with the same
 * name, code and chain whose message and stack went through `redactSecrets`, since identity libraries and HTTP
 * clients put assertions, URLs with signatures, or request headers into their errors.
 */
function safeCause(cause: unknown, depth = 0): unknown {
    if (cause instanceof DataverseError) return cause;
    if (!(cause instanceof Error)) return typeof cause === 'string' ? redactSecrets(cause) : cause;
    const next = depth < MAX_CAUSE_DEPTH && cause.cause !== undefined ? safeCause(cause.cause, depth + 1) : undefined;
    const copy = new Error(redactSecrets(cause.message), next === undefined ? undefined : { cause: next });
    copy.name = cause.name;
    if (cause.stack) copy.stack = redactSecrets(cause.stack);
    const code = systemCode(cause);
    if (code) Object.assign(copy, { code });
    return copy;
}

function systemCode(error: Error): string | undefined {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
}

/**
 * ExpiredVersionStamp (0x80044352, -2147204270): "Version stamp associated with the client has expired. Please
 * perform a full sync." (Dataverse web service error codes). The service raises it for a change-tracking token
 * older than Organization.ExpireChangeTrackingInDays (default 7 days) and for a token it can no longer honour.
 */
export const EXPIRED_VERSION_STAMP_CODE = '0x80044352';
const EXPIRED_VERSION_STAMP_MESSAGE = /version stamp associated with the client has expired/i;
/** A 400 about the delta token itself (malformed or unknown to the service). */
const INVALID_DELTA_TOKEN_MESSAGE = /\bdelta ?token\b.*\b(?:not valid|invalid|expired)\b/i;

/**
 * The change-tracking token of a `readChanges` call is expired or unusable: the caller must start over with a full
 * read (no deltaLink). The one place that knows how the service says so.
 */
export function isExpiredDeltaToken(error: unknown): boolean {
    if (!isDataverseError(error)) return false;
    if (typeof error.code === 'string' && error.code.toLowerCase() === EXPIRED_VERSION_STAMP_CODE) return true;
    // A same-named error that is not ours may lack serviceMessage.
    const message = typeof error.serviceMessage === 'string' ? error.serviceMessage : error.message;
    if (EXPIRED_VERSION_STAMP_MESSAGE.test(message)) return true;
    return error.status === 400 && INVALID_DELTA_TOKEN_MESSAGE.test(message);
}

export function isTransientStatus(status: number): boolean {
    return TRANSIENT_STATUSES.has(status);
}

/**
 * Replaces anything that looks like a credential: `Bearer <token>`, JWTs (three base64url parts starting with
 * `eyJ`), and `client_secret=` / `access_token=` / `password=` style parameters.
 */
export function redactSecrets(text: string): string {
    return text
        .replace(/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]')
        .replace(/\b(client_secret|access_token|refresh_token|password|assertion|sig)=([^&\s"']+)/gi, '$1=[redacted]')
        .replace(/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '[redacted token]');
}

/** Parses the Web API error body `{"error":{"code","message"}}`; tolerant of empty or non-JSON bodies. */
export function parseErrorBody(bodyText: string | undefined): { code?: string; message?: string } {
    if (!bodyText) return {};
    try {
        const parsed = JSON.parse(bodyText) as unknown;
        if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
            const error = parsed.error;
            if (typeof error === 'object' && error !== null) {
                const { code, message } = error as { code?: unknown; message?: unknown };
                return {
                    code: typeof code === 'string' && code !== '' ? code : undefined,
                    message: typeof message === 'string' && message !== '' ? message : undefined,
                };
            }
        }
        return {};
    } catch {
        // Not JSON (a proxy's HTML page, a truncated body): keep a short excerpt as the message.
        return { message: bodyText.slice(0, 300) };
    }
}

/** Standard reason phrase, for messages when the service sends no body (401 has none). */
export function reasonPhrase(status: number): string {
    return STATUS_CODES[status] ?? `HTTP ${status}`;
}
