/** Shared by the local durable host's integration tests: polling for a condition, and child-process fixtures. */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Resolves once `condition` holds; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 5));
    }
}

/**
 * Compiles a child-process fixture (a .ts file under test/fixtures, and what it imports) into
 * node_modules/.cache/<cacheName>; resolves with the path of its .js file.
 */
export async function compileWorker(cacheName: string, fixture: string): Promise<string> {
    const outDir = join(repo, 'node_modules/.cache', cacheName);
    await mkdir(outDir, { recursive: true });
    const tsc = spawnSync(
        process.execPath,
        [
            join(repo, 'node_modules/typescript/bin/tsc'),
            ...['--outDir', outDir, '--rootDir', repo, '--module', 'node16', '--moduleResolution', 'node16'],
            ...['--target', 'es2022', '--skipLibCheck', '--noCheck', '--types', 'node'],
            join(repo, fixture),
        ],
        { encoding: 'utf8' },
    );
    if (tsc.status !== 0) throw new Error(`compiling ${fixture} failed:\n${tsc.stdout}${tsc.stderr}`);
    // node_modules/ ends the package scope lookup, so the compiled ES modules need their own marker.
    await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
    return join(outDir, relative(repo, join(repo, fixture)).replace(/\.ts$/, '.js'));
}
