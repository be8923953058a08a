/**
 * The `Prefer` request header values the Web API honours, and the matching of
 * `odata.include-annotations` patterns (`*`, exact names, `prefix.*` wildcards, `-` exclusions).
 */
export interface Preferences {
    returnRepresentation: boolean;
    maxPageSize: number | undefined;
    includeAnnotations: string[] | undefined;
    trackChanges: boolean;
    continueOnError: boolean;
}

export function parsePrefer(header: string | undefined): Preferences {
    const prefs: Preferences = {
        returnRepresentation: false,
        maxPageSize: undefined,
        includeAnnotations: undefined,
        trackChanges: false,
        continueOnError: false,
    };
    if (!header) return prefs;
    for (const raw of splitOutsideQuotes(header, ',')) {
        const item = raw.trim();
        const eq = item.indexOf('=');
        const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
        const value = eq < 0 ? '' : unquote(item.slice(eq + 1).trim());
        if (name === 'return' && value === 'representation') prefs.returnRepresentation = true;
        else if (name === 'odata.maxpagesize' && /^\d+$/.test(value)) prefs.maxPageSize = Number(value);
        else if (name === 'odata.include-annotations') {
            prefs.includeAnnotations = value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
        } else if (name === 'odata.track-changes') prefs.trackChanges = true;
        else if (name === 'odata.continue-on-error') prefs.continueOnError = true;
    }
    return prefs;
}

/** Whether an annotation (e.g. `OData.Community.Display.V1.FormattedValue`) was asked for. */
export function wantsAnnotation(patterns: string[] | undefined, annotation: string): boolean {
    if (!patterns) return false;
    let included = false;
    for (const pattern of patterns) {
        const exclude = pattern.startsWith('-');
        const p = exclude ? pattern.slice(1) : pattern;
        const matches = p === '*' || p === annotation || (p.endsWith('*') && annotation.startsWith(p.slice(0, -1)));
        if (!matches) continue;
        if (exclude) return false;
        included = true;
    }
    return included;
}

function splitOutsideQuotes(text: string, sep: string): string[] {
    const out: string[] = [];
    let current = '';
    let quoted = false;
    for (const ch of text) {
        if (ch === '"') quoted = !quoted;
        if (ch === sep && !quoted) {
            out.push(current);
            current = '';
        } else current += ch;
    }
    out.push(current);
    return out;
}

function unquote(value: string): string {
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
