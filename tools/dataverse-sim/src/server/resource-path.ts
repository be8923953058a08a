/**
 * Splits a Web API resource path (`accounts(<id>)/accountleads_association/$ref`,
 * `EntityDefinitions(LogicalName='account')/Attributes`) into segments with their key predicates.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { isGuid } from '../guid-order.js';

export type KeyLiteral = string | number | boolean | null;

export interface KeyPredicate {
    /** `accounts(<id>)`: one unnamed value; `accounts(accountnumber='A1')`: named values. */
    single?: KeyLiteral;
    named?: Array<[string, KeyLiteral]>;
    /** The literal text between the parentheses, for messages. */
    text: string;
}

export interface PathSegment {
    name: string;
    key?: KeyPredicate;
}

export function parseResourcePath(path: string): PathSegment[] {
    const segments: PathSegment[] = [];
    for (const raw of splitTopLevel(path, '/')) {
        if (raw === '') continue;
        const open = raw.indexOf('(');
        if (open < 0 || !raw.endsWith(')')) {
            segments.push({ name: decodeURIComponent(raw) });
            continue;
        }
        const name = decodeURIComponent(raw.slice(0, open));
        const text = decodeURIComponent(raw.slice(open + 1, -1));
        segments.push({ name, key: parseKeyPredicate(text) });
    }
    return segments;
}

export function parseKeyPredicate(text: string): KeyPredicate {
    const parts = splitTopLevel(text, ',');
    const named: Array<[string, KeyLiteral]> = [];
    for (const part of parts) {
        const eq = indexOfTopLevel(part, '=');
        if (eq < 0) {
            if (parts.length !== 1) throw badKey(text);
            return { single: parseLiteral(part.trim(), text), text };
        }
        named.push([part.slice(0, eq).trim(), parseLiteral(part.slice(eq + 1).trim(), text)]);
    }
    return { named, text };
}

export function parseLiteral(token: string, context: string): KeyLiteral {
    if (token.startsWith("'") && token.endsWith("'") && token.length >= 2) {
        return token.slice(1, -1).replace(/''/g, "'");
    }
    if (isGuid(token)) return token.toLowerCase();
    if (/^[{]?[0-9a-f-]{36}[}]?$/i.test(token) && isGuid(token.replace(/[{}]/g, ''))) {
        return token.replace(/[{}]/g, '').toLowerCase();
    }
    if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    throw badKey(context);
}

function badKey(text: string): SimError {
    return new SimError(400, ErrorCodes.ODataParse, `Bad Request - Error in query syntax. Invalid key '${text}'.`);
}

export function splitTopLevel(text: string, sep: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let quoted = false;
    let current = '';
    for (const ch of text) {
        if (ch === "'") quoted = !quoted;
        else if (!quoted && ch === '(') depth++;
        else if (!quoted && ch === ')') depth--;
        if (ch === sep && depth === 0 && !quoted) {
            out.push(current);
            current = '';
        } else current += ch;
    }
    out.push(current);
    return out;
}

function indexOfTopLevel(text: string, ch: string): number {
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        if (text[i] === "'") quoted = !quoted;
        else if (!quoted && text[i] === ch) return i;
    }
    return -1;
}
