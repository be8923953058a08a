/**
 * The READMEs run the commands from the clone: every command line of theirs that calls `dataverse-migrate` or
 * `dataverse-sim` goes through `npx --no-install` (or `npm exec --no --`), which runs the clone's build and never
 * fetches a package of that name from the public registry; and that form works here, from any folder of the clone.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const READMES = ['README.md', 'tools/dataverse-sim/README.md'];
const SAFE = /^(?:npx --no-install|npm exec --no --) (?:dataverse-migrate|dataverse-sim)\b/;

/** The lines of a Markdown file's fenced code blocks. */
function codeLines(file: string): string[] {
    const lines: string[] = [];
    let inBlock = false;
    for (const line of readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
        if (line.startsWith('```')) inBlock = !inBlock;
        else if (inBlock) lines.push(line.trim());
    }
    return lines;
}

describe('README commands', () => {
    it.each(READMES)('%s runs dataverse-migrate and dataverse-sim only through npx --no-install', (file) => {
        const commands = codeLines(file).filter((l) => /^(?:npx|npm exec|dataverse-migrate|dataverse-sim)\b/.test(l));
        expect(commands.length).toBeGreaterThan(0);
        for (const command of commands) expect(command, `${file}: ${command}`).toMatch(SAFE);
    });

    // One call, from a folder below the clone's root: npm finds the clone by walking up, so the root is the trivial
    // case of it; and npx is `npm exec` with --no-install read as --no ("The --no-install option is deprecated, and
    // will be converted to --no", npm's bin/npx-cli.js), so the two forms the README names run the same code.
    // Each call costs npm's start and a read of node_modules (seconds on a busy machine), hence one.
    it('npx --no-install dataverse-migrate --help in src/cli lists the commands', { timeout: 60_000 }, async () => {
        expect(existsSync(path.join(ROOT, 'dist/src/cli/main.js')), 'run `npm run build` first (npm test does)').toBe(
            true,
        );
        const { stdout } = await promisify(execFile)('npx', ['--no-install', 'dataverse-migrate', '--help'], {
            cwd: path.join(ROOT, 'src/cli'),
        });
        expect(stdout).toContain('Usage: dataverse-migrate');
        for (const name of ['plan', 'run', 'verify', 'runs', 'log', 'serve'])
            expect(stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    });
});
