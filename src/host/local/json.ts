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

/** The first line of a message: what a failure's reason keeps (the rest travels in its details). */
export function firstLine(message: string): string {
    const end = message.indexOf('\n');
    return end < 0 ? message : message.slice(0, end).trimEnd();
}
