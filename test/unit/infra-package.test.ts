import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/bicep/cli.js';

/**
 * The deployment package azd zips (scripts/stage-package.sh, the prepackage hook): the compiled app and its
 * production dependencies, nothing of the simulator, tests, benchmarks or dev tooling, and it runs on its own.
 */

const run = promisify(execFile);
let folder: string;
let pkg: string;
let manifest: { dependencies: Record<string, string>; devDependencies: Record<string, string> };

beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'azure-package-'));
    pkg = path.join(folder, 'package');
    const compiled = path.join(folder, 'build');
    // The real build, into a folder of its own (the repository's dist/ may be mid-build in another process).
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', compiled], { cwd: REPO_ROOT }).catch(
        (error: { stdout?: string }) => {
            // Type errors elsewhere still emit JavaScript; the typecheck step reports them.
            if (!error.stdout?.includes('error TS')) throw error;
        },
    );
    await run('bash', ['scripts/stage-package.sh', '--no-build', '--dist', compiled, '--out', pkg], { cwd: REPO_ROOT });
    manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'));
}, 120_000);

afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('the deployment package', () => {
    it('holds the host configuration, the manifest and the compiled app, nothing else at its root', async () => {
        expect((await readdir(pkg)).sort()).toEqual(
            ['.funcignore', 'dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json'].sort(),
        );
        expect(await readFile(path.join(pkg, 'host.json'), 'utf8')).toBe(
            await readFile(path.join(REPO_ROOT, 'host.json'), 'utf8'),
        );
        expect(await readdir(path.join(pkg, 'dist'))).toEqual(['src']);
    });

    it('ships the app as JavaScript without sources, maps, simulator, tests or benchmarks', async () => {
        const files = await filesUnder(path.join(pkg, 'dist'));
        expect(files).toContain(path.join('src', 'settings', 'catalogue.js'));
        expect(files.filter((f) => !f.endsWith('.js'))).toEqual([]);
        expect(files.filter((f) => /^(tools|bench|test)\b/.test(path.relative('src', f)))).toEqual([]);
    });

    it('has every production dependency and no development one', async () => {
        const installed = await readdir(path.join(pkg, 'node_modules'));
        const scoped = await Promise.all(
            installed
                .filter((name) => name.startsWith('@'))
                .map(async (scope) =>
                    (await readdir(path.join(pkg, 'node_modules', scope))).map((n) => `${scope}/${n}`),
                ),
        );
        const names = new Set([...installed.filter((n) => !n.startsWith('@')), ...scoped.flat()]);
        for (const dependency of Object.keys(manifest.dependencies)) expect(names, dependency).toContain(dependency);
        for (const dependency of Object.keys(manifest.devDependencies))
            expect(names, `${dependency} is a dev dependency`).not.toContain(dependency);
        // npm links the simulator workspace into node_modules; it is no dependency of the app.
        expect(names, 'the simulator workspace').not.toContain('dataverse-sim');
    });

    it('runs on its own: the app and the Functions SDKs load from the package alone', async () => {
        // The package sits outside the repository, so nothing can resolve from the repository's node_modules.
        const script = [
            "const settings = await import('./dist/src/settings/index.js');",
            "await import('./dist/src/runlog/index.js');",
            "await import('durable-functions');",
            "await import('@azure/functions');",
            'console.log(Object.keys(settings.SETTINGS).length);',
        ].join('\n');
        const { stdout } = await run('node', ['--input-type=module', '-e', script], { cwd: pkg });
        expect(Number(stdout.trim())).toBeGreaterThan(10);
    }, 60_000);
});
