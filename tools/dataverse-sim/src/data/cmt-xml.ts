/** Shared XML reading for Configuration Migration Tool files (fast-xml-parser, attributes kept as strings). */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const ARRAYS = new Set([
    'entity',
    'field',
    'relationship',
    'record',
    'm2mrelationship',
    'targetid',
    // Party lists: <field name="to"><activitypointerrecords><activitypointerrecord id="..."><field .../>
    'activitypointerrecord',
]);

/** The text without a leading byte-order mark (files saved by Windows tools often start with one). */
export function withoutBom(text: string): string {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Why a text is not well-formed XML, with its line and column; undefined when it is. */
export function xmlProblem(text: string): string | undefined {
    const result = XMLValidator.validate(text);
    if (result === true) return undefined;
    const { line, col, msg } = result.err;
    return `line ${line}, column ${col}: ${msg === 'Start tag expected.' ? 'not an XML file (no start tag)' : msg}`;
}

export function parseCmtXml(text: string): unknown {
    const parser = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        parseAttributeValue: false,
        parseTagValue: false,
        trimValues: true,
        isArray: (tagName) => ARRAYS.has(tagName),
    });
    return parser.parse(text) as unknown;
}

export type XmlNode = Record<string, unknown>;

export function asNode(value: unknown): XmlNode {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : {};
}

export function asNodes(value: unknown): XmlNode[] {
    return Array.isArray(value) ? value.map(asNode) : [];
}

export function attr(node: XmlNode, name: string): string | undefined {
    const v = node[name];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Whether a file's text is a CMT schema (`<entities>` root with `<entity ...><fields>`). */
export function looksLikeCmtSchema(text: string): boolean {
    return (
        /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<entities[\s>]/.test(withoutBom(text)) && /<fields[\s/>]/.test(text)
    );
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * CMT writes string values HTML-encoded inside the XML attribute (so `<` is `&amp;lt;` in the file,
 * `&lt;` after XML decoding, `'` is `&#39;` and `é` is `&#233;`). This undoes that second layer.
 */
export function decodeHtmlEntities(text: string): string {
    if (!text.includes('&')) return text;
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
        if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16));
        if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
        return NAMED[body] ?? whole;
    });
}
