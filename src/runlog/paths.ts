/**
 * Checks the relative paths callers hand a run store, so both stores accept exactly the same names and
 * a path can never reach outside the store's root or collide with the store's own hidden files.
 */

const hasControlCharacter = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');

/** A document path: `/`-separated segments, none empty, none `.`/`..`, none starting with `.`. */
export function checkPath(path: string): string {
    const problem = pathProblem(path);
    if (problem) throw new TypeError(`run store path '${path}' ${problem}`);
    return path;
}

/** A folder prefix for `list`: `''` (everything) or a path ending in `/`. */
export function checkPrefix(prefix: string): string {
    if (prefix === '') return prefix;
    const problem = prefix.endsWith('/') ? pathProblem(prefix.slice(0, -1)) : 'must end with /';
    if (problem) throw new TypeError(`run store prefix '${prefix}' ${problem}`);
    return prefix;
}

function pathProblem(path: string): string | undefined {
    if (path === '') return 'is empty';
    if (path.startsWith('/')) return 'must be relative (no leading /)';
    if (path.includes('\\')) return 'must use / as separator, not \\';
    if (hasControlCharacter(path)) return 'contains a control character';
    for (const part of path.split('/')) {
        if (part === '') return 'has an empty segment';
        // Also covers '.' and '..'; hidden names are the stores' temporary and lock files.
        if (part.startsWith('.')) return `has a segment starting with '.' ('${part}')`;
    }
    return undefined;
}
