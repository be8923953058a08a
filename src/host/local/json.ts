/**
 * Everything that crosses the host (orchestration inputs and outputs, activity inputs and results, events,
 * custom status) goes through JSON as it does in Azure, so a Date arrives as a string and a value JSON cannot
 * represent is an error here rather than a surprise after deployment.
 */

/** JSON.stringify that fails, naming `what`, instead of returning undefined or losing the value. */
export function toJsonText(value: unknown, what: string): string {
    let text: string | undefined;
    try {
        text = JSON.stringify(value);
    } catch (error) {
        throw new TypeError(`${what} is not JSON-serialisable: ${errorMessage(error)}`);
    }
    if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable (it is a ${typeof value})`);
    return text;
}

/** Undefined stays undefined (no payload), as an absent input does in Durable Functions. */
export function toOptionalJsonText(value: unknown, what: string): string | undefined {
    return value === undefined ? undefined : toJsonText(value, what);
}

export function fromOptionalJsonText(text: string | undefined): unknown {
    return text === undefined ? undefined : JSON.parse(text);
}

export function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** Reason and Details of a failure as the SDK needs them (both strings). */
export function failureParts(error: unknown): { message: string; details: string } {
    if (error instanceof Error) return { message: error.message, details: error.stack ?? error.message };
    const message = typeof error === 'string' ? error : safeText(error);
    return { message, details: message };
}

function safeText(value: unknown): string {
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}
