/**
 * `dataverse-migrate specs` and `runs --spec NAME` against the store `serve` uses: specs put from the command line
 * are what serve lists and starts, a spec whose run is in progress is not deleted, and the history shows rows,
 * failed rows and duration. Bad input (an unknown spec, a schedule that never fires, a spec with problems) exits 2
 * with every problem and where it is.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from '../../src/cli/commands/serve.js';
import { nextOccurrences } from '../../src/schedule/index.js';
import { startSimulator } from 'dataverse-sim';
import { cli } from '../helpers/cli.js';
import type { Sim } from './api-helpers.js';

let source: Sim;
let target: Sim;
let dir: string;
let logDir: string;

const specsCli = (...argv: string[]) => cli(['specs', ...argv, '--log-dir', logDir], { cwd: dir });

async function writeJson(file: string, value: unknown): Promise<string> {
    await writeFile(join(dir, file), JSON.stringify(value, null, 2));
    return file;
}

const spec = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    source: { url: source.url },
    target: { url: target.url },
    tables: [{ name: 'account' }, { name: 'contact' }],
    options: { pageSize: 40, writeBatchSize: 40 },
    ...extra,
});

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 300, seed: 33, latencyMs: 10 }),
        startSimulator({ schema: 'crm', rows: 300, seed: 33, empty: true, latencyMs: 10 }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'dvm-specs-'));
    logDir = join(dir, 'log');
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
});

describe('specs put, list, show and next', () => {
    it('lists nothing in a new store', async () => {
        const { code, stdout } = await specsCli('list');
        expect(code).toBe(0);
        expect(stdout).toBe(`no stored specs in ${join(logDir, 'specs')}\n`);
    });

    it('puts a spec file, with --schedule, and lists it with its next run and status', async () => {
        const file = await writeJson('nightly.json', spec('nightly'));
        const put = await specsCli('put', file, '--schedule', '0 0 3 * * *');
        expect(put.stderr).toBe('');
        expect(put.code).toBe(0);
        expect(put.stdout).toMatch(
            /^stored spec 'nightly' \(schedule '0 0 3 \* \* \*', next run \d{4}-\d\d-\d\d 03:00:00Z\), etag "1"\n$/,
        );

        const list = await specsCli('list');
        expect(list.code).toBe(0);
        const [header, rule, row] = list.stdout.trimEnd().split('\n');
        expect(header).toMatch(/^name\s+schedule\s+next run\s+status\s+last run$/);
        expect(rule).toMatch(/^-+ {2}-+/);
        expect(row).toMatch(/^nightly\s+0 0 3 \* \* \*\s+\d{4}-\d\d-\d\d 03:00:00Z\s+never-run$/);

        const json = JSON.parse((await specsCli('list', '--json')).stdout);
        expect(json.specs).toEqual([
            expect.objectContaining({ name: 'nightly', schedule: '0 0 3 * * *', status: 'never-run' }),
        ]);
        expect(json.specs[0].nextRunAt).toMatch(/T03:00:00\.000Z$/);
    });

    it('shows one spec with its ETag and the document as stored (the schedule inside it)', async () => {
        const shown = await specsCli('show', 'nightly');
        expect(shown.code).toBe(0);
        expect(shown.stdout).toMatch(/^name {6}nightly$/m);
        expect(shown.stdout).toMatch(/^etag {6}"\d+"$/m);
        const json = JSON.parse((await specsCli('show', 'nightly', '--json')).stdout);
        expect(json.spec).toMatchObject({ name: 'nightly', options: { schedule: '0 0 3 * * *', pageSize: 40 } });
        expect(shown.stdout).toContain('"schedule": "0 0 3 * * *"');
    });

    it('replaces a spec only with a current --if-match, and stores a file under another --name', async () => {
        const { etag } = JSON.parse((await specsCli('show', 'nightly', '--json')).stdout);
        const file = await writeJson('nightly-2.json', spec('nightly', { options: { pageSize: 30 } }));
        const replaced = await specsCli('put', file, '--if-match', etag);
        expect(replaced.code).toBe(0);
        expect(replaced.stdout).toMatch(/^replaced spec 'nightly' \(no schedule: it runs when started\)/);
        const stale = await specsCli('put', file, '--if-match', etag);
        expect(stale.code).toBe(2);
        expect(stale.stderr).toBe(`spec 'nightly' changed since it was read (--if-match ${etag}): show it again\n`);

        const copy = await specsCli('put', 'nightly.json', '--name', 'hourly', '--schedule', '0 15 * * * *', '--json');
        expect(copy.code).toBe(0);
        expect(JSON.parse(copy.stdout)).toMatchObject({ created: true, name: 'hourly', schedule: '0 15 * * * *' });
        const stored = JSON.parse((await specsCli('show', 'hourly', '--json')).stdout);
        expect(stored.spec.name).toBe('hourly');
    });

    it('lists upcoming fire times of every scheduled spec in order, or of one', async () => {
        const all = await specsCli('next', '--json');
        expect(all.code).toBe(0);
        const { next } = JSON.parse(all.stdout);
        // nightly has no schedule any more; hourly fires at a quarter past every hour.
        const expected = nextOccurrences('0 15 * * * *', new Date(), 5).map((at) => at.toISOString());
        expect(next).toEqual(expected.map((at) => ({ spec: 'hourly', at })));
        const one = await specsCli('next', 'hourly', '--count', '2');
        expect(one.stdout.trimEnd().split('\n')).toHaveLength(4);
        expect(one.stdout).toMatch(/^when \(UTC\)\s+spec$/m);
        const none = await specsCli('next', 'nightly');
        expect(none.code).toBe(0);
        expect(none.stderr).toBe("spec 'nightly' has no schedule: it runs only when started\n");
    });
});

describe('specs refuses bad input with exit 2 and says where', () => {
    it('a schedule that never fires, named by its option', async () => {
        const { code, stdout, stderr } = await specsCli('put', 'nightly.json', '--schedule', '0 0 2 31 2 *');
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toBe(
            "nightly.json: 1 problem:\n  --schedule: '0 0 2 31 2 *' never fires: February has no day 31\n",
        );
    });

    it('a spec file with problems: every one with its path, nothing stored', async () => {
        const file = await writeJson(
            'broken.json',
            spec('broken', {
                target: { url: source.url },
                tables: [{ name: 'account', colums: ['name'] }],
                options: { pageSize: 0, schedule: '0 0 3 * *' },
            }),
        );
        const { code, stderr } = await specsCli('put', file);
        expect(code).toBe(2);
        const lines = stderr.trimEnd().split('\n');
        expect(lines[0]).toBe('broken.json: 4 problems:');
        expect(
            lines
                .slice(1)
                .map((l) => l.trim().split(':')[0])
                .sort(),
        ).toEqual(['options.pageSize', 'options.schedule', 'tables[0].colums', 'target.url']);
        expect((await specsCli('show', 'broken')).code).toBe(2);
        const missing = await specsCli('put', 'nope.json');
        expect(missing.code).toBe(2);
        expect(missing.stderr).toBe(`spec file not found: ${join(dir, 'nope.json')}\n`);
    });

    it('an unknown spec, action or misplaced option; --json gives the problem as JSON too', async () => {
        const unknown = await specsCli('show', 'nosuch');
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toBe(`no stored spec 'nosuch' in ${join(logDir, 'specs')}\n`);
        expect((await specsCli('delete', 'nosuch')).stderr).toBe(
            `no stored spec 'nosuch' in ${join(logDir, 'specs')}\n`,
        );
        const json = await specsCli('show', 'nosuch', '--json');
        expect(JSON.parse(json.stdout).problems[0].message).toContain("no stored spec 'nosuch'");
        const action = await specsCli('rename', 'nightly');
        expect(action.code).toBe(2);
        expect(action.stderr).toBe("unknown action 'rename': use list, show, put, delete, next\n");
        const misplaced = await specsCli('list', '--schedule', '0 0 3 * * *');
        expect(misplaced.code).toBe(2);
        expect(misplaced.stderr).toBe('--schedule goes with specs put, not specs list\n');
        expect((await specsCli('show')).stderr).toBe("specs show needs the spec's NAME\n");
        const name = await specsCli('show', '../x');
        expect(name.code).toBe(2);
        expect(name.stderr).toMatch(/^NAME: '\.\.\/x' is not a spec name/);
    });
});

describe('specs and runs beside serve, over one store', () => {
    let serve: ServeHandle;

    beforeAll(async () => {
        serve = await startServe(
            {
                stdout: () => undefined,
                stderr: () => undefined,
                isTty: false,
                env: { PATH: process.env.PATH },
                cwd: dir,
            },
            { port: 0, logDir, schedules: false },
        );
    });
    afterAll(() => serve?.stop());

    it('serve lists and starts what the CLI put; the CLI refuses to delete it while its run goes on', async () => {
        // serve lets in the holder of its token only.
        const auth = { authorization: `Bearer ${serve.token}` };
        const listed = (await (await fetch(`${serve.url}/api/specs`, { headers: auth })).json()) as any;
        expect(listed.specs.map((s: any) => s.name)).toEqual(['hourly', 'nightly']);
        const started = await fetch(`${serve.url}/api/migrations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...auth },
            body: JSON.stringify({ spec: 'nightly' }),
        });
        expect(started.status).toBe(202);
        const { id } = (await started.json()) as { id: string };

        const refused = await specsCli('delete', 'nightly');
        expect(refused.code).toBe(2);
        expect(refused.stderr).toBe(
            `spec 'nightly' has a run in progress (${id}): cancel it or wait for it to finish, then delete the spec\n`,
        );
        const during = JSON.parse((await specsCli('show', 'nightly', '--json')).stdout);
        expect(['pending', 'in-progress']).toContain(during.status);
        expect(during.lastRunId).toBe(id);

        for (;;) {
            const view = (await (await fetch(`${serve.url}/api/migrations/${id}`, { headers: auth })).json()) as any;
            if (view.summary && view.runtimeStatus === 'Completed') break;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const list = await specsCli('list');
        expect(list.stdout).toMatch(new RegExp(`^nightly\\s+on request\\s+succeeded\\s+${id}$`, 'm'));

        // runs --spec takes the spec's NAME, as GET /api/migrations?spec= does, and shows rows and duration.
        const runs = await cli(['runs', '--spec', 'nightly', '--log-dir', logDir], { cwd: dir });
        expect(runs.code).toBe(0);
        const [header, , row, more] = runs.stdout.trimEnd().split('\n');
        expect(header).toMatch(
            /^run\s+spec\s+status\s+started\s+duration\s+read\s+written\s+failed\s+requests\s+trigger$/,
        );
        const rows = source.dump('account').length + source.dump('contact').length;
        const total = rows.toLocaleString('en-US');
        expect(row).toMatch(
            new RegExp(
                `^${id}\\s+nightly\\s+succeeded\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+[\\d.]+ (ms|s)\\s+${total}\\s+${total}\\s+0\\s+[\\d,]+\\s+http$`,
            ),
        );
        expect(more).toBeUndefined();
        const json = JSON.parse((await cli(['runs', '--spec', 'nightly', '--json', '--log-dir', logDir])).stdout);
        expect(json.runs[0]).toMatchObject({ runId: id, readRows: rows, writtenRows: rows, failedRows: 0 });
        expect(json.runs[0].durationMs).toBeGreaterThan(0);
        const other = await cli(['runs', '--spec', 'hourly', '--log-dir', logDir], { cwd: dir });
        expect(other.stdout).toBe('no runs yet\n');
        const file = await cli(['runs', '--spec', 'nightly.json', '--log-dir', logDir], { cwd: dir });
        expect(file.stderr).toBe(
            "no runs of a spec named 'nightly.json': --spec takes the spec's name, not its file\n",
        );
        expect((await cli(['runs', '--spec', 'a/b', '--log-dir', logDir])).code).toBe(2);

        const deleted = await specsCli('delete', 'nightly');
        expect(deleted.code).toBe(0);
        expect(deleted.stdout).toBe("deleted spec 'nightly'\n");
        expect((await fetch(`${serve.url}/api/specs/nightly`, { headers: auth })).status).toBe(404);
    }, 60_000);
});
