/**
 * Every command fails the same way: one clear line naming the problem and where, exit 2 for bad input, exit 1 for
 * the unexpected, never a stack trace unless --debug or DEBUG=dataverse-migrate asks for one. Output piped to a
 * reader that leaves early (`| head`) ends quietly with exit 0. In-process through the CLI helper, except where a
 * real process is the point (a broken pipe, another user's permissions).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand, type CommandModule } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/program.js';
import { fsReason } from '../../src/util/fs-errors.js';
import { cli } from '../helpers/cli.js';

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const RUN_ID = 'crm-seed-20260101-120000-abcd';
let dir: string;

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dvm-failures-'));
    // The README's example spec, with its placeholders as they are written there.
    await writeFile(
        join(dir, 'readme.json'),
        JSON.stringify({
            name: 'crm-seed',
            source: { url: 'https://contoso.crm.dynamics.com', credential: { type: 'default' } },
            target: {
                url: 'https://contoso-dev.crm4.dynamics.com',
                credential: {
                    type: 'clientSecret',
                    tenantId: '<tenant id>',
                    clientId: '<app id>',
                    secretSetting: 'DATAVERSE_TARGET_SECRET',
                },
            },
            tables: [{ name: 'account' }],
        }),
    );
    await writeFile(join(dir, 'a-file'), 'not a folder');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A command that fails as a bug would, to see how the program reports it. */
const broken = defineCommand({
    name: 'broken',
    define: (command) => command.description('throws'),
    options: z.object({}),
    run: () => Promise.reject(new TypeError('something is undefined\nsecond line')),
});
const withBroken = [...COMMANDS, broken] as CommandModule[];

describe('bad input is one clear line and exit 2', () => {
    it("the README's placeholder tenant id names target.credential.tenantId, with no stack trace", async () => {
        for (const command of ['plan', 'run', 'verify']) {
            const store = command === 'run' ? ['--log-dir', join(dir, 'store')] : [];
            const { code, stderr } = await cli([command, '--spec', 'readme.json', ...store], { cwd: dir });
            expect(code, command).toBe(2);
            expect(stderr).toMatch(/^ {2}target\.credential\.tenantId: expected the tenant id: a GUID/m);
            expect(stderr).not.toMatch(/unexpected error|^\s+at /m);
        }
    });

    it.each([
        [['log', '../../etc/passwd'], 'runId', '../../etc/passwd'],
        [['log', '..%2F..%2Fx', '--errors'], 'runId', '..%2F..%2Fx'],
        [['run', '--resume', '../x'], '--resume', '../x'],
    ])('%j: a run id that is not one is refused before it names a path', async (argv, where, id) => {
        const { code, stderr } = await cli([...argv, '--log-dir', join(dir, 'store')], { cwd: dir });
        expect(code).toBe(2);
        expect(stderr.trim().split('\n')).toEqual([
            `${where}: '${id}' is not a run id (<spec>-<yyyyMMdd>-<HHmmss>-<4 hex>, as \`runs\` lists them)`,
        ]);
    });

    it('a run store folder that cannot be created says why and where, for run and serve', async () => {
        const logDir = join(dir, 'a-file', 'store');
        for (const argv of [
            ['run', '--spec', 'readme.json'],
            ['serve', '--port', '0'],
        ]) {
            const { code, stderr } = await cli([...argv, '--log-dir', logDir], { cwd: dir });
            expect(code, argv[0]).toBe(2);
            expect(stderr.trim().split('\n')).toEqual([
                `cannot write the run store folder ${logDir} (--log-dir): ${join(dir, 'a-file')} is a file, not a folder`,
            ]);
        }
    });

    it('filesystem errors are told in words with their code', () => {
        expect(fsReason(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe('the file system is read-only (EROFS)');
        expect(fsReason(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied (EACCES)');
        expect(fsReason(new Error('no code'))).toBeUndefined();
    });

    describe('serve on a busy port', () => {
        let busy: Server;
        let port: number;
        beforeAll(async () => {
            busy = createServer();
            await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
            port = (busy.address() as { port: number }).port;
        });
        afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

        it('names the port and the --port option, exit 2', async () => {
            const { code, stdout, stderr } = await cli(['serve', '--port', String(port), '--log-dir', join(dir, 's')], {
                cwd: dir,
            });
            expect(code).toBe(2);
            expect(stdout).toBe('');
            expect(stderr.trim().split('\n')).toEqual([
                `port ${port} on 127.0.0.1 is already in use by another process: choose another with --port N (--port 0 picks a free one)`,
            ]);
        });

        it('--debug adds the stack of the error behind it', async () => {
            const { stderr } = await cli(['serve', '--port', String(port), '--log-dir', join(dir, 's'), '--debug'], {
                cwd: dir,
            });
            expect(stderr).toContain('EADDRINUSE');
            expect(stderr).toMatch(/^\s+at /m);
        });
    });
});

describe('the unexpected is one line and exit 1; the stack only on request', () => {
    it('without --debug: the error in one line and how to see more', async () => {
        const { code, stderr } = await cli(['broken'], { commands: withBroken });
        expect(code).toBe(1);
        expect(stderr).toBe(
            'dataverse-migrate: unexpected error: TypeError: something is undefined (--debug shows the stack trace)\n',
        );
    });

    it('--debug, before or after the command, and DEBUG=dataverse-migrate show the stack', async () => {
        for (const [argv, env] of [
            [['broken', '--debug'], {}],
            [['--debug', 'broken'], {}],
            [['broken'], { DEBUG: 'dataverse-migrate' }],
            [['broken'], { DEBUG: 'express,dataverse-migrate*' }],
        ] as const) {
            const { code, stderr } = await cli([...argv], { commands: withBroken, env });
            expect(code).toBe(1);
            expect(stderr).toMatch(/^dataverse-migrate: unexpected error: TypeError: something is undefined\n/);
            expect(stderr).toMatch(/^\s+at /m);
        }
    });
});

describe('a reader that leaves early', () => {
    let logDir: string;
    beforeAll(async () => {
        // A run whose events and failed rows are far more than a pipe holds.
        logDir = join(dir, 'piped');
        const run = join(logDir, 'runs', RUN_ID);
        await mkdir(join(run, 'errors'), { recursive: true });
        await writeFile(join(run, 'spec.json'), '{"name":"crm-seed"}');
        const event = JSON.stringify({ at: '2026-01-01T12:00:00Z', type: 'page', phase: 'copy', table: 'account' });
        await writeFile(join(run, 'events.jsonl'), `${event}\n`.repeat(50_000));
        await writeFile(join(run, 'errors', 'account.csv'), `table,id,message\n${'account,1,x\n'.repeat(50_000)}`);
    });

    // Side by side: three processes that only read the same run.
    it.concurrent.each([[['log', RUN_ID]], [['log', RUN_ID, '--errors']], [['log', RUN_ID, '--json']]])(
        '%j | head ends quietly with exit 0',
        async (argv) => {
            expect(existsSync(BIN), 'run `npm run build` first (npm test does)').toBe(true);
            const args = [BIN, ...argv, '--log-dir', logDir].map((a) => `'${a}'`).join(' ');
            const { stdout, stderr } = await promisify(execFile)(
                'bash',
                ['-c', `'${process.execPath}' ${args} | head -n 1 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`],
                { cwd: dir },
            );
            expect(stdout.trim()).toBe('exit=0');
            expect(stderr).toBe('');
        },
    );
});

describe('a run store folder this user may not write', () => {
    it('is refused with the real cause (EACCES), not a misleading ENOENT', { timeout: 30_000 }, async () => {
        expect(existsSync(BIN), 'run `npm run build` first (npm test does)').toBe(true);
        const parent = join(dir, 'locked');
        await mkdir(parent);
        await chmod(dir, 0o755);
        await chmod(parent, 0o555);
        // Root may write anywhere: the CLI then runs as nobody, as the newcomer did as a plain user.
        const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
        const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-dir', join(parent, 'store')], {
            cwd: dir,
            stdio: ['ignore', 'pipe', 'pipe'],
            ...asUser,
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(code, stderr).toBe(2);
        expect(stderr.trim().split('\n')).toEqual([
            `cannot write the run store folder ${join(parent, 'store')} (--log-dir): ${parent}: permission denied (EACCES)`,
        ]);
    });
});
