/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it is markup this module made
 * (a `SafeHtml`), so an untrusted string (a spec name, a row value, a Dataverse error message) can only ever be text.
 * Escaping covers element content and quoted attribute values alike (& < > " ').
 */

export class SafeHtml {
    constructor(readonly text: string) {}
    toString(): string {
        return this.text;
    }
}

const ENTITIES: Readonly<Record<string, string>> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
};

export function escapeHtml(value: string): string {
    return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A value inside `html`: markup as is, lists joined, nothing for null, undefined and false, text escaped. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
    if (value instanceof SafeHtml) return value.text;
    if (Array.isArray(value)) return value.map(render).join('');
    if (value === null || value === undefined || value === false) return '';
    return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
    let out = strings[0] ?? '';
    values.forEach((value, i) => (out += render(value) + (strings[i + 1] ?? '')));
    return new SafeHtml(out);
}
