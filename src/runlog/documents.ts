/** How both stores turn documents into text and back, and the messages they give when a document is wrong. */
import { messageOf, RunStoreError } from './errors.js';

/** The text of a JSON document (2-space indented, so a summary reads well in an editor). */
export function jsonText(path: string, value: unknown): string {
    let text: string | undefined; // undefined for undefined, functions and symbols
    try {
        text = JSON.stringify(value, null, 2);
    } catch (error) {
        throw new TypeError(`writeJson ${path}: the value is not JSON (${messageOf(error)})`);
    }
    if (text === undefined) throw new TypeError(`writeJson ${path}: the value is not JSON (${typeof value})`);
    return `${text}\n`;
}

/** Parses a stored document (a BOM some editors add is ignored). */
export function parseJson<T>(text: string, where: string): T {
    try {
        return JSON.parse(text.replace(/^\uFEFF/, '')) as T;
    } catch (error) {
        throw new RunStoreError(`${where} is not valid JSON: ${messageOf(error)}`, { cause: error });
    }
}

/** A CSV document whose first record is not the header this append passes. */
export function headerMismatch(location: string, path: string, found: Buffer): string {
    const firstLine =
        found
            .toString('utf8')
            .replace(/^\uFEFF/, '')
            .split(/\r?\n/)[0] ?? '';
    return `${location}/${path} was created with another header (${JSON.stringify(firstLine)}); appendCsv must pass the same header every time`;
}
