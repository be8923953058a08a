/** Reading the Blob service's answer out of a thrown RestError: HTTP status and `x-ms-error-code`. */

export interface BlobFailure {
    status?: number;
    code?: string;
}

export function blobFailure(error: unknown): BlobFailure {
    if (typeof error !== 'object' || error === null) return {};
    const { statusCode, code, details } = error as {
        statusCode?: unknown;
        code?: unknown;
        details?: { errorCode?: unknown };
    };
    const errorCode = details?.errorCode ?? code;
    return {
        status: typeof statusCode === 'number' ? statusCode : undefined,
        code: typeof errorCode === 'string' ? errorCode : undefined,
    };
}

export const isBlobMissing = (error: unknown): boolean => blobFailure(error).status === 404;

/** `status code` for messages: never the request (its URL may carry a SAS). */
export function describeBlobFailure(error: unknown): string {
    const { status, code } = blobFailure(error);
    if (status === undefined && code === undefined) return error instanceof Error ? error.message : String(error);
    return [status, code].filter((part) => part !== undefined).join(' ');
}

/** The container's URL without its query, which would hold a SAS token. */
export function publicUrl(url: string): string {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`.replace(/\/$/, '');
}
