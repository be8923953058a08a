import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const COMMANDS = ['plan', 'run', 'verify', 'runs', 'log', 'import-cmt', 'specs'];
let dir: string;

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dvm-cli-'));
    await writeFile(join(dir, 'not-json.json'), '{ "name": "x",\n  "tables": [ }\n');
    await writeFile(
        join(dir, 'bad.json'),
        JSON.stringify({
            name: 'bad',
            source: { url: 'http://contoso.crm.dynamics.com' },
            target: {
                url: 'https://t.crm.dynamics.com',
                credential: {
                    type: 'clientSecret',
                    tenantId: 'contoso.onmicrosoft.com',
                    clientId: 'c',
                    secretSetting: 'abc~def.ghi',
                },
            },
            tables: [{ name: 'account', colums: [] }, { name: 'account' }],
            options: { pageSize: 6000 },
        }),
    );
});

describe('dataverse-migrate CLI shell', () => {
    it('--help lists every subcommand', async () => {
        const { code, stdout } = await cli(['--help']);
        expect(code).toBe(0);
        for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    });

    it.each(COMMANDS)('%s --help describes the command', async (command) => {
        const { code, stdout } = await cli([command, '--help']);
        expect(code).toBe(0);
        expect(stdout).toContain(`Usage: dataverse-migrate ${command}`);
        expect(stdout).toContain('--json');
    });

    it('a bad spec prints every problem with its path and exits 2', async () => {
        const { code, stdout, stderr } = await cli(['plan', '--spec', 'bad.json'], { cwd: dir });
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^bad\.json: 5 problems:/);
        expect(stderr).toContain('source.url: plain http is only allowed for loopback addresses');
        expect(stderr).toContain('target.credential.secretSetting: must be the NAME');
        expect(stderr).toContain("tables[0].colums: unknown key 'colums' (did you mean 'columns'?)");
        expect(stderr).toContain("tables[1].name: table 'account' is listed twice");
        expect(stderr).toContain('options.pageSize: Dataverse returns at most 5000 rows a page');
    });

    it('with --json, spec problems are also JSON on stdout, with their paths', async () => {
        const { code, stdout } = await cli(['plan', '--spec', 'bad.json', '--json'], { cwd: dir });
        expect(code).toBe(2);
        const { problems } = JSON.parse(stdout);
        expect(problems).toHaveLength(5);
        expect(problems).toContainEqual({
            path: 'options.pageSize',
            message: 'Dataverse returns at most 5000 rows a page',
        });
    });

    it('a missing spec file is one clear line and exit 2', async () => {
        const { code, stderr } = await cli(['run', '--spec', 'nope.json'], { cwd: dir });
        expect(code).toBe(2);
        expect(stderr.trim().split('\n')).toEqual([`spec file not found: ${join(dir, 'nope.json')}`]);
    });

    it('a file that is not JSON is one clear line with its position and exit 2', async () => {
        const { code, stderr } = await cli(['verify', '--spec', 'not-json.json'], { cwd: dir });
        expect(code).toBe(2);
        const lines = stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/not-json\.json is not valid JSON( at line 2, column \d+)?: Unexpected token/);
    });

    it('a missing --spec option and an unknown command exit 2', async () => {
        expect((await cli(['plan'])).code).toBe(2);
        const unknown = await cli(['migrate']);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain("unknown command 'migrate'");
    });

    it('the installed bin runs and lists the commands', async () => {
        const bin = new URL('../../dist/src/cli/main.js', import.meta.url);
        expect(existsSync(bin), 'run `npm run build` first (npm test does)').toBe(true);
        const { stdout } = await promisify(execFile)(process.execPath, [bin.pathname, '--help']);
        for (const command of COMMANDS) expect(stdout).toContain(command);
    });
});
