/**
 * Splits a Web API resource path (`accounts(<id>)/accountleads_association/$ref`,
 * `EntityDefinitions(LogicalName='account')/Attributes`) into segments with their key predicates.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { isGuid } from '../guid-order.js';

export type KeyLiteral = string | number | boolean | null;
/** How a key literal was written: `'text'`, a bare GUID, number, boolean, null, or a bare DateTimeOffset. */
export type LiteralKind = 'string' | 'guid' | 'number' | 'boolean' | 'null' | 'date';

export interface KeyPredicate {
    /** `accounts(<id>)`: one unnamed value; `accounts(accountnumber='A1')`: named values. */
    single?: KeyLiteral;
    named?: Array<[string, KeyLiteral]>;
    /** The kind of each named value, in the same order (a date is held as its ISO text). */
    kinds?: LiteralKind[];
    /** The literal text between the parentheses, for messages. */
    text: string;
}

export interface PathSegment {
    name: string;
    key?: KeyPredicate;
}

export function parseResourcePath(path: string): PathSegment[] {
    const segments: PathSegment[] = [];
    // A raw `/` ends a segment wherever it is, inside a quoted key value too: the service routes on the path's
    // slashes before OData reads the literal, so `accounts(accountnumber='a/b')` is two segments.
    for (const raw of path.split('/')) {
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
    const kinds: LiteralKind[] = [];
    for (const part of parts) {
        const eq = indexOfTopLevel(part, '=');
        if (eq < 0) {
            if (parts.length !== 1) throw badKey(text);
            return { single: parseLiteral(part.trim(), text), text };
        }
        const literal = parseTypedLiteral(part.slice(eq + 1).trim(), text);
        named.push([part.slice(0, eq).trim(), literal.value]);
        kinds.push(literal.kind);
    }
    return { named, kinds, text };
}

/** OData's DateTimeOffset literal (unquoted), e.g. `2020-01-31T12:00:00Z`; a bare date is accepted too. */
const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseTypedLiteral(token: string, context: string): { value: KeyLiteral; kind: LiteralKind } {
    if (token.startsWith("'") && token.endsWith("'") && token.length >= 2) {
        return { value: token.slice(1, -1).replace(/''/g, "'"), kind: 'string' };
    }
    if (isGuid(token)) return { value: token.toLowerCase(), kind: 'guid' };
    if (/^[{]?[0-9a-f-]{36}[}]?$/i.test(token) && isGuid(token.replace(/[{}]/g, ''))) {
        return { value: token.replace(/[{}]/g, '').toLowerCase(), kind: 'guid' };
    }
    if (/^-?\d+(\.\d+)?$/.test(token)) return { value: Number(token), kind: 'number' };
    if (token === 'true' || token === 'false') return { value: token === 'true', kind: 'boolean' };
    if (token === 'null') return { value: null, kind: 'null' };
    if (DATE_LITERAL.test(token) && !Number.isNaN(new Date(token).getTime())) return { value: token, kind: 'date' };
    throw badKey(context);
}

export function parseLiteral(token: string, context: string): KeyLiteral {
    return parseTypedLiteral(token, context).value;
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
