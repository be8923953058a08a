/** The one error type of the run store: a document that cannot be read, written or trusted, named by path. */

export class RunStoreError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = 'RunStoreError';
    }
}

/** The message of an unknown thrown value, for wrapping it into a message of ours. */
export function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
