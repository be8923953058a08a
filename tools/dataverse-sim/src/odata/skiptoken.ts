/**
 * `$skiptoken` in Dataverse's own format (see research §1.2):
 *   <cookie pagenumber="2" pagingcookie="<url-encoded inner cookie>" istracking="False" />
 * with the inner FetchXML paging cookie
 *   <cookie page="1"><name last="..." first="..." /><accountid last="{GUID}" first="{GUID}" /></cookie>
 * holding, per sort key (the $orderby columns, then the primary key), the values of the last and first rows of
 * the previous page. GUIDs are upper case in braces; NULL is `lastnull="1"`. Paging resumes strictly after `last`.
 */
import { numberFromLiteral } from '../exact-number.js';
import { ErrorCodes, SimError } from '../errors.js';
import { isGuid } from '../guid-order.js';
import { isLookupType, type SimAttribute } from '../model.js';

export interface SortKeyValue {
    /** Attribute logical name. */
    attribute: string;
    type: SimAttribute['type'];
    last: unknown;
    first: unknown;
}

export interface SkipTokenContent {
    /** The page this token fetches (2 for the first nextLink). */
    pageNumber: number;
    /** One entry per sort key, primary key last. */
    keys: SortKeyValue[];
}

function invalid(reason: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `The $skiptoken value is not valid: ${reason}. Use the @odata.nextLink of the previous page unchanged.`,
    );
}

/** Lower-case-hex percent encoding of everything but [A-Za-z0-9-_.], as the real cookie shows (`%3ccookie%20...`). */
/** Percent-encodes every byte but A-Z a-z 0-9 - _ . with lower-case hex, as the service's tokens show. */
export function cookieEncode(text: string): string {
    let out = '';
    for (const byte of Buffer.from(text, 'utf8')) {
        const ch = String.fromCharCode(byte);
        out += /[A-Za-z0-9\-_.]/.test(ch) ? ch : '%' + byte.toString(16).padStart(2, '0');
    }
    return out;
}

function xmlEscape(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlUnescape(text: string): string {
    return text.replace(/&(lt|gt|quot|apos|amp);/g, (_m, name: string) => {
        const map: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
        return map[name] ?? '';
    });
}

function isGuidLike(type: SimAttribute['type']): boolean {
    return type === 'Uniqueidentifier' || isLookupType(type);
}

function formatValue(type: SimAttribute['type'], value: unknown): string {
    if (isGuidLike(type)) return `{${String(value).toUpperCase()}}`;
    if (typeof value === 'boolean') return value ? '1' : '0';
    return String(value);
}

function parseValue(key: string, type: SimAttribute['type'], text: string): unknown {
    if (isGuidLike(type)) {
        const m = /^\{(.*)\}$/.exec(text);
        if (!m || !isGuid(m[1] as string)) throw invalid(`'${key}' holds '${text}', not a braced GUID`);
        return (m[1] as string).toLowerCase();
    }
    switch (type) {
        case 'Integer':
        case 'BigInt':
        case 'Decimal':
        case 'Double':
        case 'Money':
        case 'Picklist':
        case 'State':
        case 'Status': {
            const n = Number(text);
            if (text.trim() === '' || !Number.isFinite(n)) throw invalid(`'${key}' holds '${text}', not a number`);
            // A paging cookie holds a bigint or decimal key exactly.
            return numberFromLiteral(text.trim());
        }
        case 'Boolean':
            if (text !== '0' && text !== '1') throw invalid(`'${key}' holds '${text}', not 0 or 1`);
            return text === '1';
        case 'DateTime':
            if (Number.isNaN(Date.parse(text))) throw invalid(`'${key}' holds '${text}', not a date`);
            return text;
        default:
            return text;
    }
}

function attr(name: string, value: unknown, type: SimAttribute['type']): string {
    return value === null || value === undefined
        ? ` ${name}null="1"`
        : ` ${name}="${xmlEscape(formatValue(type, value))}"`;
}

export function encodeSkipToken(content: SkipTokenContent): string {
    let inner = `<cookie page="${content.pageNumber - 1}">`;
    for (const k of content.keys) {
        inner += `<${k.attribute}${attr('last', k.last, k.type)}${attr('first', k.first, k.type)} />`;
    }
    inner += '</cookie>';
    return `<cookie pagenumber="${content.pageNumber}" pagingcookie="${cookieEncode(inner)}" istracking="False" />`;
}

const OUTER = /^<cookie pagenumber="(\d{1,9})" pagingcookie="([A-Za-z0-9\-_.%]*)" istracking="(?:True|False)" \/>$/;
const INNER = /^<cookie page="(\d{1,9})">((?:<[A-Za-z0-9_]+(?: [a-z]+="[^"]*")* \/>)*)<\/cookie>$/;
const ELEMENT = /<([A-Za-z0-9_]+)((?: [a-z]+="[^"]*")*) \/>/g;
const ATTRIBUTE = / ([a-z]+)="([^"]*)"/g;

/**
 * Decodes a token against the sort keys of the current query (attribute + type, primary key last). Throws a
 * 400 for anything that is not a token this query could have produced.
 */
export function decodeSkipToken(
    token: string,
    sortKeys: ReadonlyArray<{ attribute: string; type: SimAttribute['type'] }>,
): SkipTokenContent {
    const outer = OUTER.exec(token);
    if (!outer) throw invalid('it is not a paging cookie');
    const pageNumber = Number(outer[1]);
    let innerText: string;
    try {
        innerText = decodeURIComponent(outer[2] as string);
    } catch {
        throw invalid('its pagingcookie is not URL-encoded text');
    }
    const inner = INNER.exec(innerText);
    if (!inner) throw invalid('its pagingcookie is malformed');
    if (Number(inner[1]) + 1 !== pageNumber || pageNumber < 2) throw invalid('its page numbers do not match');
    const elements = [...(inner[2] as string).matchAll(ELEMENT)];
    if (elements.length !== sortKeys.length) {
        throw invalid(`it holds ${elements.length} sort keys but this query orders by ${sortKeys.length}`);
    }
    const keys = sortKeys.map((sk, i): SortKeyValue => {
        const el = elements[i] as RegExpMatchArray;
        if (el[1] !== sk.attribute) throw invalid(`it holds '${el[1]}' where this query orders by '${sk.attribute}'`);
        const attrs = new Map<string, string>();
        for (const a of (el[2] as string).matchAll(ATTRIBUTE)) attrs.set(a[1] as string, xmlUnescape(a[2] as string));
        const read = (which: 'last' | 'first'): unknown => {
            if (attrs.get(`${which}null`) === '1' && !attrs.has(which)) return null;
            const text = attrs.get(which);
            if (text === undefined) throw invalid(`'${sk.attribute}' has no '${which}' value`);
            return parseValue(sk.attribute, sk.type, text);
        };
        return { attribute: sk.attribute, type: sk.type, last: read('last'), first: read('first') };
    });
    const pk = keys[keys.length - 1];
    if (!pk || pk.last === null) throw invalid('it holds no primary key');
    return { pageNumber, keys };
}

/**
 * The nextLink for a page: the request URL with its `$skiptoken` replaced. The token is percent-encoded so that
 * it comes back byte-for-byte through any URL parser.
 */
export function nextLinkWithSkipToken(requestUrl: string, token: string): string {
    const [base, query = ''] = requestUrl.split('?', 2) as [string, string?];
    const kept = query
        .split('&')
        .filter((part) => part !== '' && !/^(\$|%24)skiptoken=/i.test(part))
        .join('&');
    const param = `$skiptoken=${encodeURIComponent(token)}`;
    return `${base}?${kept === '' ? param : `${kept}&${param}`}`;
}
