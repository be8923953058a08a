/**
 * Names of the parts an append log rolls over to on Blob Storage: `events.jsonl`, then
 * `events.0001.jsonl`, `events.0002.jsonl`, … (an append blob takes at most 50,000 appends).
 */

/** The blob name of part `n` of the log at `path` (part 0 is the path itself). */
export function partName(path: string, part: number): string {
    if (part === 0) return path;
    const { stem, extension } = splitExtension(path);
    return `${stem}.${String(part).padStart(4, '0')}${extension}`;
}

/** The listing prefix under which every part of `path` is (filter the listing with `partNumber`). */
export function partsPrefix(path: string): string {
    return splitExtension(path).stem;
}

/** The part number `name` is of the log at `path`, or undefined when it is no part of it. */
export function partNumber(path: string, name: string): number | undefined {
    if (name === path) return 0;
    const { stem, extension } = splitExtension(path);
    if (!name.startsWith(`${stem}.`) || !name.endsWith(extension)) return undefined;
    const digits = name.slice(stem.length + 1, name.length - extension.length);
    return /^\d{4,}$/.test(digits) && Number(digits) > 0 ? Number(digits) : undefined;
}

/** The log a part name belongs to, when it looks like a part (`x.0001.jsonl` → `x.jsonl`). */
export function partBase(name: string): string | undefined {
    const match = /^(.+)\.\d{4,}((?:\.[^./]*)?)$/.exec(name);
    return match ? `${match[1] ?? ''}${match[2] ?? ''}` : undefined;
}

function splitExtension(path: string): { stem: string; extension: string } {
    const slash = path.lastIndexOf('/');
    const dot = path.lastIndexOf('.');
    return dot > slash + 1 ? { stem: path.slice(0, dot), extension: path.slice(dot) } : { stem: path, extension: '' };
}
