/**
 * Tokenizer for OData `$filter` text, modeled on Microsoft.OData.Core's ExpressionLexer (which Dataverse uses):
 * positions are 0-based character offsets into the filter text, and the error messages are ODataLib's.
 */
import { type ExactNumber, numberFromLiteral } from '../exact-number.js';
import { odataError } from './odata-error.js';

export type Token =
    | { t: 'ident'; v: string; pos: number }
    | { t: 'string'; v: string; pos: number }
    /** A literal prefixed by a type name, e.g. `Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'`. */
    | { t: 'typed'; type: string; v: string; pos: number }
    | { t: 'number'; v: number | ExactNumber; pos: number }
    | { t: 'guid'; v: string; pos: number }
    | { t: 'datetime'; v: string; pos: number }
    | { t: 'date'; v: string; pos: number }
    | { t: 'alias'; v: string; pos: number }
    /** A bracketed collection such as `["a","b"]`: its items as text. */
    | { t: 'array'; v: string[]; pos: number }
    | { t: 'punct'; v: '(' | ')' | ',' | '/' | '='; pos: number }
    | { t: 'end'; pos: number };

const GUID_AT = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y;
const DATETIME_AT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})/y;
const DATE_AT = /\d{4}-\d{2}-\d{2}/y;
const NUMBER_AT = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const IDENT_AT = /[A-Za-z_][A-Za-z0-9_.]*/y;
const ALIAS_AT = /@[A-Za-z_][A-Za-z0-9_]*/y;

function isIdentChar(ch: string | undefined): boolean {
    return ch !== undefined && /[A-Za-z0-9_.]/.test(ch);
}

function matchAt(re: RegExp, text: string, pos: number): string | undefined {
    re.lastIndex = pos;
    const m = re.exec(text);
    return m ? m[0] : undefined;
}

/** Reads a single-quoted literal starting at `pos` ('' is an escaped quote). Returns its value and end offset. */
function readQuoted(text: string, pos: number): { value: string; end: number } {
    let value = '';
    let i = pos + 1;
    for (;;) {
        const q = text.indexOf("'", i);
        if (q < 0) throw odataError(`There is an unterminated literal at position ${text.length} in '${text}'.`);
        value += text.slice(i, q);
        if (text[q + 1] === "'") {
            value += "'";
            i = q + 2;
            continue;
        }
        return { value, end: q + 1 };
    }
}

/** Reads `[ item, ... ]` where items are JSON strings, single-quoted OData strings or numbers. */
function readArray(text: string, pos: number): { items: string[]; end: number } {
    const items: string[] = [];
    let i = pos + 1;
    const skipSpace = (): void => {
        while (text[i] === ' ') i++;
    };
    skipSpace();
    if (text[i] === ']') return { items, end: i + 1 };
    for (;;) {
        skipSpace();
        const ch = text[i];
        if (ch === '"') {
            const m = /"(?:[^"\\]|\\.)*"/y;
            m.lastIndex = i;
            const hit = m.exec(text);
            if (!hit) throw odataError(`There is an unterminated literal at position ${text.length} in '${text}'.`);
            items.push(JSON.parse(hit[0]) as string);
            i += hit[0].length;
        } else if (ch === "'") {
            const q = readQuoted(text, i);
            items.push(q.value);
            i = q.end;
        } else {
            const num = matchAt(NUMBER_AT, text, i);
            if (num === undefined) throw odataError(`Syntax error at position ${i} in '${text}'.`);
            items.push(num);
            i += num.length;
        }
        skipSpace();
        if (text[i] === ',') {
            i++;
            continue;
        }
        if (text[i] === ']') return { items, end: i + 1 };
        throw odataError(`Syntax error at position ${i} in '${text}'.`);
    }
}

export function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < text.length) {
        const ch = text[i] as string;
        if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
            i++;
            continue;
        }
        const pos = i;
        if (ch === '(' || ch === ')' || ch === ',' || ch === '/' || ch === '=') {
            tokens.push({ t: 'punct', v: ch, pos });
            i++;
            continue;
        }
        if (ch === "'") {
            const q = readQuoted(text, i);
            tokens.push({ t: 'string', v: q.value, pos });
            i = q.end;
            continue;
        }
        if (ch === '[') {
            const a = readArray(text, i);
            tokens.push({ t: 'array', v: a.items, pos });
            i = a.end;
            continue;
        }
        if (ch === '@') {
            const alias = matchAt(ALIAS_AT, text, i);
            if (alias === undefined) throw odataError(`Syntax error at position ${i} in '${text}'.`);
            tokens.push({ t: 'alias', v: alias, pos });
            i += alias.length;
            continue;
        }
        // Literals that start like identifiers or numbers: try the longest specific forms first.
        const guid = matchAt(GUID_AT, text, i);
        if (guid !== undefined && !isIdentChar(text[i + guid.length])) {
            tokens.push({ t: 'guid', v: guid.toLowerCase(), pos });
            i += guid.length;
            continue;
        }
        const dt = matchAt(DATETIME_AT, text, i);
        if (dt !== undefined && !isIdentChar(text[i + dt.length])) {
            if (Number.isNaN(Date.parse(dt))) throw odataError(`Syntax error at position ${i} in '${text}'.`);
            tokens.push({ t: 'datetime', v: dt, pos });
            i += dt.length;
            continue;
        }
        const date = matchAt(DATE_AT, text, i);
        if (date !== undefined && !isIdentChar(text[i + date.length]) && text[i + date.length] !== '-') {
            if (Number.isNaN(Date.parse(date))) throw odataError(`Syntax error at position ${i} in '${text}'.`);
            tokens.push({ t: 'date', v: date, pos });
            i += date.length;
            continue;
        }
        const num = matchAt(NUMBER_AT, text, i);
        if (num !== undefined) {
            if (isIdentChar(text[i + num.length])) throw odataError(`Syntax error at position ${i} in '${text}'.`);
            // An Int64 or Decimal literal beyond a double's digits stays exact, as the service compares it.
            tokens.push({ t: 'number', v: numberFromLiteral(num), pos });
            i += num.length;
            continue;
        }
        const ident = matchAt(IDENT_AT, text, i);
        if (ident !== undefined) {
            i += ident.length;
            if (text[i] === "'") {
                const q = readQuoted(text, i);
                tokens.push({ t: 'typed', type: ident, v: q.value, pos });
                i = q.end;
            } else {
                tokens.push({ t: 'ident', v: ident, pos });
            }
            continue;
        }
        throw odataError(`Syntax error: character '${ch}' is not valid at position ${i} in '${text}'.`);
    }
    tokens.push({ t: 'end', pos: text.length });
    return tokens;
}
