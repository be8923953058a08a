/**
 * Whether a text is base64 (Edm.Binary as the Web API carries image content, note and attachment bodies). A loop, not
 * a regular expression: a repeated group over a body of megabytes overflows V8's regexp stack.
 */
export function isBase64(text: string): boolean {
    if (text.length % 4 !== 0) return false;
    let end = text.length;
    if (text.endsWith('==')) end -= 2;
    else if (text.endsWith('=')) end -= 1;
    for (let i = 0; i < end; i++) {
        const c = text.charCodeAt(i);
        const ok =
            (c >= 65 && c <= 90) ||
            (c >= 97 && c <= 122) ||
            (c >= 48 && c <= 57) ||
            c === 43 /* + */ ||
            c === 47; /* / */
        if (!ok) return false;
    }
    return true;
}
