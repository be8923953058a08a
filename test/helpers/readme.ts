/** Reads a Markdown file's fenced code blocks and the commands its ```bash blocks show, as a reader would type them. */
import { readFileSync } from 'node:fs';

export interface FencedBlock {
    /** The info string after the opening fence (`bash`, `json`, or '' for output). */
    lang: string;
    /** 1-based line of the opening fence, for messages. */
    line: number;
    lines: string[];
}

export function fencedBlocks(file: string): FencedBlock[] {
    const blocks: FencedBlock[] = [];
    let open: FencedBlock | undefined;
    readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, index) => {
            if (text.startsWith('```')) {
                if (open) blocks.push(open);
                open = open ? undefined : { lang: text.slice(3).trim(), line: index + 1, lines: [] };
            } else if (open) open.lines.push(text);
        });
    return blocks;
}

/** A line without its trailing `# comment` (a `#` after whitespace, outside quotes). */
export function stripComment(line: string): string {
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quote) {
            if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"') quote = c;
        else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
    }
    return line.trimEnd();
}

/** The commands of a bash block: continuation lines joined, comments and blank lines dropped, spaces collapsed. */
export function blockCommands(block: FencedBlock): string[] {
    const commands: string[] = [];
    let pending = '';
    for (const raw of block.lines) {
        const line = stripComment(raw).trim();
        if (line.endsWith('\\')) {
            pending += `${line.slice(0, -1).trim()} `;
            continue;
        }
        const command = collapseSpaces(pending + line);
        pending = '';
        if (command !== '') commands.push(command);
    }
    return commands;
}

/** Runs of spaces outside quotes become one (the README aligns its commands in columns). */
function collapseSpaces(command: string): string {
    let out = '';
    let quote: string | undefined;
    for (const c of command.trim()) {
        if (quote) {
            if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"') quote = c;
        else if (c === ' ' && out.endsWith(' ')) continue;
        out += c;
    }
    return out;
}

/** Splits a command line into words as a shell would for these commands: spaces separate, quotes group. */
export function shellWords(command: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: string | undefined;
    for (const c of command) {
        if (quote) {
            if (c === quote) quote = undefined;
            else word += c;
        } else if (c === "'" || c === '"') {
            quote = c;
            word ??= '';
        } else if (c === ' ') {
            if (word !== undefined) words.push(word);
            word = undefined;
        } else word = (word ?? '') + c;
    }
    if (word !== undefined) words.push(word);
    return words;
}
