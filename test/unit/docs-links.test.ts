/**
 * The repository's documents stand alone: every relative link of every Markdown file resolves to a file of the
 * repository (none into a folder beside the clone, dead in any other), and no document or comment cites the design
 * notes that stayed outside it (their content is in README.md and docs/architecture.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tracked = (...patterns: string[]) =>
    execFileSync('git', ['ls-files', ...patterns], { cwd: ROOT })
        .toString()
        .split('\n')
        .filter(Boolean);

/** The relative targets of a Markdown file's links, anchors left out. */
function relativeLinks(file: string): string[] {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    return [...text.matchAll(/\]\(([^)\s#]+)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
}

describe('documents', () => {
    it.each(tracked('*.md'))('%s links only to files of the repository', (file) => {
        for (const link of relativeLinks(file)) {
            const target = path.resolve(ROOT, path.dirname(file), link);
            expect(target.startsWith(ROOT + path.sep), `${file}: ${link} leaves the repository`).toBe(true);
            expect(existsSync(target), `${file}: ${link} does not exist`).toBe(true);
        }
    });

    it('cite no design notes outside the repository', () => {
        // Spelt in pieces so this file does not cite them itself.
        const citation = new RegExp(['\\bDESIGN\\b', '\\.\\./shared/', 'design ' + 'document'].join('|'));
        const citing = tracked('*.md', '*.ts').filter((file) =>
            citation.test(readFileSync(path.join(ROOT, file), 'utf8')),
        );
        expect(citing).toEqual([]);
    });
});
