/**
 * The `dataverse-sim` CLI as a real process, from its sources (the build is not needed to test): no TypeScript
 * runner is installed, so the test first compiles cli.ts and what it imports (type checking off, that is the
 * typecheck step's job) into node_modules/.cache/ inside the package, where Node still finds its dependencies, then
 * spawns `node` on it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkg, 'node_modules/.cache/cli-test');
const cli = join(outDir, 'src/cli.js');

beforeAll(() => {
    mkdirSync(outDir, { recursive: true });
    const tsc = spawnSync(
        process.execPath,
        [
            createRequire(import.meta.url).resolve('typescript/bin/tsc'),
            ...['--outDir', outDir, '--rootDir', pkg, '--module', 'node16', '--moduleResolution', 'node16'],
            ...['--target', 'es2022', '--skipLibCheck', '--noCheck', '--types', 'node', '--resolveJsonModule'],
            join(pkg, 'src/cli.ts'),
        ],
        { encoding: 'utf8' },
    );
    if (tsc.status !== 0) throw new Error(`compiling the CLI failed:\n${tsc.stdout}${tsc.stderr}`);
    // node_modules/ ends the package scope lookup, so the compiled ES modules need their own marker.
    writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
}, 120_000);

function run(args: string[]) {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
}

describe('dataverse-sim CLI', () => {
    it('prints one listening line, serves the Web API, and stops on SIGTERM', async () => {
        const security = join(outDir, 'security.json');
        writeFileSync(security, JSON.stringify({ identities: [{ caller: 'reader', businessUnit: 'Sales' }] }));
        const p = run([
            ...['--port', '0', '--schema', 'crm', '--rows', '50', '--seed', '3', '--limits', 'none'],
            ...['--security', security],
        ]);
        const deadline = Date.now() + 30_000;
        while (!p.out().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const line = p.out().split('\n')[0]!;
        expect(line).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
        const url = line.slice('listening '.length);
        const who = await fetch(`${url}/api/data/v9.2/WhoAmI`);
        expect(who.status).toBe(200);
        expect(who.headers.get('x-ms-dop-hint')).not.toBeNull();
        const reader = await fetch(`${url}/api/data/v9.2/WhoAmI`, { headers: { Authorization: 'Bearer reader' } });
        const ids = [(await who.json()) as { UserId: string }, (await reader.json()) as { UserId: string }];
        expect(ids[1]!.UserId).not.toBe(ids[0]!.UserId);
        // A configured caller without roles reads nothing.
        const denied = await fetch(`${url}/api/data/v9.2/accounts`, { headers: { Authorization: 'Bearer reader' } });
        expect(denied.status).toBe(403);
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
        expect(p.out()).toBe(`${line}\n`);
    }, 60_000);

    it('loads a CMT export with one warning line per guess on stderr, and --empty --other-tenant targets', async () => {
        const corpus = join(pkg, '../../test/fixtures/cmt-corpus/capgemini-custom-solution/data_schema.xml');
        const p = run(['--schema', corpus, '--rows', '20', '--limits', 'none', '--empty', '--other-tenant']);
        const deadline = Date.now() + 30_000;
        while (!p.out().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const url = p.out().split('\n')[0]!.slice('listening '.length);
        const users = await fetch(`${url}/api/data/v9.2/systemusers?$select=azureactivedirectoryobjectid`);
        expect(users.status).toBe(200);
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
        const warnings = p
            .err()
            .split('\n')
            .filter((l) => l.startsWith('dataverse-sim: warning: '));
        // The file's `Unknown` ownerid and its four wrong isreflexive attributes: five guesses, one line each.
        expect(warnings).toHaveLength(5);
        expect(warnings[0]).toContain(
            "CMT field type 'Unknown' is not a Dataverse type; modeled as the standard ownerid column",
        );
    }, 60_000);

    it('rejects bad options with one line on stderr and exit code 2', async () => {
        for (const args of [
            ['--rows', 'many'],
            ['--auth', 'maybe'],
            ['--limits', '/no/such/limits.json'],
            ['--plugins', '/no/such/plugins.json'],
            ['--bogus'],
            ['--other-tenant'],
            ['--security', '/no/such/security.json'],
        ]) {
            const p = run(args);
            expect(await p.exited).toBe(2);
            expect(p.out()).toBe('');
            expect(p.err().trim().split('\n')).toHaveLength(1);
        }
    }, 60_000);
});
