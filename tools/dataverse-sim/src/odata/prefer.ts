/**
 * The `Prefer` request header (RFC 7240 + OData): preferences are comma separated, may repeat across header lines,
 * and quoted values may themselves contain commas (`odata.include-annotations="a,b"`). Unknown or malformed
 * preferences are ignored, as RFC 7240 asks. The result lists what was applied, for `Preference-Applied`.
 */

export const MAX_PAGE_SIZE = 5000;

export interface Preferences {
    /** odata.maxpagesize, clamped to 1..5000. */
    maxPageSize?: number;
    /** odata.include-annotations patterns ("*", "OData.Community.Display.V1.*", "-name" excludes). */
    includeAnnotations?: string[];
    returnRepresentation: boolean;
    trackChanges: boolean;
    continueOnError: boolean;
    /** Each applied preference as it belongs in a `Preference-Applied` header value. */
    applied: string[];
}

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(text: string, sep: string): string[] {
    const parts: string[] = [];
    let current = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i] as string;
        if (ch === '\\' && quoted && i + 1 < text.length) {
            current += ch + (text[i + 1] as string);
            i++;
            continue;
        }
        if (ch === '"') quoted = !quoted;
        if (ch === sep && !quoted) {
            parts.push(current);
            current = '';
        } else {
            current += ch;
        }
    }
    parts.push(current);
    return parts;
}

function unquote(value: string): string {
    const v = value.trim();
    return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

export function parsePrefer(header: string | readonly string[] | undefined): Preferences {
    const prefs: Preferences = {
        returnRepresentation: false,
        trackChanges: false,
        continueOnError: false,
        applied: [],
    };
    const lines = header === undefined ? [] : typeof header === 'string' ? [header] : header;
    for (const line of lines) {
        for (const item of splitOutsideQuotes(line, ',')) {
            // A preference may carry parameters after ';' (ignored here).
            const [head = ''] = splitOutsideQuotes(item, ';');
            const eq = head.indexOf('=');
            const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
            const value = eq < 0 ? undefined : unquote(head.slice(eq + 1));
            applyPreference(prefs, name, value);
        }
    }
    return prefs;
}

function applyPreference(prefs: Preferences, name: string, value: string | undefined): void {
    switch (name) {
        case 'odata.maxpagesize': {
            if (value === undefined || !/^\d+$/.test(value) || prefs.maxPageSize !== undefined) return;
            const n = Number(value);
            if (n < 1) return;
            prefs.maxPageSize = Math.min(n, MAX_PAGE_SIZE);
            prefs.applied.push(`odata.maxpagesize=${prefs.maxPageSize}`);
            return;
        }
        case 'odata.include-annotations': {
            if (value === undefined || prefs.includeAnnotations !== undefined) return;
            prefs.includeAnnotations = value
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '');
            prefs.applied.push(`odata.include-annotations="${value}"`);
            return;
        }
        case 'return':
            if (value === 'representation' && !prefs.returnRepresentation) {
                prefs.returnRepresentation = true;
                prefs.applied.push('return=representation');
            }
            return;
        case 'odata.track-changes':
            if (!prefs.trackChanges) {
                prefs.trackChanges = true;
                prefs.applied.push('odata.track-changes');
            }
            return;
        case 'odata.continue-on-error':
            if (!prefs.continueOnError) {
                prefs.continueOnError = true;
                prefs.applied.push('odata.continue-on-error');
            }
            return;
    }
}

function matches(pattern: string, name: string): boolean {
    if (pattern === '*') return true;
    if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
    return name === pattern;
}

/**
 * Whether an annotation (e.g. `OData.Community.Display.V1.FormattedValue`) was asked for. Exclusions (`-name`)
 * win over inclusions, as OData specifies.
 */
export function annotationRequested(prefs: Pick<Preferences, 'includeAnnotations'>, annotation: string): boolean {
    const patterns = prefs.includeAnnotations;
    if (!patterns) return false;
    if (patterns.some((p) => p.startsWith('-') && matches(p.slice(1), annotation))) return false;
    return patterns.some((p) => !p.startsWith('-') && matches(p, annotation));
}
