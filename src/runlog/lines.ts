/** Line framing of append logs (events.jsonl): one `\n` after every line, so appends concatenate cleanly. */

/** The lines of one `appendLines` call, each with its `\n`; a line holding a line break would read back as two. */
export function lineUnits(path: string, lines: readonly string[]): string[] {
    return lines.map((line, index) => {
        if (typeof line !== 'string') throw new TypeError(`appendLines ${path}: line ${index} is not a string`);
        if (/[\r\n]/.test(line)) throw new TypeError(`appendLines ${path}: line ${index} contains a line break`);
        return `${line}\n`;
    });
}

/**
 * The complete lines of a log. A last line without its `\n` is an append still being written (or torn by
 * a crash), so it is left out rather than returned half.
 */
export function splitLines(text: string): string[] {
    const end = text.lastIndexOf('\n');
    return end < 0 ? [] : text.slice(0, end).split('\n');
}
